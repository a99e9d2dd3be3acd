import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { indexBehind } from '@kvartirnsk/api-search/mapping';
import { buildSearches, searchParamsSchema } from '@kvartirnsk/api-search/listing-search';
import { rebuildListingsIndex } from '@kvartirnsk/api-search/rebuild-index';
import { createSearchClient } from '@kvartirnsk/lib/elasticsearch';
import type { PublishedListing } from '@kvartirnsk/lib/listing-events';
import {
  createDb,
  dropDatabase,
  ensureDatabase,
  type Kysely,
  migrateToLatest,
  sql,
} from '@kvartirnsk/lib/postgres';
import { TEST_POSTGRES_URL } from '@kvartirnsk/lib/testing';
import { generateListings } from '../scripts/seed/generate-listings';
import { type MachineInfo, machineInfo, RESULTS_DIR, writeResult } from './results';
import { type PhaseStats, phaseStats, runPool } from './stats';

// Search at scale: N generated listings are reindexed into Elasticsearch through the real rebuild pipeline
// (indexing rate), and loaded into two Postgres databases: one with ordinary btree indexes for every filter
// ("indexed"), one with nothing beyond the primary key, as a first implementation would have it ("plain").
// The same combined queries (map box + text + dates + guests + price) then go to the search service over HTTP
// (a child process, so it does not share this process's event loop) and, as the baselines, straight to each
// database as the same single SQL query (lat/lon BETWEEN, ILIKE, NOT EXISTS over unavailable ranges). All
// answer a page of 20 with the total; the search service also computes its facets, so the comparison favours
// the baselines.

export const SEARCH_TARGETS = { p95Ms: 50, minSpeedupP95: 10 } as const;

/** The two baselines: the same SQL on a schema with an index per filter, and on one with primary keys only. */
const BASELINES = ['indexed', 'plain'] as const;
type Baseline = (typeof BASELINES)[number];

interface Speedup {
  p50: number;
  p95: number;
  throughput: number;
}

export interface SearchBenchOptions {
  listings: number;
  requests: number;
  concurrency: number;
  warmup: number;
  seed: number;
}

export interface SearchBenchResult {
  name: 'search';
  machine: MachineInfo;
  /** 1-minute load averages when measuring began and ended: other work on the machine skews the figures. */
  loadAverage: { before: number; after: number };
  parameters: SearchBenchOptions & { distinctQueries: number; unavailableRanges: number };
  indexing: { documents: number; seconds: number; documentsPerSecond: number };
  search: SideStats;
  /** The same Elasticsearch requests the service sends, from here: what the service's HTTP and JSON add. */
  elasticsearchDirect: SideStats;
  /** The baselines, each a top-level side as bench/readers.ts and bench/figures.ts expect. */
  postgresIndexed: SideStats;
  postgresPlain: SideStats;
  /** How many times faster the search service is than each baseline. */
  speedups: Record<Baseline, Speedup>;
  targets: typeof SEARCH_TARGETS;
  meetsTargets: { p95: boolean; speedup: Record<Baseline, boolean> };
}

const ALIAS = 'bench-search-listings';
const DISTINCT_QUERIES = 500;
const PAGE_SIZE = 20;
/** Words that occur in the generated titles and descriptions, in the forms a guest would type them. */
const WORDS = [
  'студия',
  'квартира',
  'комната',
  'дом',
  'центре',
  'метро',
  'парком',
  'набережной',
  'море',
  'коттедж',
];

interface BaselineDatabase {
  listings: {
    id: string;
    title: string;
    title_en: string | null;
    description: string;
    description_en: string | null;
    city: string;
    lat: number;
    lon: number;
    max_guests: number;
    nightly_price: number;
    rating_average: number | null;
  };
  unavailable: { listing_id: string; from_date: string; to_date: string };
}

