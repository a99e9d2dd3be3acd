import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { createReviewActivities } from '@kvartirnsk/activities/reviews/activities';
import { NOTIFICATIONS_TASK_QUEUE, type NotifyInput } from '../notifications/contract';
import { recordingNotifier } from '../notifications/recording-notifier';
import {
  DEFAULT_REMINDERS,
  DEFAULT_REVIEW_WINDOW,
  reviewWindowWorkflowId,
  submitGuestReviewUpdate,
  submitHostReviewUpdate,
  type ReviewPublication,
  type ReviewReminder,
  type ReviewWindowInput,
} from './contract';
import { type GuestReview, type HostReview } from './review-schemas';
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
  // The host writes between the two reminders (3 days and 1 day before the close): only the guest hears the
  // second one.
  'host-writes-between-reminders': {
    act: async (handle, env) => {
      await env.sleep('12 days');
      await hostWrites(handle);
    },
  },
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

/** The notification pool standing in: what the window asked it to send, and when in the environment's time. */
function recordingNotifications(env: TestWorkflowEnvironment) {
  const notifier = recordingNotifier();
  const sentAt = new Map<string, number>();
  const notify = async (input: NotifyInput) => {
    const outcome = await notifier.activities.notify(input);
    if (outcome.created) sentAt.set(input.notificationId, await env.currentTimeMs());
    return outcome;
  };
  return {
    activities: { notify },
    /** In the order sent, each with the environment's time it was sent at. */
    sent: () => notifier.sent.map((input) => ({ ...input, sentAt: sentAt.get(input.notificationId)! })),
  };
}

/** A review window on workers with recording activities and notifications; `run` lets the window proceed. */
export async function openReviewWindow(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  input: ReviewWindowInput,
) {
  const recorded = recordingActivities(env);
  const notifications = recordingNotifications(env);
  const [worker, notificationWorker] = await Promise.all([
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: SCENARIO_QUEUE,
      workflowBundle: bundle,
      activities: recorded.activities,
    }),
    // Without a worker on the notifications queue, a pending notification would stop the clock from skipping.
    Worker.create({
      connection: env.nativeConnection,
      taskQueue: NOTIFICATIONS_TASK_QUEUE,
      activities: notifications.activities,
    }),
  ]);
  const startedAt = await env.currentTimeMs();
  const handle = await env.client.workflow.start(reviewWindowWorkflow, {
    workflowId: reviewWindowWorkflowId(input.bookingId),
    taskQueue: SCENARIO_QUEUE,
    args: [input],
  });
  return {
    /** Runs the review and notification workers while `fn` drives the window. */
    run: <T>(fn: () => Promise<T>) => worker.runUntil(notificationWorker.runUntil(fn)),
    handle,
    startedAt,
    reminders: recorded.reminders,
    publications: recorded.publications,
    notifications: notifications.sent,
  };
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
  const { run, handle } = window;
  const result = await run(async () => {
    await scenario.act?.(handle, env);
    return handle.result();
  });
  return { ...window, result };
}
