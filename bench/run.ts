import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBookingBenchmark } from './booking';
import { type Benchmark, parseBenchOptions } from './cli';
import { runChaos } from './chaos/harness';
import { fullRunOptions } from './chaos/options';
import { chaosSummary } from './chaos/report';
import { finished, runEnvironment } from './environment';
import { runGatewayBenchmark } from './gateway';
import { RESULTS_DIR, writeResult } from './results';
import { runScalingBenchmark } from './scaling';
import { runSearchBenchmark, searchSummary } from './search';
import { writeSummary } from './summary';

// `npm run bench`: the booking, scaling, gateway and search benchmarks, one after the other so none takes CPU
// from another; results in bench/results/<name>.json, the machine and versions in environment.json, charts in
// bench/results/charts/, and bench/results/SUMMARY.md (plus SEARCH.md) linking them.
// Options: --bookings N --concurrency C --warmup W (booking and scaling), --duration S --connections K
// (gateway), --only booking|scaling|gateway|search; --only chaos runs the chaos harness (long, and it needs the
// bench namespace to itself), which `npm run bench:chaos` also runs.
async function main() {
  const options = parseBenchOptions();
  if (options.only === 'chaos') {
    const result = await runChaos(fullRunOptions());
    console.log(`wrote ${writeResult('chaos', result)}`);
    writeFileSync(path.join(RESULTS_DIR, 'CHAOS.md'), chaosSummary(result));
    if (!result.ok) process.exitCode = 1;
    return;
  }
  const wanted = (name: Benchmark) => options.only === undefined || options.only === name;
  const environment = await runEnvironment();
  writeResult('environment', environment);
  if (wanted('booking')) {
    console.log(`wrote ${writeResult('booking', await runBookingBenchmark(options))}`);
  }
  if (wanted('scaling')) {
    console.log(`wrote ${writeResult('scaling', await runScalingBenchmark(options))}`);
  }
  if (wanted('gateway')) {
    console.log(`wrote ${writeResult('gateway', await runGatewayBenchmark(options))}`);
  }
  if (wanted('search')) {
    const result = await runSearchBenchmark({
      listings: 100_000,
      requests: 2000,
      concurrency: 4,
      warmup: 200,
      seed: 42,
    });
    console.log(`wrote ${writeResult('search', result)}`);
    writeFileSync(path.join(RESULTS_DIR, 'SEARCH.md'), searchSummary(result));
  }
  console.log(`wrote ${writeResult('environment', finished(environment))}`);
  console.log(`wrote ${writeSummary()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
