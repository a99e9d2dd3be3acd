import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { barChart, lineChart, stackedBarChart } from './charts';
import {
  cpuParties,
  readBooking,
  readGatewaySides,
  readScaling,
  readSearchSides,
  sideOf,
  type SideFigures,
} from './readers';
import { RESULTS_DIR } from './results';

// The charts of the report, drawn from whichever result files exist, into bench/results/charts/. Each
// benchmark's figures are a list of { title, file } that its SUMMARY.md section links.

export const CHARTS_DIR = path.join(RESULTS_DIR, 'charts');

export interface Figure {
  title: string;
  /** Relative to bench/results, as SUMMARY.md links it. */
  file: string;
}

export type FiguresBySection = Record<'booking' | 'scaling' | 'gateway' | 'search', Figure[]>;

function write(name: string, title: string, content: string): Figure {
  mkdirSync(CHARTS_DIR, { recursive: true });
  writeFileSync(path.join(CHARTS_DIR, `${name}.svg`), content);
  return { title, file: `charts/${name}.svg` };
}

const SIDE_LABELS: Record<string, string> = {
  trivial: 'trivial workflow',
  booking: 'booking, API → confirmed',
  apiResponse: 'booking, API 201',
  direct: 'direct to the service',
  gateway: 'through the gateway',
  search: 'search service',
  elasticsearchDirect: 'Elasticsearch direct',
  postgresIndexed: 'Postgres, indexed',
  postgresPlain: 'Postgres, plain',
};
const labelOf = (side: SideFigures) => SIDE_LABELS[side.key] ?? side.key;

/** Latency percentiles of each side as lines, and their throughput as bars. */
function sideFigures(name: string, subject: string, sides: SideFigures[], unit: string): Figure[] {
  const figures: Figure[] = [];
  const withLatency = sides.filter((side) => side.percentiles.length > 0);
  if (withLatency.length > 0) {
    // The maximum is one request, and on a shared machine often a stall that would flatten every other line.
    const all = withLatency.flatMap((side) => side.percentiles.filter(({ percentile }) => percentile < 100));
    const spread =
      Math.max(...all.map(({ ms }) => ms)) / Math.max(Math.min(...all.map(({ ms }) => ms)), 1e-3);
    const log = spread > 50;
    const title = `${subject}: latency by percentile (max left out${log ? '; logarithmic scale' : ''})`;
    figures.push(
      write(
        `${name}-latency`,
        title,
        lineChart({
          title,
          xLabel: 'percentile (0 = fastest, 100 = slowest)',
          yLabel: 'latency (ms)',
          series: withLatency.map((side) => ({
            label: labelOf(side),
            points: side.percentiles
              .filter(({ percentile }) => percentile < 100)
              .map(({ percentile, ms }) => ({ x: percentile, y: ms })),
          })),
          xTicks: [0, 10, 25, 50, 75, 90, 99],
          yScale: log ? 'log' : 'linear',
        }),
      ),
    );
  }
  const withThroughput = sides.filter((side) => side.throughputPerSecond !== undefined);
  if (withThroughput.length > 0) {
    const title = `${subject}: throughput`;
    figures.push(
      write(
        `${name}-throughput`,
        title,
        barChart({
          title,
          unit,
          bars: withThroughput.map((side) => ({ label: labelOf(side), value: side.throughputPerSecond! })),
        }),
      ),
    );
  }
  return figures;
}

/** Stacked CPU of every party, one bar per phase. */
function cpuFigure(name: string, title: string, phases: Array<{ label: string; cpu: unknown }>): Figure {
  const byPhase = phases.map((phase) => cpuParties(phase.cpu));
  const parties = [...new Set(byPhase.flatMap((parties) => parties.map((p) => p.party)))];
  return write(
    name,
    title,
    stackedBarChart({
      title,
      unit: '% of one core (100 = one core busy)',
      categories: phases.map((phase) => phase.label),
      segments: parties.map((party) => ({
        label: party,
        values: byPhase.map((parties) => parties.find((p) => p.party === party)?.percent ?? 0),
        // Everything else on the machine in grey: the background the measured parties ran against.
        ...(party === 'other' ? { colour: '#bbbbbb' } : {}),
      })),
    }),
  );
}

function bookingFigures(): Figure[] {
  const read = readBooking();
  if (!read.found || !read.ok) return [];
  const { trivial, booking } = read.value;
  const sides = [
    sideOf('trivial', trivial),
    sideOf('booking', booking),
    sideOf('apiResponse', booking.apiResponse),
  ].filter((side) => side !== undefined);
  return [
    ...sideFigures('booking', 'Booking vs trivial workflow', sides, 'completed per second'),
    cpuFigure('booking-cpu', 'Booking vs trivial workflow: CPU by party', [
      { label: 'trivial phase', cpu: trivial.cpu },
      { label: 'booking phase', cpu: booking.cpu },
    ]),
  ];
}

function scalingFigures(): Figure[] {
  const read = readScaling();
  if (!read.found || !read.ok) return [];
  const { points } = read.value;
  const defaults = points.filter((point) => !point.configuration.paymentSizing);
  const throttled = points.filter((point) => point.configuration.paymentSizing);
  const curve = (title: string, yLabel: string, y: (point: (typeof points)[number]) => number) =>
    lineChart({
      title,
      xLabel: 'booking-worker processes',
      yLabel,
      xTicks: [...new Set(points.map((point) => point.configuration.bookingWorkers))].sort((a, b) => a - b),
      series: [
        {
          label: 'payment pool at its defaults',
          points: defaults.map((point) => ({ x: point.configuration.bookingWorkers, y: y(point) })),
        },
        ...(throttled.length > 0
          ? [
              {
                label: 'payment pool throttled (1 process, 1 activity slot)',
                points: throttled.map((point) => ({ x: point.configuration.bookingWorkers, y: y(point) })),
              },
            ]
          : []),
      ],
    });
  const throughputTitle = 'Scaling: bookings confirmed per second';
  const p95Title = 'Scaling: p95 latency, API call → confirmed';
  return [
    write(
      'scaling-throughput',
      throughputTitle,
      curve(throughputTitle, 'bookings/s', (p) => p.bookings.throughputPerSecond),
    ),
    write(
      'scaling-p95',
      p95Title,
      curve(p95Title, 'p95 (ms)', (p) => p.bookings.latencyMs.p95),
    ),
    cpuFigure(
      'scaling-cpu',
      'Scaling: CPU by party',
      points.map((point) => ({ label: point.configuration.label, cpu: point.bookings.cpu })),
    ),
  ];
}

/** Draws every chart the result files allow; the summary links them. */
export function writeFigures(): FiguresBySection {
  return {
    booking: bookingFigures(),
    scaling: scalingFigures(),
    gateway: sideFigures('gateway', 'Gateway vs direct', readGatewaySides(), 'requests per second (mean)'),
    search: sideFigures('search', 'Search vs baselines', readSearchSides(), 'requests per second'),
  };
}
