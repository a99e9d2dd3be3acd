import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import {
  bookingScenarios,
  runBookingScenario,
  type BookingScenario,
} from '@kvartirnsk/workflows/bookings/booking-scenarios';
import { bundleWorkflows, createTimeSkippingEnvironment } from './testing';

/**
 * Records the booking flow's histories for the replay test. Run it when a deliberate workflow change makes
 * new histories worth keeping; keep the old files too, so running workflows stay replayable.
 */
async function main() {
  const outDir = path.resolve(__dirname, '../workflows/bookings/histories');
  await mkdir(outDir, { recursive: true });
  const [env, bundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    bundleWorkflows('@kvartirnsk/workflows/bookings/index'),
  ]);
  try {
    for (const scenario of Object.keys(bookingScenarios) as BookingScenario[]) {
      const { handle } = await runBookingScenario(env, bundle, scenario);
      const history = await handle.fetchHistory();
      const file = path.join(outDir, `${scenario}.json`);
      // The same proto-JSON as `temporal workflow show --output json` and the Web UI's download.
      await writeFile(file, JSON.stringify(JSON.parse(historyToJSON(history)), null, 2) + '\n');
      console.log(`recorded ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
