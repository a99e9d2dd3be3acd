import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { replayHistoriesIn } from '@kvartirnsk/temporal/replay';
import { bundleWorkflows } from '@kvartirnsk/temporal/testing';
import { moderationScenarios } from './moderation-scenarios';

// Recorded by record-histories.ts. A failure here means a change to the workflow would break moderations
// already running: guard the change with patched() instead.
it('replays every recorded moderation history without nondeterminism', async () => {
  const dir = path.resolve(__dirname, 'histories');
  const recorded = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  const bundle = await bundleWorkflows('@kvartirnsk/workflows/moderation/index');

  const outcomes = await replayHistoriesIn(dir, bundle);

  expect(recorded.length).toBeGreaterThanOrEqual(Object.keys(moderationScenarios).length);
  expect(outcomes.map((outcome) => outcome.file)).toEqual(recorded);
  expect(outcomes.filter((outcome) => outcome.error)).toEqual([]);
});
