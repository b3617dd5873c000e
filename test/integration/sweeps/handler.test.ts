/**
 * The scheduled Lambda handler (functions/scheduled/sweep.ts) end to end against DynamoDB Local: event
 * validation, the summary log, the Powertools metrics, alerts, and the hand-over of an unfinished run to a
 * fresh asynchronous invocation (the Lambda API is the one thing stubbed: there is no local Lambda service).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DAY } from '../../../shared/domain/policy';
import { InvalidSweepEventError } from '../../../shared/sweeps/event';
import { ADMIN, HOUR, at, world, type World } from './world';

type Handler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

const context = {
  functionName: 'mailbox-lifecycle-sweep',
  functionVersion: '$LATEST',
  awsRequestId: 'req-1',
  memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:mailbox-lifecycle-sweep',
  getRemainingTimeInMillis: () => 600_000,
} as unknown as Context;

/** Every JSON line written to the console while `run` runs (Powertools logs and EMF metrics, in dev mode). */
async function output<T>(
  run: () => Promise<T>,
): Promise<{ result: T | undefined; error: unknown; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const capture = (...args: unknown[]) => {
    for (const arg of args) {
      try {
        const parsed: unknown = JSON.parse(String(arg));
        if (parsed !== null && typeof parsed === 'object') lines.push(parsed as Record<string, unknown>);
      } catch {
        // not JSON
      }
    }
  };
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(capture),
  );
  try {
    return { result: await run(), error: undefined, lines };
  } catch (error) {
    return { result: undefined, error, lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The EMF blob of the metrics published, if any. */
function emf(lines: Record<string, unknown>[]): Record<string, unknown> | undefined {
  return lines.find((l) => typeof l['_aws'] === 'object');
}

/**
 * Sets the environment the functions get, and loads a fresh copy of the handler module with it (dev mode:
 * Powertools writes to the console, where the test reads it; metrics stay on).
 */
async function loadHandler(w: World, extra: Record<string, string>): Promise<Handler> {
  Object.assign(
    process.env,
    w.env,
    { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false', AWS_LAMBDA_FUNCTION_NAME: context.functionName },
    extra,
  );
  vi.resetModules();
  const module = await import('../../../functions/scheduled/sweep');
  return module.handler as unknown as Handler;
}

/** An active account whose inactivity was due a day ago (by the real clock). */
const dueForInactivity = (w: World) => w.active(new Date(Date.now() - 31 * DAY));

describe('the scheduled handler', () => {
  let w: World;
  let handler: Handler;
  let alertFile: string;

  beforeAll(async () => {
    alertFile = join(await mkdtemp(join(tmpdir(), 'sweeps-')), 'alerts.jsonl');
    w = await world({ ALERT_FILE: alertFile });
    handler = await loadHandler(w, { SWEEP: 'inactivity' });
  });

  afterEach(() => {
    process.env['SWEEP'] = 'inactivity';
  });

  it('refuses a bad event clearly and changes nothing', async () => {
    // Prepare
    const a = await dueForInactivity(w);

    // Act
    const typo = await output(() => handler({ dryrun: true }, context));
    const future = await output(() => handler({ now: '2099-01-01T00:00:00Z' }, context));

    // Assess
    // (the handler module is loaded afresh, so its error class is not this file's: compare by name)
    expect((typo.error as Error).name).toBe(InvalidSweepEventError.name);
    expect((typo.error as InvalidSweepEventError).message).toContain('dryrun');
    expect(typo.lines.some((l) => l['message'] === 'invalid sweep event; nothing was changed')).toBe(true);
    expect((future.error as InvalidSweepEventError).issues[0]?.path).toBe('/now');
    expect(await w.get(a.accountId)).toEqual(a);
  });

  it('a dry run at a chosen now reports what it would change, and changes and emits nothing', async () => {
    // Prepare
    const a = await w.active(new Date());

    // Act
    const dry = await output(() => handler({ dryRun: true, now: at(new Date(), 40 * DAY).toISOString() }, context));

    // Assess
    expect(dry.error).toBeUndefined();
    expect(dry.result).toMatchObject({ sweep: 'inactivity', dryRun: true, changed: 0 });
    expect(dry.result?.['wouldChange']).toBeGreaterThanOrEqual(1);
    expect(await w.get(a.accountId)).toEqual(a);
    expect(emf(dry.lines)).toBeUndefined();
  });

  it('a real run changes what is due, logs its summary and emits its counts as metrics', async () => {
    // Prepare
    const a = await dueForInactivity(w);

    // Act
    const run = await output(() => handler({}, context));

    // Assess
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ sweep: 'inactivity', dryRun: false, failed: 0, continued: false });
    expect(await w.statusOf(a.accountId)).toBe('inactive');
    const logged = run.lines.find((l) => l['message'] === 'sweep finished');
    expect(logged?.['summary']).toEqual(run.result);
    const metrics = emf(run.lines);
    expect(metrics).toMatchObject({
      service: 'mailbox-lifecycle',
      Sweep: 'inactivity',
      Changed: run.result?.['changed'],
      Failed: 0,
    });
    expect(metrics?.['Candidates']).toBe(run.result?.['candidates']);
    const directive = (metrics?.['_aws'] as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] })
      .CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('MailboxLifecycle');
    expect(directive?.Dimensions).toEqual([['service', 'Sweep']]);
  });

  it('refuses a SWEEP it does not know', async () => {
    process.env['SWEEP'] = 'everything';
    const run = await output(() => handler({}, context));
    expect(String(run.error)).toContain('SWEEP must be one of');
  });

  it('the stuck detector pages on-call and emits StuckAccounts', async () => {
    // Prepare: disabling for 25 hours (real clock)
    process.env['SWEEP'] = 'stuck';
    const a = await w.active(new Date(Date.now() - 30 * HOUR));
    await w.act(
      a.accountId,
      { kind: 'set_status', target: 'disabled', reason: null, caller: ADMIN },
      new Date(Date.now() - 25 * HOUR),
    );

    // Act
    const run = await output(() => handler({}, context));

    // Assess
    expect(run.result).toMatchObject({ sweep: 'stuck', dryRun: false, alerted: 1, failed: 0 });
    expect(emf(run.lines)).toMatchObject({ Sweep: 'stuck', StuckAccounts: run.result?.['stuck'], Alerted: 1 });
    const alerts = (await readFile(alertFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      alerts.filter((x) => x['type'] === 'stuck').map((x) => (x['account'] as { accountId: string }).accountId),
    ).toEqual([a.accountId]);
  });
});

