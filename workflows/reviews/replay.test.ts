import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { replayHistoriesIn } from '@kvartirnsk/temporal/replay';
import { bundleWorkflows } from '@kvartirnsk/temporal/testing';
import { reviewScenarios } from './review-scenarios';

// Recorded by workflows/reviews/record-histories.ts. A failure here means a change to the review window would
// break windows already open: guard the change with patched() instead.
it('replays every recorded review window history without nondeterminism', async () => {
  const dir = path.resolve(__dirname, 'histories');
  const recorded = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  const bundle = await bundleWorkflows('@kvartirnsk/workflows/reviews/index');

  const outcomes = await replayHistoriesIn(dir, bundle);

  expect(recorded.length).toBeGreaterThanOrEqual(Object.keys(reviewScenarios).length);
  expect(outcomes.map((o) => o.file)).toEqual(recorded);
  expect(outcomes.filter((o) => o.error)).toEqual([]);
});
