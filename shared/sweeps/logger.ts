/**
 * The logging the sweeps need: structured lines naming accounts by id. Powertools' Logger satisfies it;
 * tests pass a recorder.
 */
interface SweepLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** A logger that drops everything. */
const SILENT: SweepLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** An error's name and message, never its whole object (which may hold a request). */
const describeError = (error: unknown): { errorName: string; errorMessage: string } =>
  error instanceof Error ? { errorName: error.name, errorMessage: error.message } : { errorName: 'Error', errorMessage: String(error) };

export { SILENT, describeError };
export type { SweepLogger };
