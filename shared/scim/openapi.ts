/**
 * The SCIM routes in the OpenAPI document (/openapi.json): their inputs, answers and SCIM errors
 * (`application/scim+json`, the SCIM error schema for every error — 401 included, as the function
 * authenticates itself). Read by shared/http/openapi.ts.
 */
import * as z from 'zod/mini';
import { described } from '../http/schemas/common';
import type { InputSchemas } from '../http/zod-input';

const ScimErrorSchema = described(
  z.object({
    schemas: z.array(z.literal('urn:ietf:params:scim:api:messages:2.0:Error')),
    status: z.string(),
    scimType: z.optional(
      z.enum(['invalidFilter', 'invalidSyntax', 'invalidPath', 'invalidValue', 'noTarget', 'mutability', 'uniqueness']),
    ),
    detail: z.string(),
  }),
  {
    description: 'A SCIM error (RFC 7644 §3.12): status as a string, scimType where RFC 7644 names one.',
    id: 'ScimError',
  },
);

const ScimUser = described(
  z.looseObject({
    schemas: z.array(z.string()),
    id: z.string(),
    externalId: z.optional(z.string()),
    userName: z.string(),
    displayName: z.optional(z.string()),
    name: z.optional(
      z.object({
        givenName: z.optional(z.string()),
        familyName: z.optional(z.string()),
        formatted: z.optional(z.string()),
      }),
    ),
    active: z.boolean(),
    emails: z.array(z.object({ value: z.string(), type: z.literal('work'), primary: z.literal(true) })),
    meta: z.object({
      resourceType: z.literal('User'),
      created: z.string(),
      lastModified: z.string(),
      location: z.string(),
      version: z.string(),
    }),
  }),
  { description: 'A mailbox account as a SCIM User (docs/scim.md maps every attribute).', id: 'ScimUser' },
);

const ListResponse = (item: z.ZodMiniType) =>
  z.object({
    schemas: z.array(z.string()),
    totalResults: z.number(),
    startIndex: z.number(),
    itemsPerPage: z.number(),
    Resources: z.array(item),
  });

const UserBody = described(
  z.looseObject({
    schemas: z.optional(z.array(z.string())),
    userName: z.string(),
    active: z.optional(z.union([z.boolean(), z.enum(['True', 'False', 'true', 'false'])])),
    displayName: z.optional(z.nullable(z.string())),
    externalId: z.optional(z.nullable(z.string())),
    name: z.optional(z.nullable(z.looseObject({}))),
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
  z.object({
    schemas: z.array(z.string()),
    Operations: z.array(z.object({ op: z.string(), path: z.optional(z.string()), value: z.optional(z.unknown()) })),
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

const UserParams = z.object({
  userId: described(z.string(), {
    description: "The user's id (the account id); anything else is 404.",
    example: '01JD3W6Q8M4T2V9X5Z7B1C3E5G',
  }),
});
const IfMatchHeader = z.object({ 'if-match': z.optional(z.string()) });

/** The documented inputs of each SCIM route. */
const SCIM_INPUTS: Readonly<Record<string, InputSchemas>> = {
  scimServiceProviderConfig: {},
  scimResourceTypes: {},
  scimSchemas: {},
  scimListUsers: {
    query: z.object({
      filter: z.optional(
        described(z.string(), {
          description: 'eq of userName, externalId or id, and/or of them.',
          example: 'userName eq "ann@example.org"',
        }),
      ),
      startIndex: z.optional(described(z.string(), { description: '1-based; default 1.', example: '1' })),
      count: z.optional(described(z.string(), { description: '0 to 200; default 100.', example: '100' })),
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
  readonly schema: z.ZodMiniType | null;
  readonly problems: readonly number[];
}

const discovery = (summary: string): ScimAnswer => ({
  summary,
  description: `${summary} (RFC 7644 §4).`,
  status: 200,
  schema: z.looseObject({}),
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
