import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflows } from '@kvartirnsk/temporal/testing';
import { markersIn, replayHistoriesIn } from '@kvartirnsk/temporal/replay';
import { bookingScenarios } from '@kvartirnsk/workflows/bookings/booking-scenarios';

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

// A booking decides its patches before its first local activity: patched() right after one can read false on
// replay (workflows/bookings/booking-workflow.ts, decidePatches).
it('bookings recorded since patches are decided at the start take one patch, before any local activity', async () => {
  const dir = path.resolve(__dirname, '../workflows/bookings/histories');
  const recent = (await readdir(dir)).filter((file) => file.endsWith('.patches-at-start.json')).sort();
  expect(recent).toEqual(
    Object.keys(bookingScenarios)
      .map((scenario) => `${scenario}.patches-at-start.json`)
      .sort(),
  );

  for (const file of recent) {
    const markers = await markersIn(path.join(dir, file));
    expect([file, markers[0]]).toEqual([file, { kind: 'patch', id: 'patches-decided-at-start' }]);
    expect([file, markers.slice(1).filter((marker) => marker.kind === 'patch')]).toEqual([file, []]);
    expect(markers.filter((marker) => marker.kind === 'local-activity').length).toBeGreaterThanOrEqual(2);
  }
});
