/**
 * JSON log lines on the console, for code that runs without Powertools' Logger (the local stack, the
 * publishers' defaults): `{"level":"ERROR","message":…,…attributes}`, one line each.
 */
import { describeError, type Logger } from './log';

type Level = 'INFO' | 'WARN' | 'ERROR';

const WRITERS: Readonly<Record<Level, (line: string) => void>> = {
  INFO: (line) => console.log(line),
  WARN: (line) => console.warn(line),
  ERROR: (line) => console.error(line),
};

/**
 * Writes one JSON line: INFO to stdout, WARN and ERROR to stderr.
 *
 * @example
 * logLine('ERROR', 'local retry failed', { accountId }) // {"level":"ERROR","message":"local retry failed","accountId":"01J…"}
 */
function logLine(level: Level, message: string, attributes: Readonly<Record<string, unknown>> = {}): void {
  WRITERS[level](JSON.stringify({ level, message, ...attributes }));
}

/** The message of anything thrown (never the whole object, which may hold a request). */
const errorMessage = (error: unknown): string => describeError(error).errorMessage;

/** Reports a failure as an ERROR line naming the error's message. */
function reportError(message: string, error: unknown): void {
  logLine('ERROR', message, { error: errorMessage(error) });
}

/** A {@link Logger} writing one JSON line per call: the default outside Lambda's Powertools logger. */
const CONSOLE_LOGGER: Logger = {
  info: (message, attributes) => logLine('INFO', message, attributes),
  warn: (message, attributes) => logLine('WARN', message, attributes),
  error: (message, attributes) => logLine('ERROR', message, attributes),
};

export { CONSOLE_LOGGER, errorMessage, logLine, reportError };
