/**
 * The logging the shared code asks for: structured lines naming accounts by id. Powertools' Logger
 * satisfies it; shared/console-log.ts writes it as JSON lines; tests pass a recorder or {@link SILENT}.
 */

/** A structured logger: a message and the attributes that go with it. */
interface Logger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** A logger that drops everything. */
const SILENT: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * An error's name and message as log attributes, never its whole object (which may hold a request).
 *
 * @example
 * logger.error('sweep could not change an account', { accountId, ...describeError(error) })
 * describeError(new TypeError('bad')) // { errorName: 'TypeError', errorMessage: 'bad' }
 */
function describeError(error: unknown): { errorName: string; errorMessage: string } {
  return error instanceof Error
    ? { errorName: error.name, errorMessage: error.message }
    : { errorName: 'Error', errorMessage: String(error) };
}

export { SILENT, describeError };
export type { Logger };
