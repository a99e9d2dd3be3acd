import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BookingBenchResult, BookingPhase } from './booking';
import type { CpuShare } from './cpu';
import type { RunEnvironment } from './environment';
import { type Figure, type FiguresBySection, writeFigures } from './figures';
import { GATEWAY_CPU, type GatewayBenchResult, USERS_SERVICE_CPU } from './gateway';

type GatewaySide = GatewayBenchResult['direct'];
import { cpuParties, type Read, readBooking, readEnvironment, readGateway, readScaling } from './readers';
import { type MachineInfo, RESULTS_DIR } from './results';
import type { ScalingBenchResult, ScalingPoint } from './scaling';

/** Hand-written reading of the figures (what limited each run, how we know); embedded when present. */
const NOTES_FILE = path.join(RESULTS_DIR, 'NOTES.md');

const verdict = (met: boolean) => (met ? '✅ met' : '❌ missed');
const pct = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

function machineLine(machine: MachineInfo) {
  return `${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; run at ${machine.timestamp}`;
}

/** Charts of a section, as images that link to their SVG. */
function figureLinks(figures: Figure[]): string[] {
  if (figures.length === 0) return [];
  return ['', ...figures.map((figure) => `[![${figure.title}](${figure.file})](${figure.file})`), ''];
}

/** A section whose result file is missing or of a shape this summary does not read. */
function unreadable(title: string, file: string, read: Read<unknown>): string[] {
  return [
    `## ${title}`,
    '',
    read.found && !read.ok
      ? `\`${file}\` was written by another version of the benchmark (${read.problem}); run it again to see it here.`
      : 'Not run yet.',
    '',
  ];
}

