import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import {
  ReviewFailureType,
  reviewWindowStateQuery,
  reviewWindowWorkflowId,
  submitGuestReviewUpdate,
  submitHostReviewUpdate,
} from './contract';
import type { NotifyInput } from '../notifications/contract';
import {
  GUEST_REVIEW,
  HOST_REVIEW,
  openReviewWindow,
  runReviewScenario,
  scenarioParties,
} from './review-scenarios';

const DAY_MS = 86_400_000;
/** Days between two instants, to the quarter hour: the test's own steps take real milliseconds. */
const daysBetween = (from: number | string, to: number | string) =>
  Math.round(
    ((typeof to === 'string' ? Date.parse(to) : to) - (typeof from === 'string' ? Date.parse(from) : from)) /
      (DAY_MS / 96),
  ) / 96;

/** Who heard what, and on which day of the window; ordered, as notifications due together go out at once. */
const timeline = (startedAt: number, sent: Array<NotifyInput & { sentAt: number }>) =>
  sent
    .map((n) => [daysBetween(startedAt, n.sentAt), n.kind, n.userId] as const)
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]));

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([
    createTimeSkippingEnvironment(),
    bundleWorkflows('@kvartirnsk/workflows/reviews/index'),
  ]);
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

/** The business failure type a rejected Update carries. */
async function rejectionOf(update: Promise<unknown>): Promise<string | undefined> {
  const err: unknown = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as Error).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return (cause as ApplicationFailure).type ?? undefined;
}

describe('reviewWindowWorkflow', () => {
  it('publishes both reviews at once as soon as the second side writes, without reminders', async () => {
    const { result, startedAt, publications, reminders } = await runReviewScenario(
      env,
      bundle,
      'both-reviewed',
    );

    expect(publications).toHaveLength(1);
    const [publication] = publications;
    expect(publication).toMatchObject({
      ...scenarioParties('both-reviewed'),
      guestReview: GUEST_REVIEW,
      hostReview: HOST_REVIEW,
    });
    expect(daysBetween(startedAt, publication!.guestReview!.submittedAt)).toBe(1);
    // Published when the host wrote on day 3, not at the end of the 14-day window.
    expect(daysBetween(startedAt, publication!.hostReview!.submittedAt)).toBe(3);
    expect(publication!.publishedAt).toBe(publication!.hostReview!.submittedAt);
    expect(reminders).toEqual([]);
    expect(result).toMatchObject({ status: 'closed', publishedAt: publication!.publishedAt, reminders: [] });
  });

  it('publishes a lone review when the window closes, after reminding the side that did not write', async () => {
    const { result, startedAt, publications, reminders } = await runReviewScenario(env, bundle, 'guest-only');

    // Reminders 3 days and 1 day before the 14-day window closes, only to the host.
    expect(reminders.map((r) => [r.side, r.recipientId, daysBetween(startedAt, r.sentAt)])).toEqual([
      ['host', 'host-1', 11],
      ['host', 'host-1', 13],
    ]);
    expect(reminders.map((r) => daysBetween(result.opensAt, r.dueAt))).toEqual([11, 13]);
    expect(daysBetween(result.opensAt, result.closesAt)).toBe(14);
    expect(reminders[0]?.closesAt).toBe(result.closesAt);
    expect(publications).toHaveLength(1);
    expect(daysBetween(result.closesAt, publications[0]!.publishedAt)).toBe(0);
    expect(publications[0]?.guestReview).toMatchObject(GUEST_REVIEW);
    expect(publications[0]?.hostReview).toBeUndefined();
    expect(result.status).toBe('closed');
  });

  it('reminds both sides when neither writes, and publishes nothing', async () => {
    const { result, startedAt, publications, reminders } = await runReviewScenario(
      env,
      bundle,
      'none-reviewed',
    );

    expect(reminders.map((r) => [r.side, daysBetween(startedAt, r.sentAt)])).toEqual([
      ['guest', 11],
      ['host', 11],
      ['guest', 13],
      ['host', 13],
    ]);
    expect(publications).toEqual([]);
    expect(result).toMatchObject({ status: 'closed', reminders: expect.any(Array) });
    expect(result.publishedAt).toBeUndefined();
  });

  it('takes the window length and reminders from its input, skipping a reminder the window is too short for', async () => {
    const { run, handle, startedAt, reminders, publications, notifications } = await openReviewWindow(
      env,
      bundle,
      { ...scenarioParties('short-window'), window: '2 days', remindBefore: ['3 days', '1 day'] },
    );

    await run(() => handle.result());

    expect(reminders.map((r) => [r.side, daysBetween(startedAt, r.sentAt)])).toEqual([
      ['guest', 1],
      ['host', 1],
    ]);
    expect(timeline(startedAt, notifications())).toEqual([
      [0, 'review_window_open', 'guest-1'],
      [0, 'review_window_open', 'host-1'],
      [1, 'review_window_closing', 'guest-1'],
      [1, 'review_window_closing', 'host-1'],
    ]);
    expect(publications).toEqual([]);
  });

  it('refuses a second review from the same side, a review by someone else and a malformed one', async () => {
    const { run, handle } = await openReviewWindow(env, bundle, {
      ...scenarioParties('refusals'),
      window: '14 days',
      remindBefore: [],
    });

    await run(async () => {
      const receipt = await handle.executeUpdate(submitGuestReviewUpdate, {
        args: [{ authorId: 'guest-1', review: GUEST_REVIEW }],
      });
      expect(receipt).toMatchObject({ side: 'guest', publishing: false });

      await expect(
        rejectionOf(
          handle.executeUpdate(submitGuestReviewUpdate, {
            args: [{ authorId: 'guest-1', review: { ...GUEST_REVIEW, text: 'Передумал' } }],
          }),
        ),
      ).resolves.toBe(ReviewFailureType.ALREADY_REVIEWED);
      await expect(
        rejectionOf(
          handle.executeUpdate(submitHostReviewUpdate, {
            args: [{ authorId: 'guest-1', review: HOST_REVIEW }],
          }),
        ),
      ).resolves.toBe(ReviewFailureType.NOT_A_PARTY);
      await expect(
        rejectionOf(
          handle.executeUpdate(submitHostReviewUpdate, {
            args: [{ authorId: 'host-1', review: { rating: 6, text: '' } }],
          }),
        ),
      ).resolves.toBe(ReviewFailureType.INVALID_REVIEW);

      // The first review stands, unchanged; the host may still write.
      const state = await handle.query(reviewWindowStateQuery);
      expect(state).toMatchObject({ status: 'open', guestReview: GUEST_REVIEW });
      expect(state.hostReview).toBeUndefined();
      await handle.terminate('test finished');
    });
  });
});

