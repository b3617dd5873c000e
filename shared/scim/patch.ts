/**
 * SCIM PATCH (RFC 7644 §3.5.2), applied by scim-patch to the User as this service gives it out, as both
 * clients send it: Okta's `{"op":"replace","value":{"active":false}}` without a path, Entra ID's
 * capitalised `"Replace"` with `"path":"active"` and `"value":"False"`, value filters
 * (`emails[type eq "work"].value`), the enterprise extension's attributes, several operations at once. The
 * patched User is then read like a PUT body (shared/scim/user.ts). A path naming no User attribute is 400
 * invalidPath; a malformed body 400 invalidSyntax (or noTarget, as scim-patch names it).
 */
import type { ScimPatch, ScimPatchOperation } from 'scim-patch';
import { once } from '../lazy-modules';
import { CORE_USER } from './documents';
import type { ScimError } from './errors';
import { badRequest, ScimType } from './errors';
import type * as PatchLibrary from './libraries/scim-patch';
import { desiredUser, knownAttribute, member, type DesiredUser, type ScimUser } from './user';

type Patcher = typeof PatchLibrary;

/**
 * scim-patch, loaded on the first PATCH (SPEC §8: what a function needs only sometimes is loaded when first
 * needed). In a Lambda bundle it is a file of its own (shared/lazy-modules.ts); run from source, the module.
 */
const loadPatcher = once((): Promise<Patcher> =>
  process.env.BUNDLED_SCIM_PATCH_MODULE
    ? (import(process.env.BUNDLED_SCIM_PATCH_MODULE) as Promise<Patcher>)
    : import('./libraries/scim-patch'),
);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SCIM_TYPES: ReadonlySet<string> = new Set(Object.values(ScimType));

/** The attribute a path starts with: `name` of `name.givenName`, `emails` of `emails[type eq "work"].value`. */
function attributeOf(path: string): string | null {
  const corePrefix = `${CORE_USER}:`;
  const rest = path.toLowerCase().startsWith(corePrefix.toLowerCase()) ? path.slice(corePrefix.length) : path;
  // Any other schema's attribute (the enterprise extension, a custom one) is accepted and ignored.
  if (rest.toLowerCase().startsWith('urn:')) return null;
  return rest.split(/[.[]/)[0] ?? '';
}

function checkPath(path: string): void {
  const attribute = attributeOf(path);
  if (attribute !== null && (attribute === '' || !knownAttribute(attribute)))
    throw badRequest(ScimType.INVALID_PATH, `The path "${path}" names no attribute of the User schema.`);
}

/** The operations, lower-cased ops and checked paths, or 400 for a body that is not a PatchOp. */
function operationsOf(body: unknown, patcher: Patcher): ScimPatchOperation[] {
  if (!isRecord(body)) throw badRequest(ScimType.INVALID_SYNTAX, 'The body must be a SCIM PatchOp object.');
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0)
    throw badRequest(ScimType.INVALID_SYNTAX, 'Operations must be a non-empty array.');
  const normalized = operations.map((operation: unknown, i) => {
    if (!isRecord(operation)) throw badRequest(ScimType.INVALID_SYNTAX, `Operations[${i}] must be an object.`);
    const op = member(operation, 'op');
    const path = member(operation, 'path');
    if (typeof op !== 'string') throw badRequest(ScimType.INVALID_SYNTAX, `Operations[${i}].op must be a string.`);
    if (path !== undefined && typeof path !== 'string')
      throw badRequest(ScimType.INVALID_PATH, `Operations[${i}].path must be a string.`);
    if (path !== undefined) checkPath(path);
    const value = member(operation, 'value');
    if (path === undefined && isRecord(value)) {
      const unknown = Object.keys(value).find((key) => attributeOf(key) !== null && !knownAttribute(attributeOf(key)!));
      if (unknown !== undefined)
        throw badRequest(ScimType.INVALID_VALUE, `The User schema has no attribute "${unknown}".`);
    }
    return {
      op: op.toLowerCase(),
      ...(path === undefined ? {} : { path }),
      ...('value' in operation || value !== undefined ? { value } : {}),
    } as ScimPatchOperation;
  });
  try {
    patcher.patchBodyValidation({ schemas: member(body, 'schemas'), Operations: normalized } as ScimPatch);
  } catch (error) {
    throw libraryError(error);
  }
  return normalized;
}

/** scim-patch's error as a SCIM 400 with the scimType it names (invalidSyntax when it names none). */
function libraryError(error: unknown): ScimError {
  const code = (error as { scimCode?: unknown }).scimCode;
  const scimType = typeof code === 'string' && SCIM_TYPES.has(code) ? (code as ScimType) : ScimType.INVALID_SYNTAX;
  return badRequest(scimType, (error as Error).message || 'The PATCH could not be applied.');
}

/**
 * What a PATCH of `current` asks for: the operations applied to a copy of it by scim-patch (`patcher`,
 * from loadPatcher), read back as a full User (an attribute the operations removed is cleared). Changing
 * userName is 400 mutability.
 *
 * @example
 * patchedUser(user, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }, await loadPatcher())
 * // { userName: user.userName, active: false, displayName: …, name: …, externalId: … }
 */
function patchedUser(current: ScimUser, body: unknown, patcher: Patcher): DesiredUser {
  const operations = operationsOf(body, patcher);
  let patched: unknown;
  try {
    patched = patcher.scimPatch(structuredClone(current) as never, operations, {
      mutateDocument: true,
      treatMissingAsAdd: true,
    });
  } catch (error) {
    throw libraryError(error);
  }
  const desired = desiredUser(patched);
  if (desired.userName !== current.userName)
    throw badRequest(ScimType.MUTABILITY, 'userName is the mailbox address and cannot be changed.');
  return asReplacement(desired);
}

/** A full User as a replacement: what it leaves out is cleared (active, when absent, stays as it is). */
function asReplacement(desired: DesiredUser): DesiredUser {
  return { displayName: null, name: null, externalId: null, ...desired };
}

export { asReplacement, loadPatcher, patchedUser };
export type { Patcher };