describe('the scheduled handler over its time budget', () => {
  it('re-invokes itself asynchronously with its continuation until the run is done', async () => {
    // Prepare: a one-millisecond budget, so every invocation hands over after its first page
    const w = await world({ DUE_SHARDS: '4' });
    const due = await Promise.all(Array.from({ length: 8 }, () => dueForInactivity(w)));
    const handler = await loadHandler(w, { SWEEP: 'inactivity', SWEEP_TIME_BUDGET_MS: '1' });
    // The classes the function loads when it continues (on first use), from the same module registry.
    const { InvokeCommand, LambdaClient } = await import('../../../shared/aws/lambda');
    const send = vi.spyOn(LambdaClient.prototype, 'send').mockImplementation(async () => ({ StatusCode: 202 }));

    try {
      // Act: the scheduled event, then each payload the function sent itself
      const results = [(await output(() => handler({}, context))).result];
      for (let i = 0; i < send.mock.calls.length && i < 20; i++) {
        const command = send.mock.calls[i]?.[0] as InstanceType<typeof InvokeCommand>;
        expect(command).toBeInstanceOf(InvokeCommand);
        expect(command.input).toMatchObject({ FunctionName: context.functionName, InvocationType: 'Event' });
        const payload: unknown = JSON.parse(new TextDecoder().decode(command.input.Payload as Uint8Array));
        expect(Object.keys(payload as object)).toEqual(['continuation']);
        results.push((await output(() => handler(payload, context))).result);
      }

      // Assess
      expect(send.mock.calls.length).toBeGreaterThan(0);
      expect(results.at(-1)).toMatchObject({
        continued: false,
        complete: true,
        failed: 0,
        invocations: results.length,
      });
      expect(results.at(-1)?.['changed']).toBeGreaterThanOrEqual(due.length);
      for (const a of due)
        expect((await w.history(a.accountId)).filter((e) => e.action === 'inactivity')).toHaveLength(1);
    } finally {
      send.mockRestore();
    }
  });
});
