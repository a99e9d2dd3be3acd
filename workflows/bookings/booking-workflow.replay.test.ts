import path from 'node:path';
import { bundleWorkflows } from '@kvartirnsk/temporal/testing';
import { replayHistoriesIn } from '@kvartirnsk/temporal/replay';

// Recorded by temporal/record-histories.ts. A failure here means a change to the workflow would break
// bookings already running: guard the change with patched() instead.
it('replays every recorded booking history without nondeterminism', async () => {
  const bundle = await bundleWorkflows('@kvartirnsk/workflows/bookings/index');

  const outcomes = await replayHistoriesIn(path.join(__dirname, 'histories'), bundle);

  expect(outcomes.map((o) => o.file)).toEqual([
    'capture-rejected.json',
    'card-declined.json',
    'dates-unavailable.json',
    'instant-book-completed.json',
  ]);
  expect(outcomes.filter((o) => o.error)).toEqual([]);
});
