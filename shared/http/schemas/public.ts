/**
 * The inputs of the public routes: none (no body); the query string is ignored (SPEC §4: cache busting such
 * as `?v=1` is fine).
 */
const PUBLIC_INPUTS = {
  getStatusModel: { ignoreQuery: true },
  getOpenApi: { ignoreQuery: true },
} as const;

export { PUBLIC_INPUTS };
