/**
 * The input of GET /access. Apart from the other schemas so that the access function stays small.
 */
import * as v from 'valibot';
import { Email } from './identity';

const ACCESS_INPUTS = {
  checkAccess: { query: v.strictObject({ email: Email }) },
} as const;

export { ACCESS_INPUTS };