describe('reviewWindowWorkflow notifications', () => {
  it('tells guest and host when the window opens, with the booking and its deadline', async () => {
    const { result, startedAt, notifications } = await runReviewScenario(env, bundle, 'both-reviewed');

    const sent = notifications();
    // Both wrote by day 3, long before the first reminder: nobody is told the window is closing.
    expect(timeline(startedAt, sent)).toEqual([
      [0, 'review_window_open', 'guest-1'],
      [0, 'review_window_open', 'host-1'],
    ]);
    const { bookingId, listingId } = scenarioParties('both-reviewed');
    for (const party of ['guest-1', 'host-1']) {
      expect(sent).toContainEqual(
        expect.objectContaining({
          notificationId: `${reviewWindowWorkflowId(bookingId)}:review_window_open:${party}`,
          userId: party,
          kind: 'review_window_open',
          data: { bookingId, listingId, closesAt: result.closesAt },
        }),
      );
    }
  });

  it('reminds, before each reminder time, only a side that has not written yet', async () => {
    const between = await runReviewScenario(env, bundle, 'host-writes-between-reminders');
    const guestOnly = await runReviewScenario(env, bundle, 'guest-only');

    // The host wrote on day 12: reminded on day 11 with the guest, not on day 13.
    expect(timeline(between.startedAt, between.notifications())).toEqual([
      [0, 'review_window_open', 'guest-1'],
      [0, 'review_window_open', 'host-1'],
      [11, 'review_window_closing', 'guest-1'],
      [11, 'review_window_closing', 'host-1'],
      [13, 'review_window_closing', 'guest-1'],
    ]);
    expect(between.publications).toHaveLength(1);
    expect(between.publications[0]?.hostReview).toMatchObject(HOST_REVIEW);
    // The guest wrote on day 2: only the host is reminded, once per reminder time, each kept apart by its due time.
    expect(timeline(guestOnly.startedAt, guestOnly.notifications())).toEqual([
      [0, 'review_window_open', 'guest-1'],
      [0, 'review_window_open', 'host-1'],
      [11, 'review_window_closing', 'host-1'],
      [13, 'review_window_closing', 'host-1'],
    ]);
    const closing = guestOnly.notifications().filter((n) => n.kind === 'review_window_closing');
    expect(closing.map((n) => n.notificationId)).toEqual(
      guestOnly.reminders.map(
        (r) => `${reviewWindowWorkflowId(r.bookingId)}:review_window_closing:host-1:${r.dueAt}`,
      ),
    );
    expect(closing.map((n) => n.data)).toEqual(
      closing.map(() => ({
        bookingId: guestOnly.result.bookingId,
        listingId: 'listing-1',
        closesAt: guestOnly.result.closesAt,
      })),
    );
  });

  it('sends the closing reminder at the lead time the window is given', async () => {
    const { run, handle, startedAt, notifications } = await openReviewWindow(env, bundle, {
      ...scenarioParties('two-days-notice'),
      window: '14 days',
      remindBefore: ['2 days'],
    });

    await run(() => handle.result());

    expect(
      timeline(startedAt, notifications()).filter(([, kind]) => kind === 'review_window_closing'),
    ).toEqual([
      [12, 'review_window_closing', 'guest-1'],
      [12, 'review_window_closing', 'host-1'],
    ]);
  });
});