/** A CPU table with a column for each party, the benchmark's worker-process groups included. */
function cpuTable(rows: Array<[label: string, cpu: CpuShare]>): string[] {
  const groups = [...new Set(rows.flatMap(([, cpu]) => Object.keys(cpu.children)))];
  const header = [
    'phase',
    'Temporal dev server',
    'Postgres',
    'stripe-mock',
    'Redis',
    ...groups,
    'bench process (main thread)',
    'other',
    'idle',
  ];
  return [
    `| ${header.join(' | ')} |`,
    `| --- |${' ---: |'.repeat(header.length - 1)}`,
    ...rows
      .map(([label, cpu]) =>
        [
          label,
          cpu.temporalServer,
          cpu.postgres,
          cpu.stripeMock,
          cpu.redis,
          ...groups.map((group) => cpu.children[group] ?? '—'),
          `${cpu.benchProcess} (${cpu.benchMainThread})`,
          cpu.other,
          cpu.idle,
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
  ];
}

/** The three busiest parties of a phase and whether the machine had CPU to spare. */
function busiestOf(cpu: CpuShare): string {
  const top = cpuParties(cpu)
    .sort((a, b) => b.percent - a.percent)
    .slice(0, 3);
  const capacity = cpu.cores * 100;
  const saturated = cpu.idle < capacity * 0.1;
  return `${top.map(({ party, percent }) => `${party} ${percent} %`).join(', ')}; ${cpu.idle} % of ${capacity} % idle${saturated ? ' — the CPU was saturated' : ''}`;
}

/** A latency; a phase where nothing completed has none (NaN, written to JSON as null). */
const ms = (value: number | null) => (value === null || Number.isNaN(value) ? '—' : String(value));

const loadLine = (phase: Pick<BookingPhase, 'loadAverage'>) =>
  `${phase.loadAverage.start[0]} → ${phase.loadAverage.end[0]}`;

function environmentSection(environment: RunEnvironment): string[] {
  const { versions: v, loadAverage } = environment;
  return [
    '## Machine and versions',
    '',
    `${machineLine(environment.machine)}. Load average (1, 5, 15 min) when \`npm run bench\` started: ${loadAverage.start.join(', ')}; when it ended: ${loadAverage.end?.join(', ') ?? 'did not finish'}.`,
    '',
    '| component | version |',
    '| --- | --- |',
    `| Node | ${v.node} |`,
    `| Temporal CLI (dev server) | ${v.temporalCli} |`,
    `| Temporal server | ${v.temporalServer} |`,
    `| Postgres | ${v.postgres} |`,
    `| Elasticsearch | ${v.elasticsearch} |`,
    ...Object.entries(v.libraries).map(([name, version]) => `| ${name} | ${version} |`),
    '',
  ];
}

function bookingSection(result: BookingBenchResult, figures: Figure[]): string[] {
  const { trivial, booking, atEqualLoad: equal, parameters: p } = result;
  const processes = Object.entries(p.workerProcesses)
    .map(([group, count]) => `${count} × ${group}`)
    .join(', ');
  return [
    '## Booking flow vs a trivial workflow',
    '',
    `${p.count} of each (after ${p.warmup} unmeasured warm-up each), ${p.concurrency} in flight, ${p.activitiesPerFlow} activities per flow, namespace \`${p.namespace}\` on the local dev server (${p.temporalAddress}); worker processes as \`scripts/services\` starts them (${processes}); ${machineLine(result.machine)}.`,
    'Trivial: `trivialWorkflow` (workers/test-pool.ts) started with the Temporal client, timed to its fifth activity. Booking: `POST /bookings` on the bookings API (real HTTP listener in the bench process), timed to the booking row turning `confirmed` (written by confirmBooking, its fifth activity).',
    '',
    '| flow | completed | failed | throughput (/s) | p50 ms | p95 ms | p99 ms | max ms | load average |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...(
      [
        ['trivial (5 no-op activities)', trivial],
        ['booking (API → confirmed)', booking],
      ] as const
    ).map(
      ([label, s]) =>
        `| ${label} | ${s.completed} | ${s.failed} | ${s.throughputPerSecond} | ${ms(s.latencyMs.p50)} | ${ms(s.latencyMs.p95)} | ${ms(s.latencyMs.p99)} | ${ms(s.latencyMs.max)} | ${loadLine(s)} |`,
    ),
    '',
    `Booking API response (201 with the price once the dates are held, before payment): p50 ${ms(booking.apiResponse.latencyMs.p50)} ms, p95 ${ms(booking.apiResponse.latencyMs.p95)} ms.`,
    '',
    `The same flows at equal offered load: ${equal.perSecond} started per second, however many are still running (an open loop, the way users arrive), half the booking flow's saturated throughput. Under saturation a closed loop's latency is mostly its queue (in flight ÷ throughput), so its p95 ratio restates the throughput ratio; here it is the time one flow takes.`,
    '',
    '| flow at equal load | completed | failed | p50 ms | p95 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...(
      [
        ['trivial', equal.trivial],
        ['booking', equal.booking],
      ] as const
    ).map(
      ([label, s]) =>
        `| ${label} | ${s.completed} | ${s.failed} | ${ms(s.latencyMs.p50)} | ${ms(s.latencyMs.p95)} | ${ms(s.latencyMs.p99)} | ${ms(s.latencyMs.max)} |`,
    ),
    '',
    '| ratio | measured | target | |',
    '| --- | ---: | ---: | --- |',
    `| booking / trivial throughput | ${pct(result.ratios.throughput)} | ≥ ${pct(result.targets.minThroughputRatio)} | ${verdict(result.meetsTargets.throughput)} |`,
    `| booking / trivial p95, saturated (${p.concurrency} in flight) | ${result.ratios.p95}× | ≤ ${result.targets.maxP95Ratio}× | ${verdict(result.meetsTargets.p95)} |`,
    `| booking / trivial p95, at ${equal.perSecond}/s each | ${result.ratios.p95AtEqualLoad}× | ≤ ${result.targets.maxP95Ratio}× | ${verdict(result.meetsTargets.p95AtEqualLoad)} |`,
    ...figureLinks(figures),
    '',
    'CPU during each measured phase, in % of one core (200 = both cores of a 2-core machine):',
    '',
    ...cpuTable([
      ['trivial', trivial.cpu],
      ['booking', booking.cpu],
    ]),
    '',
    `Busiest during the trivial phase: ${busiestOf(trivial.cpu)}.`,
    `Busiest during the booking phase: ${busiestOf(booking.cpu)}.`,
    ...(result.errors.length > 0
      ? ['', 'Errors (first 20):', '', ...result.errors.map((e) => `- ${e}`)]
      : []),
    '',
  ];
}

const times = (value: number, base: number) => `${(value / base).toFixed(2)}×`;

