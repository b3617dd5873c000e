/** scim-patch, as SCIM PATCH (../patch.ts) loads it: a lazy module of the SCIM function (shared/lazy-modules.ts). */
export { patchBodyValidation, scimPatch } from 'scim-patch';
