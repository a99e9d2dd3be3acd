import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runChaos } from './chaos/harness';
import { parseChaosOptions } from './chaos/options';
import { chaosSummary } from './chaos/report';
import { RESULTS_DIR, writeResult } from './results';

// `node --import tsx bench/chaos.ts --bookings 1000 [--no-restart-servers]`: the chaos run against the local
// stack, in the bench namespace with databases, fault proxy, worker and consumer processes of its own. It
// restarts Postgres and the Temporal dev server once each unless told not to: run it on a machine nobody else
// is using. Results in bench/results/chaos.json and bench/results/CHAOS.md; exits non-zero when an invariant
// does not hold.
async function main() {
  const options = parseChaosOptions();
  const result = await runChaos(options);
  console.log(`wrote ${writeResult('chaos', result)}`);
  const summary = path.join(RESULTS_DIR, 'CHAOS.md');
  writeFileSync(summary, chaosSummary(result));
  console.log(`wrote ${summary}`);
  for (const invariant of result.invariants) {
    console.log(
      `${invariant.ok ? 'ok  ' : 'FAIL'} ${invariant.name}: ${invariant.violations} violations of ${invariant.checked}`,
    );
    for (const example of invariant.ok ? [] : invariant.examples) console.log(`       ${example}`);
  }
  if (!result.ok) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