/** The plain schema is the indexed one without its secondary indexes (Postgres does not index foreign keys). */
const baselineMigrations = (baseline: Baseline) => ({
  '0001_listings': {
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE listings (
        id text PRIMARY KEY, title text NOT NULL, title_en text, description text NOT NULL,
        description_en text, city text NOT NULL, lat double precision NOT NULL, lon double precision NOT NULL,
        max_guests int NOT NULL, nightly_price bigint NOT NULL, rating_average real)`.execute(db);
      await sql`CREATE TABLE unavailable (listing_id text NOT NULL REFERENCES listings, from_date date NOT NULL,
        to_date date NOT NULL)`.execute(db);
      if (baseline === 'plain') return;
      await sql`CREATE INDEX listings_lat_lon ON listings (lat, lon)`.execute(db);
      await sql`CREATE INDEX listings_lon ON listings (lon)`.execute(db);
      await sql`CREATE INDEX listings_price ON listings (nightly_price)`.execute(db);
      await sql`CREATE INDEX listings_guests ON listings (max_guests)`.execute(db);
      await sql`CREATE INDEX unavailable_listing ON unavailable (listing_id, from_date, to_date)`.execute(db);
    },
  },
});

interface BenchQuery {
  north: number;
  south: number;
  east: number;
  west: number;
  q: string;
  checkIn: string;
  checkOut: string;
  guests: number;
  minPrice: number;
  maxPrice: number;
}

/** Same seed, same queries: boxes around real listings (city scale), with dates, guests and prices. */
function benchQueries(listings: PublishedListing[], count: number, seed: number): BenchQuery[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  return Array.from({ length: count }, () => {
    const centre = listings[Math.floor(random() * listings.length)]!.location;
    const start = 3 + Math.floor(random() * 150);
    const minPrice = 100_000 + Math.floor(random() * 3) * 100_000;
    return {
      north: Number((centre.lat + 0.1).toFixed(4)),
      south: Number((centre.lat - 0.1).toFixed(4)),
      east: Number((centre.lon + 0.2).toFixed(4)),
      west: Number((centre.lon - 0.2).toFixed(4)),
      q: WORDS[Math.floor(random() * WORDS.length)]!,
      checkIn: day(start),
      checkOut: day(start + 2 + Math.floor(random() * 6)),
      guests: 1 + Math.floor(random() * 4),
      minPrice,
      maxPrice: minPrice + 500_000 + Math.floor(random() * 10) * 100_000,
    };
  });
}

async function loadBaseline(db: Kysely<BaselineDatabase>, listings: PublishedListing[]): Promise<number> {
  let ranges = 0;
  for (let from = 0; from < listings.length; from += 2000) {
    const batch = listings.slice(from, from + 2000);
    await db
      .insertInto('listings')
      .values(
        batch.map((l) => ({
          id: l.listingId,
          title: l.title,
          title_en: l.titleEn,
          description: l.description,
          description_en: l.descriptionEn,
          city: l.city,
          lat: l.location.lat,
          lon: l.location.lon,
          max_guests: l.maxGuests,
          nightly_price: l.nightlyPrice,
          rating_average: null,
        })),
      )
      .execute();
    const blocks = batch.flatMap((l) =>
      l.calendarBlocks.map((block) => ({
        listing_id: l.listingId,
        from_date: block.from,
        to_date: block.to,
      })),
    );
    if (blocks.length > 0) await db.insertInto('unavailable').values(blocks).execute();
    ranges += blocks.length;
  }
  await sql`ANALYZE`.execute(db);
  return ranges;
}

interface BaselineDb {
  db: Kysely<BaselineDatabase>;
  drop(): Promise<void>;
}

async function createBaseline(name: Baseline, poolSize: number): Promise<BaselineDb> {
  // Its own name rather than a test_* one: test runs may clean those up while the benchmark uses it.
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/bench_search_${name}_${process.pid}`;
  await ensureDatabase(url.toString());
  const db = createDb<BaselineDatabase>({ url: url.toString(), poolSize });
  await migrateToLatest(db, baselineMigrations(name));
  return {
    db,
    async drop() {
      await db.destroy();
      await dropDatabase(url.toString());
    },
  };
}

function baselineQuery(db: Kysely<BaselineDatabase>, query: BenchQuery) {
  const pattern = `%${query.q}%`;
  return sql<{ id: string; total: number }>`
    SELECT l.id, l.title, l.city, l.lat, l.lon, l.nightly_price, l.max_guests, count(*) OVER () AS total
    FROM listings l
    WHERE l.lat BETWEEN ${query.south} AND ${query.north}
      AND l.lon BETWEEN ${query.west} AND ${query.east}
      AND (l.title ILIKE ${pattern} OR l.description ILIKE ${pattern}
           OR l.title_en ILIKE ${pattern} OR l.description_en ILIKE ${pattern})
      AND l.max_guests >= ${query.guests}
      AND l.nightly_price BETWEEN ${query.minPrice} AND ${query.maxPrice}
      AND NOT EXISTS (SELECT 1 FROM unavailable u WHERE u.listing_id = l.id
                      AND u.from_date < ${query.checkOut}::date AND u.to_date > ${query.checkIn}::date)
    ORDER BY l.rating_average DESC NULLS LAST, l.id
    LIMIT ${PAGE_SIZE}`.execute(db);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startSearchService(elasticsearchUrl: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const root = path.join(__dirname, '..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/search/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      SEARCH_INDEX: ALIAS,
      ELASTICSEARCH_URL: elasticsearchUrl,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, process: child };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGTERM');
  throw new Error('the search service did not become ready within 60 s');
}

type Side = (query: BenchQuery) => Promise<number>;
type SideStats = PhaseStats & { meanTotal: number };

/** The sides take turns in rounds, so load from outside the benchmark falls on each of them alike. */
const ROUNDS = 10;

async function measure<Name extends string>(
  sides: Record<Name, Side>,
  queries: BenchQuery[],
  options: SearchBenchOptions,
): Promise<Record<Name, SideStats>> {
  const names = Object.keys(sides) as Name[];
  console.log(
    `search benchmark: ${names.join(', ')} in turns of ${ROUNDS} rounds, ${options.warmup} warm-up + ` +
      `${options.requests} measured requests each, ${options.concurrency} at once`,
  );
  for (const name of names) {
    await runPool(0, options.warmup, options.concurrency, async (i) => {
      await sides[name](queries[i % queries.length]!);
    });
  }
  const tally = Object.fromEntries(
    names.map((name) => [name, { latencies: [] as number[], failed: 0, totals: 0, wallMs: 0 }]),
  ) as Record<Name, { latencies: number[]; failed: number; totals: number; wallMs: number }>;
  const perRound = Math.ceil(options.requests / ROUNDS);
  for (let from = 0; from < options.requests; from += perRound) {
    const to = Math.min(options.requests, from + perRound);
    for (const name of names) {
      const side = tally[name];
      const started = performance.now();
      await runPool(from, to, options.concurrency, async (i) => {
        const begin = performance.now();
        try {
          const total = await sides[name](queries[i % queries.length]!);
          side.latencies.push(performance.now() - begin);
          side.totals += total;
        } catch (err) {
          side.failed += 1;
          if (side.failed === 1) console.error(`${name}: first failure`, err);
        }
      });
      side.wallMs += performance.now() - started;
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const { latencies, failed, totals, wallMs } = tally[name];
      const meanTotal = Math.round(totals / Math.max(1, latencies.length));
      return [name, { ...phaseStats(latencies, failed, wallMs), meanTotal }];
    }),
  ) as Record<Name, SideStats>;
}

const ratio = (slow: number, fast: number) => Number((slow / fast).toFixed(1));

export async function runSearchBenchmark(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const elasticsearchUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
  const client = createSearchClient(elasticsearchUrl);
  const today = new Date().toISOString().slice(0, 10);
  console.log(`search benchmark: generating ${options.listings} listings`);
  const listings = generateListings({ count: options.listings, seed: options.seed, asOf: today });
  const queries = benchQueries(listings, DISTINCT_QUERIES, options.seed);

  // A run that was interrupted leaves its index behind; start from nothing so the reindex is a full one.
  const stale = await indexBehind(client, ALIAS);
  if (stale) await client.indices.delete({ index: stale });

  console.log('search benchmark: full reindex into Elasticsearch');
  const report = await rebuildListingsIndex({
    client,
    alias: ALIAS,
    source: (async function* () {
      yield* listings;
    })(),
  });
  console.log(`search benchmark: indexed ${report.indexed} in ${report.seconds} s`);
  await client.indices.forcemerge({ index: report.index, max_num_segments: 1 });

  console.log('search benchmark: loading the Postgres baselines');
  const baselines = {} as Record<Baseline, BaselineDb>;
  let service: Awaited<ReturnType<typeof startSearchService>> | undefined;
  try {
    for (const name of BASELINES) baselines[name] = await createBaseline(name, options.concurrency);
    service = await startSearchService(elasticsearchUrl);
    const searchUrl = service.url;
    let unavailableRanges = 0;
    for (const name of BASELINES) unavailableRanges = await loadBaseline(baselines[name].db, listings);
    const loadBefore = os.loadavg()[0]!;
    const baselineSide =
      (name: Baseline): Side =>
      async (query) => {
        const { rows } = await baselineQuery(baselines[name].db, query);
        return Number(rows[0]?.total ?? 0);
      };
    const measured = await measure(
      {
        service: async (query) => {
          const params = new URLSearchParams(
            Object.entries({ ...query, size: PAGE_SIZE }).map(([key, value]): [string, string] => [
              key,
              String(value),
            ]),
          );
          const response = await fetch(`${searchUrl}/search/listings?${params.toString()}`);
          if (!response.ok) throw new Error(`search answered ${response.status}: ${await response.text()}`);
          return ((await response.json()) as { total: number }).total;
        },
        direct: async (query) => {
          const searches = buildSearches(
            searchParamsSchema.parse(
              Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])),
            ),
          );
          const { responses } = await client.msearch({ index: ALIAS, searches: [{}, searches.page] });
          const [page] = responses;
          if (!page || 'error' in page) throw new Error(`search failed: ${JSON.stringify(page)}`);
          return typeof page.hits.total === 'number' ? page.hits.total : (page.hits.total?.value ?? 0);
        },
        indexed: baselineSide('indexed'),
        plain: baselineSide('plain'),
      },
      queries,
      options,
    );
    const { service: searchStats, direct: directStats } = measured;
    const speedupOver = (baseline: SideStats): Speedup => ({
      p50: ratio(baseline.latencyMs.p50, searchStats.latencyMs.p50),
      p95: ratio(baseline.latencyMs.p95, searchStats.latencyMs.p95),
      throughput: ratio(searchStats.throughputPerSecond, baseline.throughputPerSecond),
    });
    const speedups = { indexed: speedupOver(measured.indexed), plain: speedupOver(measured.plain) };
    return {
      name: 'search',
      machine: machineInfo(),
      loadAverage: { before: Number(loadBefore.toFixed(2)), after: Number(os.loadavg()[0]!.toFixed(2)) },
      parameters: { ...options, distinctQueries: queries.length, unavailableRanges },
      indexing: {
        documents: report.indexed,
        seconds: report.seconds,
        documentsPerSecond: report.documentsPerSecond,
      },
      search: searchStats,
      elasticsearchDirect: directStats,
      postgresIndexed: measured.indexed,
      postgresPlain: measured.plain,
      speedups,
      targets: SEARCH_TARGETS,
      meetsTargets: {
        p95: searchStats.latencyMs.p95 < SEARCH_TARGETS.p95Ms,
        speedup: {
          indexed: speedups.indexed.p95 >= SEARCH_TARGETS.minSpeedupP95,
          plain: speedups.plain.p95 >= SEARCH_TARGETS.minSpeedupP95,
        },
      },
    };
  } finally {
    service?.process.kill('SIGTERM');
    for (const baseline of Object.values(baselines)) await baseline.drop();
    await client.indices.delete({ index: report.index, ignore_unavailable: true });
    await client.close();
  }
}

