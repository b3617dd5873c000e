/**
 * The one email module: addresses and domains as the service keeps them — trimmed and lower-cased, unique
 * across domains — what a valid address and domain look like, and which domain an address belongs to.
 * Pure.
 */

/** A DNS host name: labels of letters, digits and inner hyphens, at least two of them. */
const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A local part without spaces, angle brackets or a second `@`, then a host name (already lower-cased). */
const EMAIL_PATTERN =
  /^(?=.{3,254}$)[^\s@<>()[\]\\,;:"]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The stored form of an address.
 *
 * @example
 * normalizeEmail('  Ann@Example.ORG ') // 'ann@example.org'
 */
function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The domain of a normalized address: the part after the last `@`.
 *
 * @example
 * emailDomain('ann@example.org') // 'example.org'
 */
function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

export { DOMAIN_PATTERN, EMAIL_PATTERN, emailDomain, normalizeEmail };
