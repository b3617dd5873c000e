/**
 * SPEC §8, the administrator's reads: a summary reads at most 20 items, a search page and a preview page at
 * most twice the items they return, at 10,000 and at 100,000 accounts in one domain — counted from the
 * responses (ScannedCount / Count, items returned by BatchGetItem and TransactGetItems), never from
 * ConsumedCapacity (DynamoDB Local misreports it). And the write side: while one domain changes 1,000
 * accounts, how many writes land on its busiest partition key (base table and every index).
 *
 * One domain grows to each size with accounts built through the real rules (test/bench/seed.ts), named
 * from a list of given and family names (some with accents); the counter items are written with the sums
 * of what the real store's transactions added.
 */
import type { Account } from '../../shared/domain/account';
import { decide } from '../../shared/domain/decide';
import type { AccountSweep } from '../../shared/domain/due';
import { createStore } from '../../shared/store/dynamo-store';
import type { PreviewKind } from '../../shared/store/preview';
import { TABLE } from '../../shared/store/table';
import { countReads } from './counting';
import type { BenchDb } from './env';
import { progress } from './output';
import { CANDIDATE_KIND, FILLER_MIX, accountBuilder, batchWrite, mixOf, recorder, type Kind, type Made } from './seed';

interface AdminOptions {
  /** Accounts in the domain at each measurement (e.g. 10,000 then 100,000). */
  readonly sizes: readonly number[];
  /** Pages read per search and per preview (each page: `limit` items). */
  readonly pages: number;
  readonly limit: number;
  /** Status changes of one domain whose writes are tallied by partition key. */
  readonly burst: number;
}

interface PageMeasure {
  readonly what: string;
  readonly pages: number;
  readonly returned: number;
  /** Items read, counted by the middleware from the responses. */
  readonly itemsRead: number;
  /** The largest items read ÷ items returned of one page (pages that returned nothing: items read itself). */
  readonly worstPageRatio: number;
  readonly ratio: number;
  readonly scans: number;
}

interface SizeResult {
  readonly accounts: number;
  readonly seedSeconds: number;
  readonly summary: { readonly itemsRead: number; readonly accounts: number; readonly exact: boolean };
  readonly searches: readonly PageMeasure[];
  readonly previews: readonly PageMeasure[];
}

interface WriteSpread {
  readonly changes: number;
  /** The partition key (base table, or an index's) written most during the burst, and how often. */
  readonly busiestKey: string;
  readonly busiestWrites: number;
  /** Writes to the busiest counter item. */
  readonly busiestCounterWrites: number;
  /** Writes per partition key per change: busiestWrites ÷ changes (× 1,000 changes a second = writes a second). */
  readonly writesPerKeyPerChange: number;
}

interface AdminResult {
  readonly domain: string;
  readonly limit: number;
  readonly sizes: readonly SizeResult[];
  readonly writes: WriteSpread;
}

const DOMAIN = 'admin.bench.example';
const CHUNK = 500;
const GIVEN = ['José', 'Maria', 'Anna', 'Jean-Luc', 'Zoë', 'Mohammed', 'Wei', 'Olga', 'Sean', 'Aiko', 'Björn', 'Lucía'];
const FAMILY = ['García', 'Smith', 'Müller', 'Nguyen', 'Kowalski', "O'Brien", 'Rossi', 'Dubois', 'Tanaka', 'Silva'];
/** Searches: a name prefix, an accented one typed without accents, a family name, a rare word, an address prefix. */
const SEARCHES = ['mar', 'jose', 'muller', 'kowal', 'zoe'] as const;
const PREVIEWS: readonly PreviewKind[] = ['inactivity', 'leaver', 'retention', 'lockout'];

const nameOf = (i: number): string =>
  `${GIVEN[i % GIVEN.length]} ${FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]}${i % 97 === 0 ? ' Ferreira' : ''}`;

