/**
 * SPEC §8, the first two figures: a status change and an access decision through the handler (the whole
 * middy stack, in process), each against the raw DynamoDB calls it needs at minimum on the same table,
 * sampled interleaved; and the same two through the local HTTP server, to show what the adapter adds.
 *
 * Raw status change: a GetItem of the account and the TransactWriteItems the store sends for the change
 * (account Put conditioned on its revision, history Put, email item Put), recorded from the real store
 * beforehand. Raw access decision: a GetItem of the email item. Both strongly consistent, as the store's.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Account } from '../../shared/domain/account';
import { decide } from '../../shared/domain/decide';
import { accountKey, emailKey } from '../../shared/store/keys';
import { apiEvent, invocation, startHttpApi, type Handler } from './api';
import { countReads } from './counting';
import type { BenchDb } from './env';
import { progress } from './output';
import { ADMIN, accountBuilder, batchWrite, recordedWrite, recorder, sendRaw, type Made, type RawWrite } from './seed';
import { interleaved, ratio, summarize, type Series, type SeriesResult, type Summary } from './stats';

interface Comparison {
  readonly raw: Summary;
  readonly measured: Summary;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  readonly failures: number;
  readonly firstError?: string;
}

/** DynamoDB calls one request makes (counted over a few requests after the measurement). */
interface CallsPerRequest {
  readonly gets: number;
  readonly queries: number;
  readonly writes: number;
  readonly calls: number;
}

interface LatencyResult {
  readonly samples: { readonly inProcess: number; readonly http: number; readonly warmup: number };
  readonly callsPerRequest: { readonly statusChange: CallsPerRequest; readonly access: CallsPerRequest };
  readonly statusChange: { readonly inProcess: Comparison; readonly http: Comparison };
  readonly access: { readonly inProcess: Comparison; readonly http: Comparison };
}

interface LatencyOptions {
  readonly samples: number;
  readonly httpSamples: number;
  readonly warmup: number;
}

const TARGETS = ['maintenance', 'active'] as const;
/** Requests over which the DynamoDB calls per request are counted (even: the status series alternates). */
const CALL_COUNT_REQUESTS = 10;

