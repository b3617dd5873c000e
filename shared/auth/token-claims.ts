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
 * - A SCIM connection (the client-credentials grant of an identity provider's app client, one per connection
 *   named in context `scimConnections`): `scim:provision` and the connection's own `domains`. Cognito's event
 *   names the app client only by id, which the trigger cannot know (the pool that invokes it owns the
 *   clients), so each connection's client is also granted a marker scope `scim-connection:<name>`, and the
 *   trigger is given each connection's domains by name (SCIM_CONNECTIONS). A client granted
 *   `scim:provision` without a known connection's marker gets neither scope nor domains: it is refused.
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

/** The marker scope of SCIM connection `name` on the resource server (a scope name may hold `:` and `-`). */
const scimConnectionScope = (name: string): string => `scim-connection:${name}`;

/** A SCIM connection's name: what `-c scimConnections` and the marker scope use. */
const SCIM_CONNECTION_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The SCIM connections the trigger knows: name → the `domains` claim of its tokens (`*` or `a.org,b.org`). */
type ScimConnections = Readonly<Record<string, string>>;

/**
 * The SCIM connections of the trigger's environment variable SCIM_CONNECTIONS (a JSON object, set by the
 * stack from context `scimConnections`); none when it is absent.
 *
 * @example
 * scimConnectionsFrom('{"okta":"a.org,b.org"}') // { okta: 'a.org,b.org' }
 */
function scimConnectionsFrom(raw: string | undefined): ScimConnections {
  if (raw === undefined || raw === '') return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('SCIM_CONNECTIONS must be a JSON object of connection name to domains');
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => SCIM_CONNECTION_NAME.test(entry[0]) && typeof entry[1] === 'string',
    ),
  );
}

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
function accessTokenAdditions(event: PreTokenEvent, connections: ScimConnections = {}): AccessTokenAdditions {
  if (event.triggerSource === CLIENT_CREDENTIALS) {
    const granted = new Set(event.request.scopes ?? []);
    if (granted.has(`${RESOURCE_SERVER}/${Scope.SCIM}`)) {
      const connection = Object.keys(connections).find((name) =>
        granted.has(`${RESOURCE_SERVER}/${scimConnectionScope(name)}`),
      );
      const domains = connection === undefined ? undefined : domainsClaim(connections[connection]);
      return domains === undefined
        ? { scopesToAdd: [], claimsToAddOrOverride: {} }
        : { scopesToAdd: [Scope.SCIM], claimsToAddOrOverride: { domains } };
    }
    const scopes = PLATFORM_SCOPES.filter((scope) => granted.has(`${RESOURCE_SERVER}/${scope}`));
    return { scopesToAdd: [...scopes], claimsToAddOrOverride: scopes.length > 0 ? { domains: '*' } : {} };
  }
  const groups = event.request.groupConfiguration?.groupsToOverride ?? [];
  const scopes = [...new Set(groups.filter(isAdminGroup).map((group) => ADMIN_GROUPS[group]))];
  const domains = domainsClaim(event.request.userAttributes?.[`custom:${DOMAINS_ATTRIBUTE}`]);
  return { scopesToAdd: scopes, claimsToAddOrOverride: domains === undefined ? {} : { domains } };
}

export {
  accessTokenAdditions,
  ADMIN_GROUPS,
  DOMAINS_ATTRIBUTE,
  RESOURCE_SERVER,
  PLATFORM_SCOPES,
  CLIENT_CREDENTIALS,
  SCIM_CONNECTION_NAME,
  scimConnectionScope,
  scimConnectionsFrom,
};
export type { PreTokenEvent, AccessTokenAdditions, ScimConnections };