/** Every 200th account a candidate of some sweep, the rest the scale bench's filler mix. */
function kindOf(i: number, filler: readonly Kind[]): Kind {
  if (i % 200 === 0) return CANDIDATE_KIND[PREVIEWS[(i / 200) % PREVIEWS.length] as AccountSweep];
  return filler[i % filler.length] ?? 'activeRecent';
}

/** Grows the domain from `from` to `to` accounts; adds what their writes add to the counters into `counts`. */
async function seed(db: BenchDb, from: number, to: number, counts: Map<string, Record<string, number>>): Promise<void> {
  const builder = accountBuilder(db.shape, Date.now());
  const filler = mixOf(FILLER_MIX);
  for (let done = from; done < to; done += CHUNK) {
    const made: Made[] = [];
    for (let i = done; i < Math.min(to, done + CHUNK); i++)
      made.push(await builder.make(kindOf(i, filler), DOMAIN, nameOf(i)));
    await batchWrite(
      db.document,
      db.tableName,
      made.flatMap((m) => m.items),
    );
    for (const m of made) {
      for (const [key, sums] of m.counts) {
        const total = counts.get(key) ?? {};
        for (const [attribute, n] of Object.entries(sums)) total[attribute] = (total[attribute] ?? 0) + n;
        counts.set(key, total);
      }
    }
    if (((done - from) / CHUNK) % 20 === 19) progress(`  seeded ${done + made.length} accounts`);
  }
  const items = [...counts].map(([key, sums]) => {
    const [PK, SK] = key.split('|');
    return { PK, SK, ...sums };
  });
  await batchWrite(db.document, db.tableName, items);
}

/** Reads `pages` pages with `read`, counting items read per page. */
async function measurePages(
  db: BenchDb,
  what: string,
  pages: number,
  read: (cursor: string | null) => Promise<{ returned: number; nextCursor: string | null }>,
): Promise<PageMeasure> {
  const counter = countReads(db.document);
  let cursor: string | null = null;
  let returned = 0;
  let itemsRead = 0;
  let worst = 0;
  let read_ = 0;
  try {
    do {
      counter.reset();
      const page = await read(cursor);
      returned += page.returned;
      itemsRead += counter.counts.itemsRead;
      worst = Math.max(
        worst,
        page.returned === 0 ? counter.counts.itemsRead : counter.counts.itemsRead / page.returned,
      );
      cursor = page.nextCursor;
      read_ += 1;
    } while (cursor !== null && read_ < pages);
    return {
      what,
      pages: read_,
      returned,
      itemsRead,
      worstPageRatio: Math.round(worst * 100) / 100,
      ratio: returned === 0 ? itemsRead : Math.round((itemsRead / returned) * 100) / 100,
      scans: counter.counts.scans,
    };
  } finally {
    counter.remove();
  }
}

async function measureSize(
  db: BenchDb,
  accounts: number,
  seedSeconds: number,
  options: AdminOptions,
): Promise<SizeResult> {
  const store = createStore(db.config);
  const counter = countReads(db.document);
  const summary = await store.counts(DOMAIN);
  const summaryRead = counter.counts.itemsRead;
  counter.remove();

  const searches: PageMeasure[] = [];
  for (const q of [...SEARCHES, (await firstEmail(store)).slice(0, 6)]) {
    searches.push(
      await measurePages(db, `q=${q}`, options.pages, async (cursor) => {
        const page = await store.search({ domain: DOMAIN, q, limit: options.limit, cursor });
        return { returned: page.items.length, nextCursor: page.nextCursor };
      }),
    );
  }
  const previews: PageMeasure[] = [];
  const now = new Date();
  for (const kind of PREVIEWS) {
    for (const domain of [DOMAIN, null]) {
      previews.push(
        await measurePages(db, `${kind}${domain === null ? ' (every domain)' : ''}`, options.pages, async (cursor) => {
          // As GET /sweeps/{sweep}/preview: the candidates read, those the rule changes returned.
          const page = await store.preview({ kind, domain, until: now.toISOString(), limit: options.limit, cursor });
          const returned = page.items.filter(
            ({ account }) =>
              decide(
                account,
                { kind: 'sweep', sweep: kind, requestId: null, asOf: now.toISOString() },
                now,
                db.config.policy,
              ).outcome === 'changed',
          ).length;
          return { returned, nextCursor: page.nextCursor };
        }),
      );
    }
  }
  return {
    accounts,
    seedSeconds,
    summary: { itemsRead: summaryRead, accounts: summary.accounts, exact: summary.accounts === accounts },
    searches,
    previews,
  };
}

