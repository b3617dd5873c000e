/**
 * The SCIM User (RFC 7643 §4.1) of an account, and what an identity provider's User body asks for. Lenient
 * where Okta and Entra ID are: attributes of the User schema this service does not keep (`password`,
 * `groups`, `roles`, `phoneNumbers`, …), any schema extension (the enterprise one's `manager` as a string or
 * an object included) and `meta` are accepted and ignored; `active` may be a boolean or Entra's "True"/"False".
 * An attribute no User schema has is refused (400 invalidValue), as is a value of the wrong type.
 */
import type { Account, PersonName, WantedStatus } from '../domain/account';
import { wantedStatus } from '../domain/wanted';
import * as v from 'valibot';
import { DisplayName, Email } from '../http/schemas/identity';
import { CORE_USER, ENTERPRISE_USER } from './documents';
import { badRequest, ScimType } from './errors';

/** What a User body asks for; absent fields (undefined) are left as they are. */
interface DesiredUser {
  readonly userName: string;
  readonly active?: boolean;
  readonly displayName?: string | null;
  readonly name?: PersonName | null;
  readonly externalId?: string | null;
}

/** The User schema's attributes (RFC 7643 §4.1) that are accepted and not kept. */
const IGNORED = new Set(
  [
    'schemas',
    'id',
    'meta',
    'password',
    'groups',
    'roles',
    'entitlements',
    'x509Certificates',
    'phoneNumbers',
    'addresses',
    'ims',
    'photos',
    'nickName',
    'profileUrl',
    'title',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
    'emails',
  ].map((name) => name.toLowerCase()),
);
const KEPT = ['userName', 'active', 'displayName', 'name', 'externalId'] as const;
const NAME_PARTS = ['givenName', 'familyName', 'formatted'] as const;
const EXTERNAL_ID_MAX = 256;
const NAME_PART_MAX = 256;

/** Whether `name` is an attribute a User body may carry: a kept or ignored one, or a schema extension (a URN). */
function knownAttribute(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes(':') || IGNORED.has(lower) || KEPT.some((kept) => kept.toLowerCase() === lower);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Attribute names are case-insensitive (RFC 7643 §2.1): the value of `name` in `body`, any case. */
function member(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** A boolean, or Entra ID's "True"/"False" in any case. */
function booleanOf(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw badRequest(ScimType.INVALID_VALUE, `${path} must be a boolean.`);
}

/** A string of at most `max` characters (trimmed), null for null or blank. */
function optionalString(value: unknown, path: string, max: number): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw badRequest(ScimType.INVALID_VALUE, `${path} must be a string.`);
  const text = value.trim();
  if (text.length > max) throw badRequest(ScimType.INVALID_VALUE, `${path} is longer than ${max} characters.`);
  // eslint-disable-next-line no-control-regex -- the point is to refuse control characters
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text))
    throw badRequest(ScimType.INVALID_VALUE, `${path} must not contain control characters.`);
  return text === '' ? null : text;
}

function nameOf(value: unknown): PersonName | null {
  if (value === null) return null;
  if (!isRecord(value)) throw badRequest(ScimType.INVALID_VALUE, 'name must be an object.');
  const parts = Object.fromEntries(
    NAME_PARTS.map((part) => {
      const raw = member(value, part);
      return [part, raw === undefined ? null : optionalString(raw, `name.${part}`, NAME_PART_MAX)];
    }),
  ) as unknown as PersonName;
  return NAME_PARTS.every((part) => parts[part] === null) ? null : parts;
}

/** The canonical address of a userName; 400 invalidValue when it is not an address. */
function userNameOf(value: unknown): string {
  const parsed = v.safeParse(Email, value);
  if (!parsed.success) throw badRequest(ScimType.INVALID_VALUE, 'userName must be the mailbox address.');
  return parsed.output;
}

/**
 * What a POST or PUT body (or the User a PATCH produced) asks for.
 *
 * @example
 * desiredUser({ schemas: [CORE_USER], userName: 'Ann@Example.org', active: 'False', password: 'x' })
 * // { userName: 'ann@example.org', active: false }
 */
function desiredUser(body: unknown): DesiredUser {
  if (!isRecord(body)) throw badRequest(ScimType.INVALID_SYNTAX, 'The body must be a SCIM User object.');
  const unknown = Object.keys(body).find((key) => !knownAttribute(key));
  if (unknown !== undefined) throw badRequest(ScimType.INVALID_VALUE, `The User schema has no attribute "${unknown}".`);
  const userName = member(body, 'userName');
  if (userName === undefined || userName === null)
    throw badRequest(ScimType.INVALID_VALUE, 'userName is required: the mailbox address.');
  const active = member(body, 'active');
  const displayName = member(body, 'displayName');
  const name = member(body, 'name');
  const externalId = member(body, 'externalId');
  let display: string | null | undefined;
  if (displayName !== undefined) {
    const parsed = v.safeParse(DisplayName, displayName === '' ? null : displayName);
    if (!parsed.success)
      throw badRequest(ScimType.INVALID_VALUE, 'displayName must be 1 to 256 characters without control characters.');
    display = parsed.output;
  }
  return {
    userName: userNameOf(userName),
    ...(active === undefined || active === null ? {} : { active: booleanOf(active, 'active') }),
    ...(display === undefined ? {} : { displayName: display }),
    ...(name === undefined ? {} : { name: nameOf(name) }),
    ...(externalId === undefined ? {} : { externalId: optionalString(externalId, 'externalId', EXTERNAL_ID_MAX) }),
  };
}

/** Whether the identity provider sees the account at all: a deleted account (or one wanted deleted) is gone. */
const visible = (account: Account): boolean => account.email !== null && wantedStatus(account) !== 'deleted';

/** Where the identity provider's `active` puts the account. */
const wishOf = (active: boolean): WantedStatus => (active ? 'active' : 'disabled');

/**
 * The SCIM User of an account: `active` is where the account is headed (a kept wish included), `emails`
 * the address itself, `meta.version` its ETag.
 *
 * @example
 * toScimUser(account, 'https://api.example.org/scim/v2').meta.location // 'https://api.example.org/scim/v2/Users/01J…'
 */
function toScimUser(account: Account, baseUrl: string) {
  const { name } = account;
  const names = name ? Object.fromEntries(NAME_PARTS.flatMap((part) => (name[part] ? [[part, name[part]]] : []))) : {};
  return {
    schemas: [CORE_USER],
    id: account.accountId,
    ...(account.externalId ? { externalId: account.externalId } : {}),
    userName: account.email,
    ...(Object.keys(names).length > 0 ? { name: names } : {}),
    ...(account.displayName ? { displayName: account.displayName } : {}),
    active: wantedStatus(account) === 'active',
    emails: account.email === null ? [] : [{ value: account.email, type: 'work', primary: true }],
    meta: {
      resourceType: 'User',
      created: account.createdAt,
      lastModified: account.updatedAt,
      location: `${baseUrl}/Users/${account.accountId}`,
      version: `"${account.version}"`,
    },
  };
}

type ScimUser = ReturnType<typeof toScimUser>;

export { desiredUser, ENTERPRISE_USER, knownAttribute, member, toScimUser, userNameOf, visible, wishOf };
export type { DesiredUser, ScimUser };
