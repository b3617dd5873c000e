/**
 * The input of POST /login-events.
 */
import * as z from 'zod/mini';
import { described, Email, EventId } from './common';

const LoginOutcome = described(z.enum(['success', 'failure', 'lockout']), {
  description: 'What the login service saw; lockout: the platform locked the account itself.',
});

const LOGIN_EVENT_INPUTS = {
  reportLoginEvent: {
    body: described(z.strictObject({ email: Email, outcome: LoginOutcome, eventId: z.optional(EventId) }), {
      description: 'A login event.',
      id: 'LoginEvent',
      example: { email: 'ann@example.org', outcome: 'failure', eventId: 'evt-2f9c1b' },
    }),
  },
} as const;

export { LOGIN_EVENT_INPUTS };
