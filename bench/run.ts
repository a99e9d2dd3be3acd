import { runBookingBenchmark } from './booking';
import { parseBenchOptions } from './cli';
import { runGatewayBenchmark } from './gateway';
import { writeResult } from './results';
import { writeSummary } from './summary';

// `npm run bench`: the booking benchmark, then the gateway benchmark, one after the other so neither
// takes CPU from the other; results in bench/results/<name>.json and bench/results/SUMMARY.md.
// Options: --count N --concurrency C --warmup W (booking), --duration S --connections K (gateway),
// --only booking|gateway.
async function main() {
  const options = parseBenchOptions();
  if (options.only !== 'gateway') {
    console.log(`wrote ${writeResult('booking', await runBookingBenchmark(options))}`);
  }
  if (options.only !== 'booking') {
    console.log(`wrote ${writeResult('gateway', await runGatewayBenchmark(options))}`);
  }
  console.log(`wrote ${writeSummary()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
