/**
 * The inputs of the public routes: none (no query, no body).
 */
const PUBLIC_INPUTS = {
  getStatusModel: {},
  getOpenApi: {},
} as const;

export { PUBLIC_INPUTS };
