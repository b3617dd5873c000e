/**
 * The Cognito user pool's pre-token-generation trigger (event version V3): adds this service's scopes and
 * the `domains` claim to the access token (shared/auth/token-claims.ts says from what). No AWS SDK.
 */
import { accessTokenAdditions, type PreTokenEvent } from '../../shared/auth/token-claims';

interface TriggerEvent extends PreTokenEvent {
  response: Record<string, unknown>;
}

/** Cognito waits for the event back, with `response` filled in. */
async function handler(event: TriggerEvent): Promise<TriggerEvent> {
  event.response = { claimsAndScopeOverrideDetails: { accessTokenGeneration: accessTokenAdditions(event) } };
  return event;
}

export { handler };
