/**
 * Starts the real DynamoDB emulator (DynamoDB Local, the jar shipped in amplify-dynamodb-simulator) for
 * the local stack and the integration tests: `-sharedDb` so every credential and region sees the same
 * tables, in memory unless a directory is given.
 *
 * Loopback only (SPEC §6): DynamoDB Local has no host option and listens on every interface, so it is
 * started through LoopbackDynamoDbLocal.java (beside this file, run by the JDK's source launcher), which
 * builds the same server and binds its connector to 127.0.0.1 before it starts.
 *
 * The JVM runs under a small `sh` supervisor that holds a pipe from this process: when the pipe closes —
 * stop(), or this process ending in any way, even SIGKILL — the supervisor stops the JVM. No orphans.
 * The supervisor runs in a process group of its own, so a Ctrl-C in the terminal (SIGINT to the whole
 * foreground group) reaches the local stack, which drains the stream first, and not the emulator; and it
 * sets umask 077, so a persisted database file is private to its user.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

interface DynamoDbLocalOptions {
  /** The port to listen on; a free one when omitted. */
  readonly port?: number;
  /** Keep the data in this directory (created if missing) instead of in memory. */
  readonly persistDir?: string;
  /** How long to wait for the emulator to answer. */
  readonly startTimeoutMs?: number;
}

interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the emulator and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

class DynamoDbLocalError extends Error {
  override readonly name = 'DynamoDbLocalError';
}

const JAR = 'DynamoDBLocal.jar';
/** The entry point that binds DynamoDB Local to one address (see the file). */
const LOOPBACK_ENTRY = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));
/** The address the emulator listens on. */
const HOST = '127.0.0.1';
const PACKAGE = 'amplify-dynamodb-simulator';
const POLL_MS = 100;
const STOP_TIMEOUT_MS = 15_000;
const STDERR_TAIL = 4_000;
const PID_LINE = /^dynamodb-local-pid (\d+)$/m;

/**
 * The supervisor: runs the JVM ("$0" "$@"), stops it when stdin (the pipe from this process) closes,
 * and exits with the JVM's status when the JVM exits by itself.
 */
const SUPERVISOR = [
  'umask 077',
  'exec 3<&0',
  '"$0" "$@" 3<&- </dev/null &',
  'child=$!',
  'echo "dynamodb-local-pid $child" >&2',
  '( read -r _ <&3; kill "$child" 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  'trap \'kill "$child" 2>/dev/null\' TERM INT HUP',
  'wait "$child"; status=$?',
  'while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done',
  'kill "$watcher" 2>/dev/null',
  'exit $status',
].join('\n');

/** The emulator directory of amplify-dynamodb-simulator, wherever npm put the package. */
function emulatorDir(): string {
  const candidates: string[] = [];
  try {
    const manifest = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
    candidates.push(path.join(path.dirname(manifest), 'emulator'));
  } catch {
    // Not resolvable from here: look up the directory trees below.
  }
  for (const start of [path.dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      candidates.push(path.join(dir, 'node_modules', PACKAGE, 'emulator'));
      if (path.dirname(dir) === dir) break;
    }
  }
  const found = candidates.find((dir) => existsSync(path.join(dir, JAR)));
  if (found === undefined)
    throw new DynamoDbLocalError(`${JAR} not found: is the ${PACKAGE} package installed (npm install)?`);
  return found;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `$JAVA_HOME/bin/java`, else `java` on PATH. */
function findJava(): string {
  const javaHome = process.env.JAVA_HOME;
  const candidates = [
    ...(javaHome ? [path.join(javaHome, 'bin', 'java')] : []),
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, 'java')),
  ];
  const java = candidates.find(isExecutable);
  if (java === undefined) {
    throw new DynamoDbLocalError(
      'DynamoDB Local needs a Java 17 or later JDK, and no `java` was found on PATH or in JAVA_HOME. Install one ' +
        '(e.g. `sudo apt-get install openjdk-17-jdk-headless`, or `brew install openjdk@17`) and try again.',
    );
  }
  return java;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function unref(child: ChildProcess, ref: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as ({
    ref?(): void;
    unref?(): void;
  } | null)[]) {
    if (ref) handle?.ref?.();
    else handle?.unref?.();
  }
}

interface Launched {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly output: () => string;
  readonly jvmPid: () => number | undefined;
}

function launch(java: string, dir: string, port: number, persistDir: string | undefined): Launched {
  const storage = persistDir === undefined ? ['-inMemory'] : ['-dbPath', persistDir];
  const args = [
    `-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`,
    `-Ddynamodb.local.host=${HOST}`,
    '-cp',
    JAR,
    LOOPBACK_ENTRY,
    '-sharedDb',
    ...storage,
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, java, ...args], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C is for the stack, which stops the emulator after draining.
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-STDERR_TAIL);
  };
  let pid: number | undefined;
  child.stderr?.on('data', (chunk: Buffer) => {
    const match = pid === undefined ? PID_LINE.exec(chunk.toString('utf8')) : null;
    if (match?.[1] !== undefined) pid = Number(match[1]);
    collect(chunk);
  });
  child.stdout?.on('data', collect);
  // Closing stdin is how the supervisor is told to stop; an EPIPE after the JVM died is not an error here.
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      child.stdin?.destroy();
      resolve(code);
    });
    child.once('error', () => resolve(null));
  });
  return { child, exited, output: () => output, jvmPid: () => pid };
}

async function answers(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/** Waits until the emulator answers ListTables; false if it exited first. */
async function ready(endpoint: string, launched: Launched, timeoutMs: number): Promise<boolean> {
  let exited = false;
  void launched.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (!exited) {
    if (await answers(endpoint)) return true;
    if (Date.now() > deadline) {
      throw new DynamoDbLocalError(
        `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${launched.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return false;
}

async function stopper(launched: Launched): Promise<void> {
  unref(launched.child, true);
  launched.child.stdin?.end();
  const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout').unref());
  if ((await Promise.race([launched.exited, timer])) !== 'timeout') return;
  const pid = launched.jvmPid();
  if (pid !== undefined) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  launched.child.kill('SIGKILL');
  await launched.exited;
}

/**
 * Starts DynamoDB Local and resolves once it answers requests.
 *
 * @example
 * const local = await startDynamoDbLocal();
 * const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'eu-west-2' });
 * await local.stop();
 */
async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const java = findJava();
  const dir = emulatorDir();
  const persistDir = options.persistDir === undefined ? undefined : path.resolve(options.persistDir);
  if (persistDir !== undefined) mkdirSync(persistDir, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  // A free port can be taken between finding it and the JVM binding it: then try another.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const endpoint = `http://${HOST}:${port}`;
    const launched = launch(java, dir, port, persistDir);
    let isReady: boolean;
    try {
      isReady = await ready(endpoint, launched, timeoutMs);
    } catch (error) {
      await stopper(launched);
      throw error;
    }
    if (isReady) {
      unref(launched.child, false);
      let stopping: Promise<void> | undefined;
      return { endpoint, port, stop: () => (stopping ??= stopper(launched)) };
    }
    if (options.port !== undefined || attempt >= 3) {
      throw new DynamoDbLocalError(`DynamoDB Local exited before it answered on port ${port}:\n${launched.output()}`);
    }
  }
}

export { startDynamoDbLocal, DynamoDbLocalError };
export type { DynamoDbLocal, DynamoDbLocalOptions };