export function searchSummary(result: SearchBenchResult): string {
  const row = (label: string, stats: SideStats) =>
    `| ${label} | ${stats.latencyMs.p50} | ${stats.latencyMs.p95} | ${stats.latencyMs.p99} | ${stats.throughputPerSecond} | ${stats.failed} | ${stats.meanTotal} |`;
  const { parameters: p, machine: m, targets, meetsTargets: met } = result;
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  const speedupLine = (label: string, speedup: Speedup, ok: boolean) =>
    `- ${label}: ${speedup.p50}x at p50, ${speedup.p95}x at p95, ${speedup.throughput}x throughput; ` +
    `at least ${targets.minSpeedupP95}x at p95: **${verdict(ok)}**.`;
  return [
    '# Search benchmark',
    '',
    `${m.timestamp}, ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}. Written by \`bench/search.ts\`.`,
    `1-minute load average ${result.loadAverage.before} when measuring began, ${result.loadAverage.after} when it ended`,
    "(other work on the machine lengthens every side's latencies, the tails most).",
    '',
    `${p.listings} generated listings (seed ${p.seed}, ${p.unavailableRanges} blocked ranges); ${p.requests} measured`,
    `requests per side after ${p.warmup} warm-up, ${p.concurrency} in flight, the sides taking turns in ${ROUNDS} rounds,`,
    `cycling ${p.distinctQueries} distinct combined queries (a city-scale map box, one word of text, 2–7 nights`,
    'within five months, 1–4 guests, a nightly price range). The search service answers over HTTP with a page of',
    '20, the total and its facets. Each baseline is the same single SQL query on Postgres (lat/lon BETWEEN; ILIKE',
    'over four text columns; NOT EXISTS over unavailable ranges) answering a page of 20 and the total, without',
    'HTTP and without facets:',
    '',
    '- **Postgres, indexed**: btree indexes on (lat, lon), lon, price, guests and (listing, from, to) of the ranges.',
    '- **Postgres, plain**: the straightforward database query the issue names as the baseline: the same tables',
    "  and SQL with only the listings' primary key, as a first implementation would have them.",
    '  Its long tail is the plan Postgres picks for it: estimating that few listings pass the ILIKE, it scans the',
    '  whole unindexed ranges table once per candidate listing (a nested-loop anti-join).',
    '',
    'Totals differ a little because the search matches words fuzzily and ILIKE matches substrings.',
    '',
    '| side | p50 ms | p95 ms | p99 ms | requests/s | failed | mean total |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('search service (Elasticsearch)', result.search),
    row('the same requests straight to Elasticsearch', result.elasticsearchDirect),
    row('Postgres, indexed', result.postgresIndexed),
    row('Postgres, plain (the straightforward query)', result.postgresPlain),
    '',
    `Target p95 under ${targets.p95Ms} ms: **${verdict(met.p95)}** (${result.search.latencyMs.p95} ms).`,
    '',
    'Search service speed-up:',
    '',
    speedupLine("over Postgres, plain (the issue's baseline)", result.speedups.plain, met.speedup.plain),
    speedupLine('over Postgres, indexed', result.speedups.indexed, met.speedup.indexed),
    '',
    `Full reindex (the rebuild pipeline, bulk batches of 1000): ${result.indexing.documents} documents in ` +
      `${result.indexing.seconds} s, ${result.indexing.documentsPerSecond} documents/s.`,
    '',
  ].join('\n');
}

function parseOptions(argv: string[]): SearchBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      listings: { type: 'string', default: '100000' },
      requests: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '200' },
      seed: { type: 'string', default: '42' },
    },
  });
  const whole = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
    return value;
  };
  return {
    listings: whole('listings'),
    requests: whole('requests'),
    concurrency: whole('concurrency'),
    warmup: whole('warmup'),
    seed: whole('seed'),
  };
}

if (require.main === module) {
  runSearchBenchmark(parseOptions(process.argv.slice(2)))
    .then((result) => {
      console.log(`wrote ${writeResult('search', result)}`);
      const summary = path.join(RESULTS_DIR, 'SEARCH.md');
      writeFileSync(summary, searchSummary(result));
      console.log(`wrote ${summary}`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
