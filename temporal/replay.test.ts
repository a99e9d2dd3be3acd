import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflows } from '@kvartirnsk/temporal/testing';
import { replayHistoriesIn } from '@kvartirnsk/temporal/replay';

// Recorded by temporal/record-histories.ts. A failure here means a change to a workflow would break flows
// already running: guard the change with patched() instead.
describe.each([
  ['bookings', '@kvartirnsk/workflows/bookings/index'],
  ['payments', '@kvartirnsk/workflows/payments/index'],
])('%s workflows', (domain, workflowsModule) => {
  it('replay every recorded history without nondeterminism', async () => {
    const dir = path.resolve(__dirname, '../workflows', domain, 'histories');
    const recorded = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
    const bundle = await bundleWorkflows(workflowsModule);

    const outcomes = await replayHistoriesIn(dir, bundle);

    expect(recorded.length).toBeGreaterThanOrEqual(6);
    expect(outcomes.map((o) => o.file)).toEqual(recorded);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
  });
});
