import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BookingBenchResult } from './booking';
import type { CpuShare } from './cpu';
import type { GatewayBenchResult } from './gateway';
import { type MachineInfo, RESULTS_DIR, readResult } from './results';

/** Hand-written reading of the figures (what limited each run, how we know); embedded when present. */
const NOTES_FILE = path.join(RESULTS_DIR, 'NOTES.md');

const verdict = (met: boolean) => (met ? '✅ met' : '❌ missed');
const pct = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

function machineLine(machine: MachineInfo) {
  return `${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; run at ${machine.timestamp}`;
}

function cpuRow(label: string, cpu: CpuShare) {
  return `| ${label} | ${cpu.temporalServer} | ${cpu.postgres} | ${cpu.stripeMock} | ${cpu.redis} | ${cpu.benchProcess} (${cpu.benchMainThread}) | ${cpu.other} | ${cpu.idle} |`;
}

const CPU_HEADER = [
  '| phase | Temporal dev server | Postgres | stripe-mock | Redis | bench process (main thread) | other | idle |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];

/** The busiest parties of a phase and whether the machine had CPU to spare, straight from the samples. */
function busiest(cpu: CpuShare): string {
  const parties = [
    ['Temporal dev server', cpu.temporalServer],
    ['bench process (workers, API, load generator)', cpu.benchProcess],
    ['Postgres', cpu.postgres],
    ['stripe-mock', cpu.stripeMock],
    ['Redis', cpu.redis],
    ['other processes on the machine', cpu.other],
  ] as const;
  const top = [...parties].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const capacity = cpu.cores * 100;
  const saturated = cpu.idle < capacity * 0.1;
  return `${top.map(([name, share]) => `${name} ${share} %`).join(', ')}; ${cpu.idle} % of ${capacity} % idle${saturated ? ' — the CPU was saturated' : ''}`;
}

function bookingSection(result: BookingBenchResult): string[] {
  const { trivial, booking, parameters: p } = result;
  return [
    '## Booking flow vs a trivial workflow',
    '',
    `${p.count} of each (after ${p.warmup} unmeasured warm-up each), ${p.concurrency} in flight, ${p.activitiesPerFlow} activities per flow, namespace \`${p.namespace}\` on the local dev server (${p.temporalAddress}); ${machineLine(result.machine)}.`,
    'Trivial: `trivialWorkflow` started with the Temporal client, timed to completion. Booking: `POST /bookings` on the bookings API (real HTTP listener), timed to the booking row turning `confirmed`.',
    '',
    '| flow | completed | failed | throughput (/s) | p50 ms | p95 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...(
      [
        ['trivial (5 no-op activities)', trivial],
        ['booking (API → confirmed)', booking],
      ] as const
    ).map(
      ([label, s]) =>
        `| ${label} | ${s.completed} | ${s.failed} | ${s.throughputPerSecond} | ${s.latencyMs.p50} | ${s.latencyMs.p95} | ${s.latencyMs.p99} | ${s.latencyMs.max} |`,
    ),
    '',
    `Booking API response (201 with the price, before confirmation): p50 ${booking.apiResponseMs.p50} ms, p95 ${booking.apiResponseMs.p95} ms.`,
    '',
    '| ratio | measured | target | |',
    '| --- | ---: | ---: | --- |',
    `| booking / trivial throughput | ${pct(result.ratios.throughput)} | ≥ ${pct(result.targets.minThroughputRatio)} | ${verdict(result.meetsTargets.throughput)} |`,
    `| booking / trivial p95 | ${result.ratios.p95}× | ≤ ${result.targets.maxP95Ratio}× | ${verdict(result.meetsTargets.p95)} |`,
    '',
    'CPU during each measured phase, in % of one core (200 = both cores of a 2-core machine):',
    '',
    ...CPU_HEADER,
    cpuRow('trivial', trivial.cpu),
    cpuRow('booking', booking.cpu),
    '',
    `Busiest during the trivial phase: ${busiest(trivial.cpu)}.`,
    `Busiest during the booking phase: ${busiest(booking.cpu)}.`,
    ...(result.errors.length > 0
      ? ['', 'Errors (first 20):', '', ...result.errors.map((e) => `- ${e}`)]
      : []),
    '',
  ];
}

function gatewaySection(result: GatewayBenchResult): string[] {
  const { direct, gateway, parameters: p } = result;
  return [
    '## Gateway overhead',
    '',
    `${p.path}; autocannon, ${p.connections} connections, ${p.durationSeconds} s per side after ${p.warmupSeconds} s warm-up each, loopback; ${machineLine(result.machine)}.`,
    'Direct: identity headers as the gateway sets them. Gateway: a real access token (JWT verify, Redis session check, both rate limiters, proxy).',
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
    'CPU during each side, in % of one core:',
    '',
    ...CPU_HEADER,
    cpuRow('direct', direct.cpu),
    cpuRow('gateway', gateway.cpu),
    '',
    `Busiest during the direct side: ${busiest(direct.cpu)}.`,
    `Busiest during the gateway side: ${busiest(gateway.cpu)}.`,
    '',
  ];
}

/** Rebuilds SUMMARY.md from whichever result files exist, so running one benchmark keeps the other's figures. */
export function writeSummary(): string {
  const booking = readResult<BookingBenchResult>('booking');
  const gateway = readResult<GatewayBenchResult>('gateway');
  const lines = [
    '# Benchmark results',
    '',
    'Generated by `npm run bench` (bench/run.ts) from `booking.json` and `gateway.json` in this folder (the raw figures, parameters and machine). CPU shares are sampled from /proc over each measured phase; "other" is everything else running on the machine at the time.',
    '',
    ...(booking ? bookingSection(booking) : ['## Booking flow', '', 'Not run yet.', '']),
    ...(gateway ? gatewaySection(gateway) : ['## Gateway overhead', '', 'Not run yet.', '']),
    ...(existsSync(NOTES_FILE) ? [readFileSync(NOTES_FILE, 'utf8').trim(), ''] : []),
  ];
  const file = path.join(RESULTS_DIR, 'SUMMARY.md');
  writeFileSync(file, lines.join('\n'));
  return file;
}
