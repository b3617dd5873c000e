/**
 * The SCIM routes in the OpenAPI document (/openapi.json): their inputs, answers and SCIM errors
 * (`application/scim+json`, the SCIM error schema for every error — 401 included, as the function
 * authenticates itself). Read by shared/http/openapi.ts.
 */
import * as v from 'valibot';
import { described, type Schema } from '../http/schemas/meta';
import type { InputSchemas } from '../http/schema-input';

const ScimErrorSchema = described(
  v.strictObject({
    schemas: v.array(v.literal('urn:ietf:params:scim:api:messages:2.0:Error')),
    status: v.string(),
    scimType: v.optional(
      v.picklist([
        'invalidFilter',
        'invalidSyntax',
        'invalidPath',
        'invalidValue',
        'noTarget',
        'mutability',
        'uniqueness',
      ]),
    ),
    detail: v.string(),
  }),
  {
    description: 'A SCIM error (RFC 7644 §3.12): status as a string, scimType where RFC 7644 names one.',
    id: 'ScimError',
  },
);

const ScimUser = described(
  v.looseObject({
    schemas: v.array(v.string()),
    id: v.string(),
    externalId: v.optional(v.string()),
    userName: v.string(),
    displayName: v.optional(v.string()),
    name: v.optional(
      v.strictObject({
        givenName: v.optional(v.string()),
        familyName: v.optional(v.string()),
        formatted: v.optional(v.string()),
      }),
    ),
    active: v.boolean(),
    emails: v.array(v.strictObject({ value: v.string(), type: v.literal('work'), primary: v.literal(true) })),
    meta: v.strictObject({
      resourceType: v.literal('User'),
      created: v.string(),
      lastModified: v.string(),
      location: v.string(),
      version: v.string(),
    }),
  }),
  { description: 'A mailbox account as a SCIM User (docs/scim.md maps every attribute).', id: 'ScimUser' },
);

const ListResponse = (item: Schema) =>
  v.strictObject({
    schemas: v.array(v.string()),
    totalResults: v.number(),
    startIndex: v.number(),
    itemsPerPage: v.number(),
    Resources: v.array(item),
  });

const UserBody = described(
  v.looseObject({
    schemas: v.optional(v.array(v.string())),
    userName: v.string(),
    active: v.optional(v.union([v.boolean(), v.picklist(['True', 'False', 'true', 'false'])])),
    displayName: v.optional(v.nullable(v.string())),
    externalId: v.optional(v.nullable(v.string())),
    name: v.optional(v.nullable(v.looseObject({}))),
  }),
  {
    description:
      'A SCIM User. Attributes of the User schema this service does not keep, and any schema extension, are accepted and ignored.',
    id: 'ScimUserBody',
    example: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ann@example.org',
      externalId: '00u1a2b3c4',
      name: { givenName: 'Ann', familyName: 'Example' },
      displayName: 'Ann Example',
      active: true,
    },
  },
);

const PatchBody = described(
  v.object({
    schemas: v.array(v.string()),
    Operations: v.array(v.object({ op: v.string(), path: v.optional(v.string()), value: v.optional(v.unknown()) })),
  }),
  {
    description: 'A SCIM PatchOp: add, replace or remove, in any case, with or without a path.',
    id: 'ScimPatchOp',
    example: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    },
  },
);

const UserParams = v.object({
  userId: described(v.string(), {
    description: "The user's id (the account id); anything else is 404.",
    example: '01JD3W6Q8M4T2V9X5Z7B1C3E5G',
  }),
});
const IfMatchHeader = v.object({ 'if-match': v.optional(v.string()) });

/** The documented inputs of each SCIM route. */
const SCIM_INPUTS: Readonly<Record<string, InputSchemas>> = {
  scimServiceProviderConfig: {},
  scimResourceTypes: {},
  scimSchemas: {},
  scimListUsers: {
    query: v.object({
      filter: v.optional(
        described(v.string(), {
          description: 'eq of userName, externalId or id, and/or of them.',
          example: 'userName eq "ann@example.org"',
        }),
      ),
      startIndex: v.optional(described(v.string(), { description: '1-based; default 1.', example: '1' })),
      count: v.optional(described(v.string(), { description: '0 to 200; default 100.', example: '100' })),
    }),
  },
  scimCreateUser: { body: UserBody },
  scimGetUser: { params: UserParams },
  scimReplaceUser: { params: UserParams, headers: IfMatchHeader, body: UserBody },
  scimPatchUser: { params: UserParams, headers: IfMatchHeader, body: PatchBody },
  scimDeleteUser: { params: UserParams, headers: IfMatchHeader },
};

interface ScimAnswer {
  readonly summary: string;
  readonly description: string;
  readonly status: number;
  readonly schema: Schema | null;
  readonly problems: readonly number[];
}

const discovery = (summary: string): ScimAnswer => ({
  summary,
  description: `${summary} (RFC 7644 §4).`,
  status: 200,
  schema: v.looseObject({}),
  problems: [],
});

/** Each SCIM route's summary, description, success and errors (beyond 400, 401, 403, 413, 415, 500). */
const SCIM_ANSWERS: Readonly<Record<string, ScimAnswer>> = {
  scimServiceProviderConfig: discovery('What this SCIM service supports'),
  scimResourceTypes: discovery('The User resource type'),
  scimSchemas: discovery('The User schema and the enterprise extension'),
  scimListUsers: {
    summary: 'List or find users',
    description:
      'The users of the token\u2019s domains: by filter (eq of userName, externalId or id, and/or of them), or all of them paged by startIndex and count.',
    status: 200,
    schema: ListResponse(ScimUser),
    problems: [],
  },
  scimCreateUser: {
    summary: 'Create (or restore) a user',
    description:
      'Creates the mailbox (active false: resting pending; true: provisioned). The address of a deleted account restores it. 409 uniqueness when the address is held.',
    status: 201,
    schema: ScimUser,
    problems: [409],
  },
  scimGetUser: {
    summary: 'Read a user',
    description: 'One user; 404 when deleted.',
    status: 200,
    schema: ScimUser,
    problems: [404],
  },
  scimReplaceUser: {
    summary: 'Replace a user',
    description: 'The user as the body says; active false blocks access, true restores it.',
    status: 200,
    schema: ScimUser,
    problems: [404, 409, 412],
  },
  scimPatchUser: {
    summary: 'Patch a user',
    description:
      'Add, replace or remove active, displayName, name, externalId and emails, as Okta and Entra ID send them.',
    status: 200,
    schema: ScimUser,
    problems: [404, 409, 412],
  },
  scimDeleteUser: {
    summary: 'Delete a user',
    description: 'Soft delete (deleted, restorable for the retention period); the user then reads 404.',
    status: 204,
    schema: null,
    problems: [404, 409, 412],
  },
};

/** The tag of the SCIM operations. */
const SCIM_TAG = {
  name: 'SCIM',
  description: 'SCIM 2.0 provisioning for Okta and Microsoft Entra ID (RFC 7643/7644; docs/scim.md).',
} as const;

export { SCIM_ANSWERS, SCIM_INPUTS, SCIM_TAG, ScimErrorSchema };
export type { ScimAnswer };
