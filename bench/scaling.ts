import { BENCH_NAMESPACE, type BookingPhase, openBookingRig, WORKER_GROUPS } from './booking';
import { type BenchOptions, parseBenchOptions } from './cli';
import { type MachineInfo, machineInfo, writeResult } from './results';

// The scaling curve of issue 11: booking throughput (bookings/s to `confirmed`) and latency with 1, 2 and 4
// booking-worker processes, then with the payment pool made the bottleneck, measured like the booking
// benchmark (through the bookings API, timed to the confirmed row), with the CPU of every party, so the
// summary can say where throughput stops growing and what is busy then.

export interface ScalingConfiguration {
  label: string;
  bookingWorkers: number;
  paymentWorkers: number;
  /** Sizing of the payment processes (workers/run-worker.ts settings); their defaults when absent. */
  paymentSizing?: Record<string, string>;
}

/** One payment process with a single activity slot: authorizations and captures queue up behind it. */
export const PAYMENT_BOTTLENECK = {
  WORKER_MAX_CONCURRENT_ACTIVITIES: '1',
  // The smallest number the SDK accepts with a sticky cache (one slot for the sticky queue, one for the normal).
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '2',
};

export const SCALING_CONFIGURATIONS: readonly ScalingConfiguration[] = [
  { label: '1 booking worker', bookingWorkers: 1, paymentWorkers: 1 },
  { label: '2 booking workers', bookingWorkers: 2, paymentWorkers: 1 },
  { label: '4 booking workers', bookingWorkers: 4, paymentWorkers: 1 },
  {
    label: '4 booking workers, payment pool throttled',
    bookingWorkers: 4,
    paymentWorkers: 1,
    paymentSizing: PAYMENT_BOTTLENECK,
  },
];

export interface ScalingPoint {
  configuration: ScalingConfiguration;
  bookings: BookingPhase;
}

export interface ScalingBenchResult {
  name: 'scaling';
  machine: MachineInfo;
  parameters: { count: number; concurrency: number; warmup: number; namespace: string };
  points: ScalingPoint[];
  errors: string[];
}

export async function runScalingBenchmark(
  options: Pick<BenchOptions, 'bookings' | 'concurrency' | 'warmup'>,
): Promise<ScalingBenchResult> {
  const { bookings: count, concurrency, warmup } = options;
  console.log(`scaling benchmark: setting up (namespace ${BENCH_NAMESPACE}, databases)`);
  const rig = await openBookingRig('scaling benchmark');
  try {
    const points: ScalingPoint[] = [];
    const errors: string[] = [];
    // Each configuration books dates of its own: the index runs on across configurations.
    let next = 0;
    let paymentSizing: Record<string, string> | undefined;
    for (const configuration of SCALING_CONFIGURATIONS) {
      console.log(`scaling benchmark: ${configuration.label}`);
      // Processes are added (or the payment pool replaced) rather than all restarted: bundling workflows at
      // start-up is slow, and a configuration's warm-up warms whatever is new.
      if (configuration.paymentSizing !== paymentSizing) {
        await rig.workers.stop(WORKER_GROUPS.payment);
        paymentSizing = configuration.paymentSizing;
      }
      await Promise.all([
        rig.workers.start(
          WORKER_GROUPS.booking,
          'booking',
          configuration.bookingWorkers - rig.workers.count(WORKER_GROUPS.booking),
        ),
        rig.workers.start(
          WORKER_GROUPS.payment,
          'payment',
          configuration.paymentWorkers - rig.workers.count(WORKER_GROUPS.payment),
          paymentSizing,
        ),
      ]);
      await rig.measureBookings(`warm-up ${configuration.label}`, next, next + warmup, {
        inFlight: concurrency,
      });
      rig.errors.length = 0;
      const bookings = await rig.measureBookings(configuration.label, next + warmup, next + warmup + count, {
        inFlight: concurrency,
      });
      next += warmup + count;
      errors.push(...rig.errors);
      points.push({ configuration, bookings });
    }
    return {
      name: 'scaling',
      machine: machineInfo(),
      parameters: { count, concurrency, warmup, namespace: BENCH_NAMESPACE },
      points,
      errors,
    };
  } finally {
    await rig.close();
  }
}

if (require.main === module) {
  runScalingBenchmark(parseBenchOptions())
    .then((result) => console.log(`wrote ${writeResult('scaling', result)}`))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
