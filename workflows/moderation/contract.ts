import type { Duration } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** The moderation domain's contract: imported by its workflow, its worker and the listings API. */
export const MODERATION_TASK_QUEUE = 'moderation';

const WORKFLOW_ID_PREFIX = 'listing-moderation:';

/**
 * One workflow per content revision of a listing: a retried save of the same revision finds the same flow,
 * and a newer revision gets its own.
 */
export function moderationWorkflowId(listingId: string, contentRevision: number): string {
  return `${WORKFLOW_ID_PREFIX}${listingId}:${contentRevision}`;
}

export function parseModerationWorkflowId(
  workflowId: string,
): { listingId: string; contentRevision: number } | undefined {
  if (!workflowId.startsWith(WORKFLOW_ID_PREFIX)) return undefined;
  const rest = workflowId.slice(WORKFLOW_ID_PREFIX.length);
  const separator = rest.lastIndexOf(':');
  const contentRevision = Number(rest.slice(separator + 1));
  if (separator <= 0 || !Number.isSafeInteger(contentRevision)) return undefined;
  return { listingId: rest.slice(0, separator), contentRevision };
}

/**
 * When a listing is published without an admin once every automated check passed: `trusted_hosts` for hosts
 * who already have a published listing (they passed a review before), `all` for everyone, `never` to review
 * every revision by hand.
 */
export const AUTO_PUBLISH_POLICIES = ['trusted_hosts', 'all', 'never'] as const;
export type AutoPublishPolicy = (typeof AUTO_PUBLISH_POLICIES)[number];

/** Platform settings fixed for the life of one moderation when it starts. */
export interface ModerationPolicy {
  autoPublish: AutoPublishPolicy;
  /** How long a listing may wait for an admin before admins are alerted (it keeps waiting afterwards). */
  escalateAfter: Duration;
}

export interface ModerationInput {
  listingId: string;
  hostId: string;
  contentRevision: number;
  policy: ModerationPolicy;
}

export const CHECK_NAMES = [
  'required_fields',
  'price_sanity',
  'location_in_city',
  'banned_words',
  'contact_details',
  'photos',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** One automated check a listing failed, in words a host can act on. */
export interface CheckFailure {
  check: CheckName;
  field: string;
  message: string;
}

export interface CheckReport {
  failures: CheckFailure[];
  /** The host already has a published listing. */
  hostTrusted: boolean;
}

export const MODERATION_STATUSES = [
  'checking',
  'awaiting_review',
  /** Still awaiting review, and admins were alerted that it waits too long. */
  'escalated',
  'approved',
  'rejected',
  /** A newer revision of the listing is being moderated instead. */
  'superseded',
] as const;
export type ModerationStatus = (typeof MODERATION_STATUSES)[number];

export const REVIEWABLE_STATUSES: readonly ModerationStatus[] = ['awaiting_review', 'escalated'];

export interface ModerationDecision {
  adminId: string;
  /** Required to reject: the host reads it. */
  reason?: string;
}

/** Who let a revision through or turned it down, and why. */
export interface ModerationVerdict {
  by: 'auto' | 'admin';
  adminId?: string;
  reason?: string;
}

export interface ModerationStep {
  status: ModerationStatus;
  at: string;
  detail?: string;
}

export interface ModerationState {
  listingId: string;
  hostId: string;
  contentRevision: number;
  status: ModerationStatus;
  failures: CheckFailure[];
  verdict?: ModerationVerdict;
  history: ModerationStep[];
}

export const moderationStateQuery = defineQuery<ModerationState>('moderationState');
export const approveUpdate = defineUpdate<ModerationState, [ModerationDecision]>('approve');
export const rejectUpdate = defineUpdate<ModerationState, [ModerationDecision]>('reject');
/** A newer content revision started its own moderation; this one stops waiting. */
export const supersedeSignal = defineSignal<[number]>('supersede');

/** Business failures of the moderation updates: non-retryable, the API turns them into 409s. */
export const ModerationFailureType = {
  /** Approve or reject when the revision is not waiting for an admin. */
  NOT_AWAITING_REVIEW: 'NotAwaitingReview',
  REASON_REQUIRED: 'RejectionReasonRequired',
} as const;
export type ModerationFailureType = (typeof ModerationFailureType)[keyof typeof ModerationFailureType];
