/* eslint-disable no-restricted-imports -- not workflow code: the recorder that writes the replay test's histories */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import { reviewScenarios, runReviewScenario, type ReviewScenario } from './review-scenarios';

const HISTORIES_DIR = path.resolve(__dirname, 'histories');

/**
 * Records the review window's histories for replay.test.ts: `node --import tsx
 * workflows/reviews/record-histories.ts [--as <tag>] [scenario...]` (all scenarios when none is named). Keep
 * the files of earlier versions when the workflow changes (and guard the change with patched()), so windows
 * already open stay replayable: `--as <tag>` files the new recordings as `<scenario>.<tag>.json` beside the
 * older ones.
 */
async function main() {
  const args = process.argv.slice(2);
  const tagAt = args.indexOf('--as');
  const suffix = tagAt >= 0 ? `.${args.splice(tagAt, 2)[1]}` : '';
  const only = new Set(args);
  const [env, bundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    bundleWorkflows('@kvartirnsk/workflows/reviews/index'),
  ]);
  try {
    await mkdir(HISTORIES_DIR, { recursive: true });
    for (const scenario of Object.keys(reviewScenarios) as ReviewScenario[]) {
      if (only.size > 0 && !only.has(scenario)) continue;
      const { handle } = await runReviewScenario(env, bundle, scenario);
      const history = await handle.fetchHistory();
      const file = path.join(HISTORIES_DIR, `${scenario}${suffix}.json`);
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
