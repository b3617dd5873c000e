/**
 * The one email module: addresses, domains and display names as the service keeps them (SPEC §4) — the
 * canonical form (trimmed, Unicode NFC, lower case, an internationalized domain in its ASCII IDNA form),
 * what is refused and why, and which domain an address belongs to. Pure.
 *
 * IDNA is Node's own `domainToASCII` (node:url: the WHATWG URL standard's UTS #46 processing, kept with
 * Node's ICU and ada), not hand-written punycode.
 */
import { domainToASCII } from 'node:url';

/** A canonical value, or why the input is refused (a message for the field). */
type Canonical = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly problem: string };

/** A DNS host name in ASCII: labels of letters, digits and inner hyphens, at least two of them. */
const DOMAIN_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/** Unicode category Cf: bidi controls (RLO …), zero-width space and joiners, soft hyphen, BOM, tags. */
const FORMAT = /\p{Cf}/u;
const WHITESPACE = /[\s\p{Z}]/u;
/** What a local part may not hold (beyond the above): a second `@`, brackets, quotes, separators. */
const LOCAL_FORBIDDEN = /[@<>()[\]\\,;:"]/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const MAX_ADDRESS = 254;
const MAX_LOCAL = 64;
const MAX_NAME = 256;

/** A joiner inside an emoji sequence (👩‍💻), and a flag's tag sequence (🏴 + tags): fine in a name. */
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}|\u{FE0F}|\p{Emoji_Modifier})\u200D(?=\p{Extended_Pictographic})/gu;
const FLAG_TAGS = /(?<=\u{1F3F4})[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
/** What shows nothing on its own: format and space characters, marks, and the blank letters. */
const INVISIBLE = /[\p{Cf}\p{Z}\p{M}\s\u115F\u1160\u3164\uFFA0\u2800]/gu;

const bytes = (text: string): number => new TextEncoder().encode(text).length;
const refused = (problem: string): Canonical => ({ ok: false, problem });

/** The first thing any text field refuses: control, then format characters. */
function hiddenCharacters(text: string): string | null {
  if (CONTROL.test(text)) return 'must not contain control characters';
  if (FORMAT.test(text)) return 'must not contain invisible or bidirectional formatting characters';
  return null;
}

/**
 * A domain in its canonical form: NFC, lower case, ASCII (IDNA); either form may be given.
 *
 * @example
 * canonicalDomain('Bücher.Example') // { ok: true, value: 'xn--bcher-kva.example' }
 * canonicalDomain('10.0.0.1')       // { ok: false, problem: 'must be a domain name, not an IP address' }
 */
function canonicalDomain(raw: string): Canonical {
  const text = raw.trim().normalize('NFC').toLowerCase();
  const hidden = hiddenCharacters(text);
  if (hidden !== null) return refused(hidden);
  if (WHITESPACE.test(text)) return refused('must not contain whitespace');
  if (text.startsWith('[') || text.includes(':') || IPV4.test(text)) {
    return refused('must be a domain name, not an IP address');
  }
  if (text.split('.').some((label) => label === '')) return refused('must not have empty labels');
  const ascii = domainToASCII(text);
  if (IPV4.test(ascii)) return refused('must be a domain name, not an IP address');
  if (ascii === '' || !DOMAIN_PATTERN.test(ascii)) return refused('must be a domain name');
  return { ok: true, value: ascii };
}

/**
 * An address in its canonical form (SPEC §4): trimmed, NFC, lower case, the domain in ASCII (IDNA). Two
 * inputs with the same canonical form are the same address.
 *
 * @example
 * canonicalEmail(' José@Bücher.Example ') // { ok: true, value: 'josé@xn--bcher-kva.example' }
 * canonicalEmail('ann\u202e@example.org') // { ok: false, problem: 'must not contain invisible or …' }
 */
function canonicalEmail(raw: string): Canonical {
  const text = raw.trim().normalize('NFC');
  const hidden = hiddenCharacters(text);
  if (hidden !== null) return refused(hidden);
  if (WHITESPACE.test(text)) return refused('must not contain whitespace');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return refused('must be an email address');
  const local = text.slice(0, at).toLowerCase();
  if (LOCAL_FORBIDDEN.test(local)) return refused('must be an email address');
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return refused('must not have empty labels');
  }
  if (bytes(local) > MAX_LOCAL) return refused(`must have a local part of at most ${MAX_LOCAL} characters`);
  const domain = canonicalDomain(text.slice(at + 1));
  if (!domain.ok) return domain;
  const email = `${local}@${domain.value}`;
  if (bytes(email) > MAX_ADDRESS) return refused(`must be at most ${MAX_ADDRESS} characters`);
  return { ok: true, value: email };
}

/**
 * A display name in its canonical form: trimmed, NFC, 1–256 characters, no control or bidi characters (a
 * joiner inside an emoji sequence is fine), not only invisible characters.
 *
 * @example
 * canonicalDisplayName('  Jose\u0301 ') // { ok: true, value: 'José' }
 * canonicalDisplayName('\u200b')        // { ok: false, problem: 'must not contain invisible or …' }
 */
function canonicalDisplayName(raw: string): Canonical {
  const text = raw.trim().normalize('NFC');
  if (text === '') return refused('must not be blank');
  if ([...text].length > MAX_NAME) return refused(`must be at most ${MAX_NAME} characters`);
  const hidden = hiddenCharacters(text.replace(EMOJI_JOINER, '').replace(FLAG_TAGS, ''));
  if (hidden !== null) return refused(hidden);
  if (text.replace(INVISIBLE, '') === '') return refused('must contain a visible character');
  return { ok: true, value: text };
}

/**
 * The stored form of an address given as is (a lookup key): its canonical form, or, if it has none, the
 * trimmed lower-cased text (which then matches no account).
 *
 * @example
 * normalizeEmail('  Ann@Example.ORG ') // 'ann@example.org'
 */
function normalizeEmail(email: string): string {
  const canonical = canonicalEmail(email);
  return canonical.ok ? canonical.value : email.trim().toLowerCase();
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

export { DOMAIN_PATTERN, canonicalDisplayName, canonicalDomain, canonicalEmail, emailDomain, normalizeEmail };
export type { Canonical };
