/**
 * What the stack's own Cognito user pool puts into an access token (SPEC §7), computed by its
 * pre-token-generation trigger (functions/auth/pre-token.ts, event version V3, which needs the Essentials or
 * Plus feature plan): this service's scopes and the `domains` claim, which Cognito cannot issue by itself.
 *
 * - An administrator (a sign-in through the hosted UI): the scopes of the Cognito **groups** the user is in
 *   (`accounts-admin`, `accounts-write`, `accounts-read`), and `domains` from the user **attribute**
 *   `custom:domains` (`*`, or domains separated by commas). No group, no scope; no attribute, no domain.
 * - A platform client (the client-credentials grant of the MTA's or the login service's app client): the
 *   resource server's scopes it was granted, without the resource server's prefix
 *   (`mailbox-lifecycle/access:check` → `access:check`), and `domains` `*`.
 *
 * Pure: no AWS SDK, no I/O.
 */
import { Scope } from '../domain/transitions';

/** The Cognito groups that grant the administrator scopes (one each; the broadest wins at the routes). */
const ADMIN_GROUPS = {
  'accounts-admin': Scope.ADMIN,
  'accounts-write': Scope.WRITE,
  'accounts-read': Scope.READ,
} as const satisfies Readonly<Record<string, Scope>>;

/** The user attribute holding an administrator's domains (`custom:` + the attribute's name). */
const DOMAINS_ATTRIBUTE = 'domains';

/** The resource server whose scopes the platform clients are granted, and those scopes. */
const RESOURCE_SERVER = 'mailbox-lifecycle';
const PLATFORM_SCOPES = [Scope.ACCESS_CHECK, Scope.LOGIN_REPORT] as const;

/** Cognito's trigger source for a client-credentials (machine-to-machine) token. */
const CLIENT_CREDENTIALS = 'TokenGeneration_ClientCredentials';

/** The part of Cognito's pre-token-generation event (V2/V3) this trigger reads. */
interface PreTokenEvent {
  readonly triggerSource: string;
  readonly request: {
    readonly userAttributes?: Readonly<Record<string, string>>;
    readonly groupConfiguration?: { readonly groupsToOverride?: readonly string[] };
    /** The scopes Cognito is about to issue (resource-server scopes carry its prefix). */
    readonly scopes?: readonly string[];
  };
}

/** The access token's additions, as Cognito's `claimsAndScopeOverrideDetails.accessTokenGeneration` wants them. */
interface AccessTokenAdditions {
  readonly scopesToAdd: string[];
  readonly claimsToAddOrOverride: { domains?: string };
}

const isAdminGroup = (group: string): group is keyof typeof ADMIN_GROUPS => Object.hasOwn(ADMIN_GROUPS, group);

/** The domains attribute as the claim: trimmed, lowercased items joined by commas; undefined when none. */
function domainsClaim(raw: string | undefined): string | undefined {
  const items = (raw ?? '')
    .split(/[\s,]+/)
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  if (items.length === 0) return undefined;
  return items.includes('*') ? '*' : [...new Set(items)].join(',');
}

/**
 * The scopes and claims to add to the access token of `event`.
 *
 * @example
 * accessTokenAdditions({ triggerSource: 'TokenGeneration_HostedAuth', request: {
 *   groupConfiguration: { groupsToOverride: ['accounts-write'] }, userAttributes: { 'custom:domains': 'a.org' } } })
 * // { scopesToAdd: ['accounts:write'], claimsToAddOrOverride: { domains: 'a.org' } }
 */
function accessTokenAdditions(event: PreTokenEvent): AccessTokenAdditions {
  if (event.triggerSource === CLIENT_CREDENTIALS) {
    const granted = new Set(event.request.scopes ?? []);
    const scopes = PLATFORM_SCOPES.filter((scope) => granted.has(`${RESOURCE_SERVER}/${scope}`));
    return { scopesToAdd: [...scopes], claimsToAddOrOverride: scopes.length > 0 ? { domains: '*' } : {} };
  }
  const groups = event.request.groupConfiguration?.groupsToOverride ?? [];
  const scopes = [...new Set(groups.filter(isAdminGroup).map((group) => ADMIN_GROUPS[group]))];
  const domains = domainsClaim(event.request.userAttributes?.[`custom:${DOMAINS_ATTRIBUTE}`]);
  return { scopesToAdd: scopes, claimsToAddOrOverride: domains === undefined ? {} : { domains } };
}

export { accessTokenAdditions, ADMIN_GROUPS, DOMAINS_ATTRIBUTE, RESOURCE_SERVER, PLATFORM_SCOPES, CLIENT_CREDENTIALS };
export type { PreTokenEvent, AccessTokenAdditions };
