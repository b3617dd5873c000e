/**
 * SCIM 2.0 provisioning (SPEC §10) for Okta and Microsoft Entra ID: /scim/v2. Authenticates the bearer
 * token itself (SCIM-shaped 401/403) with the issuer and audiences the API's JWT authorizer uses.
 */
import { loadConfig } from '../../shared/config';
import { tokenVerifier } from '../../shared/scim/auth';
import { scimHandler } from '../../shared/scim/endpoints';
import { serviceDeps } from '../../shared/services/runtime';

const config = loadConfig();

export const handler = scimHandler(serviceDeps(config), () => tokenVerifier(config.auth));
