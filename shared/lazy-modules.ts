/**
 * What a Lambda function loads only when first needed (SPEC §8), declared once: each is built as a file of
 * its own beside the function's index.mjs (infra/constructs/lambda-function.ts), so starting the function
 * reads none of it. The function's code names the file through `process.env.<variable>`, which the bundler
 * replaces with the file's name; run from source (the local stack, the tests) the variable is unset and the
 * code imports the module itself.
 */

interface LazyModule {
  /** The module's source, relative to the repository root. */
  readonly entry: string;
  /** Its file in the bundle, beside index.mjs. */
  readonly file: string;
  /** The `process.env` name the code reads it by (replaced at bundle time, never set at run time). */
  readonly variable: string;
}

/** Powertools idempotency: only a request that carries an Idempotency-Key needs it (shared/idempotency/). */
const IDEMPOTENCY_MODULE: LazyModule = {
  entry: 'shared/idempotency/powertools.ts',
  file: 'idempotency.mjs',
  variable: 'BUNDLED_IDEMPOTENCY_MODULE',
};

/** The OpenAPI document (135 KB): only GET /openapi.json needs it, not GET /status-model. */
const OPENAPI_MODULE: LazyModule = {
  entry: 'shared/http/generated/openapi.ts',
  file: 'openapi.mjs',
  variable: 'BUNDLED_OPENAPI_MODULE',
};

/** scim-patch: only a SCIM PATCH needs it. */
const SCIM_PATCH_MODULE: LazyModule = {
  entry: 'shared/scim/libraries/scim-patch.ts',
  file: 'scim-patch.mjs',
  variable: 'BUNDLED_SCIM_PATCH_MODULE',
};

/** scim2-parse-filter: only a SCIM list with a filter needs it. */
const SCIM_FILTER_MODULE: LazyModule = {
  entry: 'shared/scim/libraries/filter-parser.ts',
  file: 'scim-filter.mjs',
  variable: 'BUNDLED_SCIM_FILTER_MODULE',
};

/** The lazy modules of each function entry that has any. */
const LAZY_MODULES: Readonly<Record<string, readonly LazyModule[]>> = {
  'functions/http/accounts.ts': [IDEMPOTENCY_MODULE],
  'functions/http/public.ts': [OPENAPI_MODULE],
  'functions/http/scim.ts': [SCIM_PATCH_MODULE, SCIM_FILTER_MODULE],
};

/**
 * `load`, run once, when first called: how a function's code loads a lazy module.
 *
 * @example
 * const loadPowertools = once(() =>
 *   process.env.BUNDLED_IDEMPOTENCY_MODULE ? import(process.env.BUNDLED_IDEMPOTENCY_MODULE) : import('./powertools'));
 */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

export { IDEMPOTENCY_MODULE, LAZY_MODULES, OPENAPI_MODULE, SCIM_FILTER_MODULE, SCIM_PATCH_MODULE, once };
export type { LazyModule };