/** Where the curve stops growing and what was busy then, read from the points (no hand-written claims). */
function scalingReading(points: ScalingPoint[]): string[] {
  const defaults = points.filter((point) => !point.configuration.paymentSizing);
  const throttled = points.find((point) => point.configuration.paymentSizing);
  const first = defaults[0];
  const last = defaults.at(-1);
  if (!first || !last) return [];
  const lines: string[] = [];
  const gain = last.bookings.throughputPerSecond / first.bookings.throughputPerSecond;
  const workers = last.configuration.bookingWorkers;
  const perWorker = (last.bookings.cpu.children['booking workers'] ?? 0) / workers;
  lines.push(
    `- From ${first.configuration.bookingWorkers} to ${workers} booking-worker processes, throughput went from ${first.bookings.throughputPerSecond} to ${last.bookings.throughputPerSecond} bookings/s (${times(last.bookings.throughputPerSecond, first.bookings.throughputPerSecond)}) and p95 from ${first.bookings.latencyMs.p95} to ${last.bookings.latencyMs.p95} ms. ` +
      (gain < 1.2
        ? `Adding booking workers does not raise throughput: they are not the limit (each used ${perWorker.toFixed(1)} % of a core at ${workers} processes).`
        : `More booking workers raised throughput, so ${first.configuration.bookingWorkers} process${first.configuration.bookingWorkers === 1 ? ' was' : 'es were'} a limit.`),
    `- With ${workers} booking workers the busiest parties were: ${busiestOf(last.bookings.cpu)}.`,
  );
  if (throttled) {
    const ratio = throttled.bookings.throughputPerSecond / last.bookings.throughputPerSecond;
    lines.push(
      `- Throttling the payment pool (${throttled.configuration.label}) gave ${throttled.bookings.throughputPerSecond} bookings/s (${times(throttled.bookings.throughputPerSecond, last.bookings.throughputPerSecond)} of the same workers with the pool at its defaults) and p95 ${throttled.bookings.latencyMs.p95} ms (${times(throttled.bookings.latencyMs.p95, last.bookings.latencyMs.p95)}). ` +
        (ratio < 0.8
          ? 'The payment pool is then the bottleneck: authorizations and captures queue for its one activity slot.'
          : 'One payment activity slot still keeps up at this load: authorize and capture against stripe-mock are short next to the server round trips around them.'),
    );
  }
  return lines;
}

function scalingSection(result: ScalingBenchResult, figures: Figure[]): string[] {
  const { points, parameters: p } = result;
  const base = points[0]?.bookings.throughputPerSecond ?? Number.NaN;
  return [
    '## Scaling: booking-worker processes and the payment pool',
    '',
    `Bookings through the API to \`confirmed\`, ${p.count} measured per configuration after ${p.warmup} warm-up, ${p.concurrency} in flight, namespace \`${p.namespace}\`; worker processes started as \`scripts/services\` starts them (workers/booking.ts, workers/payment.ts) and added between configurations; ${machineLine(result.machine)}.`,
    '',
    '| configuration | completed | failed | bookings/s | vs first | p50 ms | p95 ms | p99 ms | API 201 p95 ms | load average |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...points.map(
      ({ configuration: c, bookings: b }) =>
        `| ${c.label} | ${b.completed} | ${b.failed} | ${b.throughputPerSecond} | ${times(b.throughputPerSecond, base)} | ${ms(b.latencyMs.p50)} | ${ms(b.latencyMs.p95)} | ${ms(b.latencyMs.p99)} | ${ms(b.apiResponse.latencyMs.p95)} | ${loadLine(b)} |`,
    ),
    ...figureLinks(figures),
    '',
    'CPU during each configuration, in % of one core (worker groups are the sum of their processes):',
    '',
    ...cpuTable(points.map(({ configuration, bookings }) => [configuration.label, bookings.cpu])),
    '',
    'Where it saturates (computed from the rows above):',
    '',
    ...scalingReading(points),
    ...(result.errors.length > 0
      ? ['', 'Errors (first 20 per configuration):', '', ...result.errors.map((e) => `- ${e}`)]
      : []),
    '',
  ];
}

/** A gateway side's CPU by party: the users service and gateway processes, autocannon in the bench process. */
function gatewayCpuRow(label: string, side: GatewaySide): string {
  const parties = cpuParties(side.cpu);
  const share = (party: string) => parties.find((p) => p.party === party)?.percent ?? '—';
  // Files from before the per-side load average have none.
  const load = (side as Partial<GatewaySide>).loadAverage?.[0] ?? '—';
  return `| ${label} | ${share(USERS_SERVICE_CPU)} | ${share(GATEWAY_CPU)} | ${share('bench process')} | ${share('Postgres')} | ${share('Redis')} | ${share('other')} | ${side.cpu.idle} | ${load} |`;
}

