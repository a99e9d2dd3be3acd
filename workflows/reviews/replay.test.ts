import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { markersIn, replayHistoriesIn } from '@kvartirnsk/temporal/replay';
import { bundleWorkflows } from '@kvartirnsk/temporal/testing';
import { reviewScenarios } from './review-scenarios';

const HISTORIES_DIR = path.resolve(__dirname, 'histories');
/** Recordings made since the window notifies its parties (`record-histories.ts --as notifications`). */
const NOTIFYING = '.notifications.json';
/** Windows opened before notifications: the versions a deployment must still replay. */
const BEFORE_NOTIFICATIONS = ['both-reviewed', 'guest-only', 'none-reviewed'];

/** The patch ids a recorded history's workflow took (patched() returned true). */
async function patchesIn(file: string): Promise<string[]> {
  return (await markersIn(path.join(HISTORIES_DIR, file))).flatMap((marker) =>
    marker.kind === 'patch' ? [marker.id] : [],
  );
}

// Recorded by workflows/reviews/record-histories.ts. A failure here means a change to the review window would
// break windows already open: guard the change with patched() instead.
it('replays every recorded review window history, from before and since notifications, without nondeterminism', async () => {
  const recorded = (await readdir(HISTORIES_DIR)).filter((file) => file.endsWith('.json')).sort();
  const bundle = await bundleWorkflows('@kvartirnsk/workflows/reviews/index');

  const outcomes = await replayHistoriesIn(HISTORIES_DIR, bundle);

  expect(outcomes.map((o) => o.file)).toEqual(recorded);
  expect(outcomes.filter((o) => o.error)).toEqual([]);
  // Both versions are among them: every scenario as the window runs now, and the windows opened before it
  // notified, which took no patch.
  expect(recorded).toEqual(
    expect.arrayContaining([
      ...Object.keys(reviewScenarios).map((scenario) => scenario + NOTIFYING),
      ...BEFORE_NOTIFICATIONS.map((scenario) => `${scenario}.json`),
    ]),
  );
  for (const file of recorded) {
    expect([file, await patchesIn(file)]).toEqual([
      file,
      file.endsWith(NOTIFYING) ? ['review-window-notifications'] : [],
    ]);
  }
});
