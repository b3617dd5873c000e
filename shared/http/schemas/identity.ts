/**
 * The schemas of who an account is — its id, address, domain and display name — shared by the API's
 * routes and SCIM. Apart from the other building blocks (./common.ts) so that a function that reads only
 * these (access, login events, SCIM) builds nothing else at start.
 */
import * as v from 'valibot';
import { canonicalDisplayName, canonicalDomain, canonicalEmail, type Canonical } from '../../domain/email';
import { described } from './meta';

const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;

const AccountId = described(
  v.pipe(
    v.string(),
    v.regex(ULID_PATTERN, 'must be a ULID (26 characters of Crockford base32)'),
    v.transform((id: string) => id.toUpperCase()),
  ),
  {
    description: 'The account id, a ULID (either case).',
    example: '01JD3W6Q8M4T2V9X5Z7B1C3E5G',
    override: { pattern: '^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$' },
  },
);

/** A string check that replaces the value with its canonical form, or reports why it has none. */
const canonical = (canonicalize: (raw: string) => Canonical) =>
  v.rawTransform(({ dataset, addIssue, NEVER }: v.RawTransformContext<string>) => {
    const result = canonicalize(dataset.value);
    if (result.ok) return result.value;
    addIssue({ message: result.problem });
    return NEVER;
  });

/**
 * The documented shape of what canonicalEmail and canonicalDomain accept as sent (any case, any script,
 * whitespace around): labels without spaces, separators or dots, not empty, a domain's not starting or
 * ending with a hyphen. The server's checks (control, bidi and invisible characters, IP domains, IDNA
 * validity) are stricter than a pattern can say; the description says them.
 */
const LABEL_CHAR = String.raw`[^\s@<>()[\]\\,;:".]`;
const DOMAIN_LABEL = String.raw`[^\s@<>()[\]\\,;:".-](?:${LABEL_CHAR}*[^\s@<>()[\]\\,;:".-])?`;
const DOMAIN_SHAPE = String.raw`(?:${DOMAIN_LABEL}\.)+${DOMAIN_LABEL}`;
const EMAIL_AS_SENT = String.raw`^\s*(?=\S{3,254}\s*$)${LABEL_CHAR}+(?:\.${LABEL_CHAR}+)*@${DOMAIN_SHAPE}\s*$`;
const DOMAIN_AS_SENT = String.raw`^\s*(?=\S{1,253}\s*$)${DOMAIN_SHAPE}\s*$`;

const Email = described(v.pipe(v.string(), v.maxLength(320), canonical(canonicalEmail)), {
  description:
    'An email address, stored in its canonical form: trimmed, Unicode NFC, lower case, an internationalized ' +
    'domain in ASCII (IDNA; either form may be given). Control, bidi and invisible characters, whitespace, ' +
    'empty labels and IP-address domains are refused.',
  example: 'ann@example.org',
  override: { pattern: EMAIL_AS_SENT },
});

const Domain = described(v.pipe(v.string(), v.maxLength(253), canonical(canonicalDomain)), {
  description: 'A mail domain (an internationalized one in either form; ASCII IDNA in answers).',
  example: 'example.org',
  override: { pattern: DOMAIN_AS_SENT },
});

const DisplayName = described(v.nullable(v.pipe(v.string(), v.maxLength(1024), canonical(canonicalDisplayName))), {
  description:
    'The display name, trimmed and NFC-normalized, 1–256 characters; control and bidi characters are refused (a joiner inside an emoji sequence is fine); null clears it.',
  example: 'Ann Example',
});

export { AccountId, DisplayName, Domain, Email, ULID_PATTERN };
