/**
 * The input of POST /login-events.
 */
import * as v from 'valibot';
import { described, Email, EventId } from './common';

const LoginOutcome = described(v.picklist(['success', 'failure', 'lockout']), {
  description: 'What the login service saw; lockout: the platform locked the account itself.',
});

const LOGIN_EVENT_INPUTS = {
  reportLoginEvent: {
    body: described(v.strictObject({ email: Email, outcome: LoginOutcome, eventId: v.optional(EventId) }), {
      description: 'A login event.',
      id: 'LoginEvent',
      example: { email: 'ann@example.org', outcome: 'failure', eventId: 'evt-2f9c1b' },
    }),
  },
} as const;

export { LOGIN_EVENT_INPUTS };
