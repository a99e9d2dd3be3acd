import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ListingActivities } from '@kvartirnsk/activities/listings/activities';
import { ModerationStatusKey } from '@kvartirnsk/temporal/search-attributes';
import { ADMINS_AUDIENCE, type ListingNotice } from '../notifications/contract';
import { notifyQuietly } from '../notifications/notify';
import {
  approveUpdate,
  type ModerationDecision,
  ModerationFailureType,
  type ModerationInput,
  type ModerationPolicy,
  type ModerationState,
  moderationStateQuery,
  type ModerationStatus,
  type ModerationVerdict,
  rejectUpdate,
  REVIEWABLE_STATUSES,
  supersedeSignal,
} from './contract';

/** Database steps and the city lookup are idempotent; they retry until they succeed. */
const databaseStep = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
} as const;

const listings = proxyActivities<ListingActivities>(databaseStep);

const FINAL_STATUSES: readonly ModerationStatus[] = ['approved', 'rejected', 'superseded'];

function autoPublishes(policy: ModerationPolicy, hostTrusted: boolean): boolean {
  return policy.autoPublish === 'all' || (policy.autoPublish === 'trusted_hosts' && hostTrusted);
}

/**
 * Moderates one content revision of a listing: automated checks, then publication straight away when they
 * all pass and the policy trusts the host, otherwise an admin's approve or reject Update. If no admin acts
 * within `escalateAfter`, admins are alerted once and the revision keeps waiting. A newer revision of the
 * listing supersedes this one at any point. Until a revision is approved, guests keep seeing the one
 * published before it (if any); a rejection leaves that one published.
 */
export async function listingModerationWorkflow(input: ModerationInput): Promise<ModerationState> {
  const { listingId, contentRevision, policy } = input;
  const ref = { listingId, contentRevision };
  const state: ModerationState = {
    listingId,
    hostId: input.hostId,
    contentRevision,
    status: 'checking',
    failures: [],
    history: [],
  };
  let adminAnswer: { approved: boolean; decision: ModerationDecision } | undefined;
  let superseded = false;

  const advance = (status: ModerationStatus, detail?: string) => {
    state.status = status;
    state.history.push({ status, at: new Date().toISOString(), ...(detail ? { detail } : {}) });
    upsertSearchAttributes([{ key: ModerationStatusKey, value: status }]);
  };
  const finish = (status: ModerationStatus, detail?: string) => {
    advance(status, detail);
    return state;
  };
  const notice = (reason?: string): ListingNotice => ({ ...ref, ...(reason ? { reason } : {}) });
  /**
   * The verdict is final before the host is told, so an admin's Update returns without waiting for the
   * notification. Moderations recorded before notifications existed replay without them (patched).
   */
  const finishTellingHost = async (status: 'approved' | 'rejected', reason?: string) => {
    finish(status, reason);
    if (patched('notifications')) {
      await notifyQuietly(input.hostId, {
        kind: status === 'approved' ? 'listing_approved' : 'listing_rejected',
        data: notice(reason),
      });
    }
    return state;
  };

  setHandler(moderationStateQuery, () => state);
  setHandler(supersedeSignal, () => {
    superseded = true;
  });
  for (const [update, approved] of [
    [approveUpdate, true],
    [rejectUpdate, false],
  ] as const) {
    setHandler(
      update,
      async (decision: ModerationDecision) => {
        adminAnswer ??= { approved, decision };
        await condition(() => FINAL_STATUSES.includes(state.status));
        return state;
      },
      {
        validator: (decision: ModerationDecision) => {
          if (!REVIEWABLE_STATUSES.includes(state.status) || adminAnswer) {
            throw ApplicationFailure.create({
              type: ModerationFailureType.NOT_AWAITING_REVIEW,
              message: `Revision ${contentRevision} is ${state.status}, not awaiting review`,
              nonRetryable: true,
            });
          }
          if (!approved && !decision.reason?.trim()) {
            throw ApplicationFailure.create({
              type: ModerationFailureType.REASON_REQUIRED,
              message: 'A rejection needs a reason the host can act on',
              nonRetryable: true,
            });
          }
        },
      },
    );
  }

  advance('checking');
  const report = await listings.checkListing(ref);
  if (report === 'superseded' || superseded) return finish('superseded');
  state.failures = report.failures;

  if (report.failures.length === 0 && autoPublishes(policy, report.hostTrusted)) {
    state.verdict = { by: 'auto' };
    const outcome = await listings.publishRevision({ ...ref, verdict: state.verdict });
    return outcome === 'published' ? finishTellingHost('approved') : finish('superseded');
  }

  // Admins see the revision awaiting review as soon as recordModeration writes it, and may decide before this
  // workflow has heard the activity finish; so it takes decisions from before the write. Moderations recorded
  // before this order replay the old one (patched).
  const openForReviewFirst = patched('awaiting-review-before-recorded');
  const awaitReview = () => advance('awaiting_review', `${state.failures.length} automated checks failed`);
  if (openForReviewFirst) awaitReview();
  if (
    (await listings.recordModeration({ ...ref, status: 'awaiting_review', failures: state.failures })) ===
    'superseded'
  ) {
    return finish('superseded');
  }
  if (!openForReviewFirst) awaitReview();
  const settled = () => adminAnswer !== undefined || superseded;
  if (!(await condition(settled, policy.escalateAfter))) {
    if ((await listings.escalate(ref)) === 'superseded') return finish('superseded');
    advance('escalated');
    // Not awaited: an admin's answer must not wait for the alert, which is moot once someone has decided.
    if (patched('notifications')) {
      void notifyQuietly(ADMINS_AUDIENCE, { kind: 'listing_escalated', data: notice() });
    }
    await condition(settled);
  }
  if (superseded || !adminAnswer) return finish('superseded');

  const { approved, decision } = adminAnswer;
  const verdict: ModerationVerdict = { by: 'admin', adminId: decision.adminId, reason: decision.reason };
  state.verdict = verdict;
  const outcome = approved
    ? await listings.publishRevision({ ...ref, verdict })
    : await listings.recordModeration({ ...ref, status: 'rejected', failures: state.failures, verdict });
  if (outcome === 'superseded') return finish('superseded');
  return finishTellingHost(approved ? 'approved' : 'rejected', decision.reason);
}
