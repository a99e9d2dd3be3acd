import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { connectTestClient } from '@kvartirnsk/temporal/testing';
import { ProblemError } from './problem';
import { callWithinDeadline } from './temporal';

let temporal: Client;
beforeAll(async () => {
  temporal = await connectTestClient();
});
afterAll(() => temporal.connection.close());

// How a missed deadline reaches the client is a race between its timer and the server's: now and then (about
// one call in a hundred here) the server resets the stream first. Hundreds of calls make that race happen.
it('answers every call that misses its deadline with a 503, whichever side gave up first', async () => {
  const taskQueue = `nobody-polls-${randomUUID()}`;
  const calls = 400;
  const lanes = 8;
  const outcomes = new Map<string, number>();
  const record = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let call = lane; call < calls; call += lanes) {
        await callWithinDeadline(
          temporal,
          { deadlineMs: 20 + (call % 10) * 20, unavailable: 'Try again' },
          () =>
            temporal.workflow.execute('aWorkflowNoWorkerRuns', {
              workflowId: `missed-deadline-${randomUUID()}`,
              taskQueue,
              // Nobody will run them; the server closes them soon after.
              workflowExecutionTimeout: '10 seconds',
            }),
        ).then(
          () => record('answered'),
          (err: unknown) =>
            record(err instanceof ProblemError ? `status ${err.problem.status}` : String(err)),
        );
      }
    }),
  );

  expect(Object.fromEntries(outcomes)).toEqual({ 'status 503': calls });
}, 60_000);