function gatewaySection(result: GatewayBenchResult): string[] {
  const { direct, gateway, parameters: p } = result;
  const perRequest = (side: GatewaySide, party: string) => {
    const percent = cpuParties(side.cpu).find((entry) => entry.party === party)?.percent;
    return percent === undefined ? '—' : `${((percent * 10) / side.requestsPerSecond.mean).toFixed(2)} ms`;
  };
  return [
    '## Gateway overhead',
    '',
    `${p.path}; autocannon, ${p.connections} connections, ${p.durationSeconds} s per side after ${p.warmupSeconds} s warm-up each, loopback; ${machineLine(result.machine)}.`,
    ...((p as Partial<typeof p>).setup ? [`Setup: ${p.setup}.`] : []),
    'Direct: identity headers as the gateway sets them. Gateway: a real access token (JWT verify, one Redis round trip for the session check and both rate budgets, proxy).',
    '',
    '| path | requests | req/s (mean) | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...(
      [
        ['direct to users service', direct],
        ['through the gateway', gateway],
      ] as const
    ).map(
      ([label, s]) =>
        `| ${label} | ${s.requests} | ${s.requestsPerSecond.mean} | ${s.latencyMs.p50} | ${s.latencyMs.p90} | ${s.latencyMs.p99} | ${s.latencyMs.max} | ${s.non2xx} | ${s.errors} |`,
    ),
    '',
    '| ratio | measured | target | |',
    '| --- | ---: | ---: | --- |',
    `| gateway / direct throughput | ${pct(result.ratios.throughput)} | ≥ ${pct(result.targets.minThroughputRatio)} | ${verdict(result.meetsTargets.throughput)} |`,
    `| gateway / direct p50, p99 latency | ${result.ratios.p50}×, ${result.ratios.p99}× | — | |`,
    '',
    'CPU during each side, in % of one core, and the 1-minute load average as it ended:',
    '',
    `| side | ${USERS_SERVICE_CPU} | ${GATEWAY_CPU} | autocannon (bench process) | Postgres | Redis | other | idle | load |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    gatewayCpuRow('direct', direct),
    gatewayCpuRow('through the gateway', gateway),
    '',
    `CPU per request through the gateway: gateway process ${perRequest(gateway, GATEWAY_CPU)}, users service ${perRequest(gateway, USERS_SERVICE_CPU)} (direct: ${perRequest(direct, USERS_SERVICE_CPU)}).`,
    '',
    `Busiest during the direct side: ${busiestOf(direct.cpu)}.`,
    `Busiest during the gateway side: ${busiestOf(gateway.cpu)}.`,
    '',
  ];
}

function searchSection(figures: Figure[]): string[] {
  return [
    '## Search vs baselines',
    '',
    existsSync(path.join(RESULTS_DIR, 'SEARCH.md'))
      ? 'Figures, parameters and targets: [SEARCH.md](SEARCH.md) (written by bench/search.ts from `search.json`).'
      : 'Not run yet.',
    ...figureLinks(figures),
    '',
  ];
}

function chaosSection(): string[] {
  if (!existsSync(path.join(RESULTS_DIR, 'CHAOS.md'))) return [];
  return [
    '## Chaos',
    '',
    'Faults injected, invariants and recovery times: [CHAOS.md](CHAOS.md) (`npm run bench:chaos`, or `npm run bench -- --only chaos`).',
    '',
  ];
}

function section<T>(title: string, file: string, read: Read<T>, write: (value: T) => string[]): string[] {
  return read.found && read.ok ? write(read.value) : unreadable(title, file, read);
}

/**
 * Rebuilds SUMMARY.md and the charts from whichever result files exist, so running one benchmark keeps the
 * others' figures. Sections of files this version cannot read say so instead of failing.
 */
export function writeSummary(): string {
  const figures: FiguresBySection = writeFigures();
  const environment = readEnvironment();
  const lines = [
    '# Benchmark results',
    '',
    'Generated by `npm run bench` (bench/run.ts; `--only booking|scaling|gateway|search|chaos` for one) from the JSON files in this folder (raw figures, parameters, machine and load average per benchmark; `environment.json` for the run). Charts are in `charts/`. CPU shares are sampled from /proc over each measured phase; "other" is everything else running on the machine at the time.',
    '',
    '- [Booking flow vs a trivial workflow](#booking-flow-vs-a-trivial-workflow)',
    '- [Scaling: booking-worker processes and the payment pool](#scaling-booking-worker-processes-and-the-payment-pool)',
    '- [Gateway overhead](#gateway-overhead)',
    '- [Search vs baselines](#search-vs-baselines)',
    ...(existsSync(path.join(RESULTS_DIR, 'CHAOS.md')) ? ['- [Chaos](#chaos)'] : []),
    '',
    ...(environment.found && environment.ok ? environmentSection(environment.value) : []),
    ...section('Booking flow vs a trivial workflow', 'booking.json', readBooking(), (result) =>
      bookingSection(result, figures.booking),
    ),
    ...section(
      'Scaling: booking-worker processes and the payment pool',
      'scaling.json',
      readScaling(),
      (result) => scalingSection(result, figures.scaling),
    ),
    ...section('Gateway overhead', 'gateway.json', readGateway(), (result) => [
      ...gatewaySection(result),
      ...figureLinks(figures.gateway),
    ]),
    ...searchSection(figures.search),
    ...chaosSection(),
    ...(existsSync(NOTES_FILE) ? [readFileSync(NOTES_FILE, 'utf8').trim(), ''] : []),
  ];
  const file = path.join(RESULTS_DIR, 'SUMMARY.md');
  writeFileSync(file, lines.join('\n'));
  return file;
}
