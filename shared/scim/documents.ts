/**
 * The SCIM discovery documents (RFC 7643 §5–§7): what this service supports and the User schema as it
 * keeps it — the attributes it stores or derives, and the enterprise extension accepted (and ignored).
 * Static data: the attribute list is the one shared/scim/user.ts reads and writes.
 */
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

/** The largest `count` a listing answers (and the filter's maxResults). */
const MAX_COUNT = 200;

const attribute = (
  name: string,
  description: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  name,
  type: 'string',
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

const USER_SCHEMA = {
  schemas: [SCHEMA_SCHEMA],
  id: CORE_USER,
  name: 'User',
  description: 'A mailbox account: its address (userName), the person it belongs to, and whether access is allowed.',
  attributes: [
    attribute('userName', 'The mailbox address; unique across domains; the domain must be one of the token\u2019s.', {
      required: true,
      mutability: 'immutable',
      uniqueness: 'server',
    }),
    attribute('externalId', "The identity provider's id of the person.", { caseExact: true }),
    attribute('displayName', 'The display name of the mailbox.'),
    attribute('name', "The person's name; kept to be given back.", {
      type: 'complex',
      subAttributes: [
        attribute('formatted', 'The full name.'),
        attribute('givenName', 'Given name.'),
        attribute('familyName', 'Family name.'),
      ],
    }),
    attribute('active', 'false blocks access (login denied, mail still delivered); true restores it.', {
      type: 'boolean',
    }),
    attribute('emails', 'The mailbox address as the work email; derived from userName (given values are ignored).', {
      multiValued: true,
      type: 'complex',
      mutability: 'readOnly',
      subAttributes: [
        attribute('value', 'The address.'),
        attribute('type', 'Always "work".'),
        { ...attribute('primary', 'Always true.'), type: 'boolean' },
      ],
    }),
  ],
  meta: { resourceType: 'Schema', location: `/scim/v2/Schemas/${CORE_USER}` },
};

const ENTERPRISE_SCHEMA = {
  schemas: [SCHEMA_SCHEMA],
  id: ENTERPRISE_USER,
  name: 'EnterpriseUser',
  description: 'Accepted as identity providers send it (manager as a string or an object); not kept.',
  attributes: [
    attribute('employeeNumber', 'Accepted, not kept.'),
    attribute('department', 'Accepted, not kept.'),
    attribute('manager', 'Accepted, not kept.', { type: 'complex', subAttributes: [attribute('value', 'Id.')] }),
  ],
  meta: { resourceType: 'Schema', location: `/scim/v2/Schemas/${ENTERPRISE_USER}` },
};

const USER_RESOURCE_TYPE = {
  schemas: [RESOURCE_TYPE_SCHEMA],
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'Mailbox accounts',
  schema: CORE_USER,
  schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
  meta: { resourceType: 'ResourceType', location: '/scim/v2/ResourceTypes/User' },
};

const SERVICE_PROVIDER_CONFIG = {
  schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: MAX_COUNT },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [
    {
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'A bearer JWT with the scim:provision scope and the domains it may provision.',
      primary: true,
    },
  ],
  meta: { resourceType: 'ServiceProviderConfig', location: '/scim/v2/ServiceProviderConfig' },
};

/** A ListResponse of `resources` (all of them: the discovery lists are small). */
const listOf = (resources: readonly unknown[]) => ({
  schemas: [LIST_RESPONSE],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

export {
  CORE_USER,
  ENTERPRISE_SCHEMA,
  ENTERPRISE_USER,
  LIST_RESPONSE,
  MAX_COUNT,
  PATCH_OP,
  SERVICE_PROVIDER_CONFIG,
  USER_RESOURCE_TYPE,
  USER_SCHEMA,
  listOf,
};
