/**
 * The input of GET /access. Apart from the other schemas so that the access function stays small.
 */
import * as z from 'zod/mini';
import { Email } from './common';

const ACCESS_INPUTS = {
  checkAccess: { query: z.strictObject({ email: Email }) },
} as const;

export { ACCESS_INPUTS };
