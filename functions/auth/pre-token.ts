/**
 * The Cognito user pool's pre-token-generation trigger (event version V3): adds this service's scopes and
 * the `domains` claim to the access token (shared/auth/token-claims.ts says from what). No AWS SDK.
 */
import { accessTokenAdditions, scimConnectionsFrom, type PreTokenEvent } from '../../shared/auth/token-claims';

/** The SCIM connections' domains by name, set by the stack (infra/constructs/user-pool.ts). */
const connections = scimConnectionsFrom(process.env.SCIM_CONNECTIONS);

interface TriggerEvent extends PreTokenEvent {
  response: Record<string, unknown>;
}

/** Cognito waits for the event back, with `response` filled in. */
async function handler(event: TriggerEvent): Promise<TriggerEvent> {
  event.response = {
    claimsAndScopeOverrideDetails: { accessTokenGeneration: accessTokenAdditions(event, connections) },
  };
  return event;
}

export { handler };
