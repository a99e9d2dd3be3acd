import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { createReviewActivities } from '@kvartirnsk/activities/reviews/activities';
import {
  DEFAULT_REMINDERS,
  DEFAULT_REVIEW_WINDOW,
  reviewWindowWorkflowId,
  submitGuestReviewUpdate,
  submitHostReviewUpdate,
  type GuestReview,
  type HostReview,
  type ReviewPublication,
  type ReviewReminder,
  type ReviewWindowInput,
} from './contract';
import { reviewWindowWorkflow } from './review-window-workflow';

// Test support, not workflow code: the review window's paths driven by recording stand-in activities, shared by
// the workflow tests and by the recorder of the histories that the replay test replays.

type ReviewActivities = ReturnType<typeof createReviewActivities>;
type Handle = Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>;

const SCENARIO_QUEUE = 'reviews-scenarios';

export const GUEST_REVIEW: GuestReview = {
  overall: 5,
  categories: { cleanliness: 5, accuracy: 4, location: 5, communication: 5, checkIn: 4, value: 4 },
  text: 'Чисто, тихо, хозяин на связи',
};
export const HOST_REVIEW: HostReview = { rating: 4, text: 'Аккуратный гость' };

export const scenarioParties = (name: string): Omit<ReviewWindowInput, 'window' | 'remindBefore'> => ({
  bookingId: `scenario-${name}`,
  listingId: 'listing-1',
  guestId: 'guest-1',
  hostId: 'host-1',
});

interface Scenario {
  /** What guest and host do while the window is open; the environment's clock moves only when they sleep. */
  act?: (handle: Handle, env: TestWorkflowEnvironment) => Promise<void>;
}

const guestWrites = (handle: Handle) =>
  handle.executeUpdate(submitGuestReviewUpdate, { args: [{ authorId: 'guest-1', review: GUEST_REVIEW }] });
const hostWrites = (handle: Handle) =>
  handle.executeUpdate(submitHostReviewUpdate, { args: [{ authorId: 'host-1', review: HOST_REVIEW }] });

export const reviewScenarios = {
  'both-reviewed': {
    act: async (handle, env) => {
      await env.sleep('1 day');
      await guestWrites(handle);
      await env.sleep('2 days');
      await hostWrites(handle);
    },
  },
  'guest-only': {
    act: async (handle, env) => {
      await env.sleep('2 days');
      await guestWrites(handle);
    },
  },
  'none-reviewed': {},
} satisfies Record<string, Scenario>;

export type ReviewScenario = keyof typeof reviewScenarios;

/** Stand-in activities that record what the workflow asked for, and when in the environment's time. */
function recordingActivities(env: TestWorkflowEnvironment) {
  const reminders: Array<ReviewReminder & { sentAt: number }> = [];
  const publications: Array<ReviewPublication & { at: number }> = [];
  const activities: ReviewActivities = {
    async publishReviews(publication) {
      publications.push({ ...publication, at: await env.currentTimeMs() });
    },
    async remindReviewer(reminder) {
      reminders.push({ ...reminder, sentAt: await env.currentTimeMs() });
    },
  };
  return { activities, reminders, publications };
}

/** A review window on a worker with recording activities; run the worker to let the window proceed. */
export async function openReviewWindow(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  input: ReviewWindowInput,
) {
  const recorded = recordingActivities(env);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: SCENARIO_QUEUE,
    workflowBundle: bundle,
    activities: recorded.activities,
  });
  const startedAt = await env.currentTimeMs();
  const handle = await env.client.workflow.start(reviewWindowWorkflow, {
    workflowId: reviewWindowWorkflowId(input.bookingId),
    taskQueue: SCENARIO_QUEUE,
    args: [input],
  });
  return { worker, handle, startedAt, reminders: recorded.reminders, publications: recorded.publications };
}

/** Runs one scenario to the window's end: a 14-day window with the default reminders. */
export async function runReviewScenario(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  name: ReviewScenario,
) {
  const scenario: Scenario = reviewScenarios[name];
  const window = await openReviewWindow(env, bundle, {
    ...scenarioParties(name),
    window: DEFAULT_REVIEW_WINDOW,
    remindBefore: DEFAULT_REMINDERS,
  });
  const { worker, handle } = window;
  const result = await worker.runUntil(async () => {
    await scenario.act?.(handle, env);
    return handle.result();
  });
  return { ...window, result };
}
