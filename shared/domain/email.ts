/**
 * What the domain knows of an email address: which domain it belongs to. Pure.
 */

/**
 * The domain of a normalized address: the part after the last `@`.
 *
 * @example
 * emailDomain('ann@example.org') // 'example.org'
 */
function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

export { emailDomain };
