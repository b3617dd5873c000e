/**
 * The input of POST /login-events.
 */
import * as v from 'valibot';
import { Email } from './identity';
import { described } from './meta';

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

const EventId = described(
  v.pipe(v.string(), v.maxLength(128), v.regex(PRINTABLE_ASCII, 'must be 1 to 128 printable ASCII characters')),
  { description: "The login service's id of the event; a repeat (same caller, within a day) counts once." },
);

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
