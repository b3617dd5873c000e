/** scim2-parse-filter, as SCIM filters (../filter.ts) load it: a lazy module of the SCIM function (shared/lazy-modules.ts). */
export { parse } from 'scim2-parse-filter';