async function firstEmail(store: ReturnType<typeof createStore>): Promise<string> {
  const page = await store.list({ domain: DOMAIN, limit: 1 });
  return page.items[0]?.email ?? 'x';
}

/**
 * The partition keys `burst` status changes of one domain write (recorded from the real store, not sent):
 * the base table's PK of every item written, and each index's partition key of every account item put.
 */
async function writeSpread(db: BenchDb, burst: number): Promise<WriteSpread> {
  const builder = accountBuilder(db.shape, Date.now());
  const rec = recorder(db.shape);
  const writes = new Map<string, number>();
  const bump = (key: string) => writes.set(key, (writes.get(key) ?? 0) + 1);
  for (let i = 0; i < burst; i++) {
    const { account } = await builder.make('activeRecent', DOMAIN, nameOf(i));
    const decision = decide(
      account,
      {
        kind: 'set_status',
        target: i % 2 === 0 ? 'locked' : 'maintenance',
        reason: null,
        caller: { sub: 'bench', scopes: ['accounts:admin'], requestId: null },
      },
      new Date(),
      db.config.policy,
    );
    if (decision.outcome !== 'changed') throw new Error('the burst change was not made');
    await rec.store.change(account as Account, decision.account, decision.entry);
  }
  for (const entry of rec.take()) {
    if (entry.kind !== 'transact') continue;
    for (const item of entry.items) {
      const written = item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key;
      if (written === undefined) continue;
      bump(`table ${String(written.PK)}`);
      const put = item.Put?.Item;
      if (put === undefined) continue;
      for (const index of TABLE.indexes) {
        const value = put[index.partitionKey.name];
        if (value !== undefined) bump(`${index.name} ${String(value)}`);
      }
    }
  }
  const [busiestKey, busiestWrites] = [...writes].sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
  const counters = [...writes].filter(([key]) => key.startsWith('table COUNT#')).map(([, n]) => n);
  return {
    changes: burst,
    busiestKey,
    busiestWrites,
    busiestCounterWrites: Math.max(0, ...counters),
    writesPerKeyPerChange: Math.round((busiestWrites / burst) * 1000) / 1000,
  };
}

/**
 * Seeds one domain up to each size and measures the summary, search and preview pages there.
 *
 * @example
 * const result = await runAdmin(db, { sizes: [10_000, 100_000], pages: 3, limit: 50, burst: 1000 });
 */
async function runAdmin(db: BenchDb, options: AdminOptions): Promise<AdminResult> {
  const counts = new Map<string, Record<string, number>>();
  const sizes: SizeResult[] = [];
  let seeded = 0;
  let seedSeconds = 0;
  for (const size of options.sizes) {
    progress(`admin reads: seeding ${size} accounts in ${DOMAIN}`);
    const started = Date.now();
    await seed(db, seeded, size, counts);
    seedSeconds += (Date.now() - started) / 1000;
    seeded = size;
    sizes.push(await measureSize(db, size, Math.round(seedSeconds), options));
  }
  progress('admin reads: tallying the partition keys of a burst of changes');
  return { domain: DOMAIN, limit: options.limit, sizes, writes: await writeSpread(db, options.burst) };
}

export { runAdmin };
export type { AdminOptions, AdminResult, PageMeasure, SizeResult, WriteSpread };