function compare(raw: SeriesResult, measured: SeriesResult): Comparison {
  const r = summarize(raw.samples);
  const m = summarize(measured.samples);
  const firstError = measured.firstError ?? raw.firstError;
  return {
    raw: r,
    measured: m,
    p50Ratio: ratio(m.p50, r.p50),
    p99Ratio: ratio(m.p99, r.p99),
    failures: raw.failures + measured.failures,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** The raw status change series: GetItem + the recorded transaction, on its own account, alternating targets. */
function rawStatusChange(db: BenchDb, made: Made): Series {
  const rec = recorder(db.shape);
  let account: Account = made.account;
  let turn = 0;
  let pending: { write: RawWrite; next: Account } | undefined;
  const key = marshall(accountKey(account.accountId));
  return {
    name: 'raw',
    prepare: async () => {
      const target = TARGETS[turn % 2] ?? 'active';
      const decision = decide(
        account,
        { kind: 'set_status', target, reason: 'bench', caller: ADMIN },
        new Date(),
        db.config.policy,
      );
      if (decision.outcome !== 'changed') throw new Error(`the raw account cannot go to ${target}`);
      const from = account;
      pending = {
        write: await recordedWrite(rec, (store) => store.change(from, decision.account, decision.entry)),
        next: decision.account,
      };
    },
    run: async () => {
      if (pending === undefined) throw new Error('nothing prepared');
      await db.base.send(new GetItemCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
      await sendRaw(db.base, pending.write);
      account = pending.next;
      turn += 1;
    },
  };
}

/**
 * A status series, alternating targets: `prepare(target)` builds the call untimed (the event and Lambda
 * context, which API Gateway and the runtime make), the call itself is timed.
 */
function statusSeries(name: string, prepare: (target: string) => () => Promise<number>): Series {
  let turn = 0;
  let call: (() => Promise<number>) | undefined;
  return {
    name,
    prepare: () => void (call = prepare(TARGETS[turn % 2] ?? 'active')),
    run: async () => {
      const status = await (call as () => Promise<number>)();
      turn += 1;
      if (status !== 200) throw new Error(`status change answered ${status}`);
    },
  };
}

function rawAccess(db: BenchDb, email: string): Series {
  const key = marshall(emailKey(email));
  return {
    name: 'raw',
    run: async () => {
      const { Item } = await db.base.send(
        new GetItemCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }),
      );
      return Item !== undefined;
    },
  };
}

/** An access series: `prepare()` builds the call untimed, the call is timed. */
function accessSeries(name: string, prepare: () => () => Promise<number>): Series {
  let call: (() => Promise<number>) | undefined;
  return {
    name,
    prepare: () => void (call = prepare()),
    run: async () => {
      const status = await (call as () => Promise<number>)();
      if (status !== 200) throw new Error(`access decision answered ${status}`);
    },
  };
}

/** The DynamoDB calls per request of `series` (run `n` times, counted from the client). */
async function callsPer(db: BenchDb, series: Series, n: number): Promise<CallsPerRequest> {
  const counter = countReads(db.base);
  try {
    for (let i = 0; i < n; i++) {
      counter.enabled = false;
      await series.prepare?.();
      counter.enabled = true;
      await series.run();
    }
  } finally {
    counter.remove();
  }
  const { gets, queries, writes, calls } = counter.counts;
  return { gets: gets / n, queries: queries / n, writes: writes / n, calls: calls / n };
}

async function pair(
  label: string,
  raw: Series,
  measured: Series,
  samples: number,
  warmup: number,
): Promise<Comparison> {
  progress(`${label}: ${warmup} warm-up + ${samples} interleaved samples each`);
  const results = await interleaved([raw, measured], samples, warmup);
  const comparison = compare(results[raw.name] as SeriesResult, results[measured.name] as SeriesResult);
  progress(`${label}: p50 ${comparison.p50Ratio}×, p99 ${comparison.p99Ratio}× (failures ${comparison.failures})`);
  return comparison;
}

/**
 * Measures both operations in process and through HTTP. `handlers` are the real function handlers,
 * loaded with process.env pointing at `db`.
 */
async function runLatency(
  db: BenchDb,
  handlers: { accounts: Handler; access: Handler },
  options: LatencyOptions,
): Promise<LatencyResult> {
  const builder = accountBuilder(db.shape, Date.now());
  const domain = 'latency.bench.example';
  const [viaHandler, viaRaw, viaHttp, viaHttpRaw, access] = (await Promise.all(
    Array.from({ length: 5 }, () => builder.make('activeRecent', domain)),
  )) as [Made, Made, Made, Made, Made];
  await batchWrite(
    db.document,
    db.tableName,
    [viaHandler, viaRaw, viaHttp, viaHttpRaw, access].flatMap((m) => m.items),
  );

  const accessUrl = `/access?email=${encodeURIComponent(access.account.email ?? '')}`;
  const statusInProcess = statusSeries('handler', (status) => {
    const call = invocation(
      handlers.accounts,
      'accounts',
      apiEvent('PUT', `/accounts/${viaHandler.account.accountId}/status`, { status, reason: 'bench' }),
    );
    return async () => (await call()).statusCode;
  });
  const accessInProcess = accessSeries('handler', () => {
    const call = invocation(handlers.access, 'access', apiEvent('GET', accessUrl));
    return async () => (await call()).statusCode;
  });

  const callsPerRequest = {
    statusChange: await callsPer(db, statusInProcess, CALL_COUNT_REQUESTS),
    access: await callsPer(db, accessInProcess, CALL_COUNT_REQUESTS),
  };
  progress(
    `calls per request: status change ${JSON.stringify(callsPerRequest.statusChange)}, access ${JSON.stringify(callsPerRequest.access)}`,
  );
  const inProcess = {
    status: await pair(
      'status change, handler in process',
      rawStatusChange(db, viaRaw),
      statusInProcess,
      options.samples,
      options.warmup,
    ),
    access: await pair(
      'access decision, handler in process',
      rawAccess(db, access.account.email ?? ''),
      accessInProcess,
      options.samples,
      options.warmup,
    ),
  };

  const api = await startHttpApi(handlers);
  try {
    const statusHttp = statusSeries(
      'http',
      (status) => async () =>
        (await api.request('PUT', `/accounts/${viaHttp.account.accountId}/status`, { status, reason: 'bench' })).status,
    );
    const accessHttp = accessSeries('http', () => async () => (await api.request('GET', accessUrl)).status);
    const http = {
      status: await pair(
        'status change, local HTTP server',
        rawStatusChange(db, viaHttpRaw),
        statusHttp,
        options.httpSamples,
        options.warmup,
      ),
      access: await pair(
        'access decision, local HTTP server',
        rawAccess(db, access.account.email ?? ''),
        accessHttp,
        options.httpSamples,
        options.warmup,
      ),
    };
    return {
      samples: { inProcess: options.samples, http: options.httpSamples, warmup: options.warmup },
      callsPerRequest,
      statusChange: { inProcess: inProcess.status, http: http.status },
      access: { inProcess: inProcess.access, http: http.access },
    };
  } finally {
    await api.stop();
  }
}

export { runLatency };
export type { CallsPerRequest, Comparison, LatencyOptions, LatencyResult };
