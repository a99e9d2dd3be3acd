import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToDate, requiredTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { Money } from '@kvartirnsk/lib/money';
import type { createPaymentActivities } from './activities';
import type { LedgerTransactionKind } from './schema';

/** Recording a host's view of their payout is the one payment activity that moves no money. */
type PaymentActivityName = Exclude<keyof ReturnType<typeof createPaymentActivities>, 'recordPayout'>;

/**
 * Every other payment activity moves money and posts one ledger transaction of this kind under the key
 * `<workflow id>:<activity id>`; a completed activity in a history is therefore a movement the ledger must have,
 * of the amount in this field of the activity's input.
 */
export const MONEY_MOVING_ACTIVITIES: Record<
  PaymentActivityName,
  { movement: LedgerTransactionKind; amountField: 'amount' | 'earned' | 'hostShare' }
> = {
  authorizePayment: { movement: 'authorization', amountField: 'amount' },
  capturePayment: { movement: 'capture', amountField: 'amount' },
  voidAuthorization: { movement: 'void', amountField: 'amount' },
  refundPayment: { movement: 'refund', amountField: 'amount' },
  recognizeEarnings: { movement: 'earning', amountField: 'earned' },
  transferToHost: { movement: 'payout', amountField: 'amount' },
  reverseEarnings: { movement: 'earning_reversal', amountField: 'hostShare' },
  reverseTransfer: { movement: 'transfer_reversal', amountField: 'amount' },
};

export const PAYMENT_WORKFLOW_TYPES = ['paymentWorkflow', 'refundWorkflow', 'payoutWorkflow'] as const;

/** A money-moving activity that completed, as its workflow's history records it. */
export interface MoneyStep {
  workflowId: string;
  activityType: PaymentActivityName;
  activityId: string;
  /** The key the activity sent to the provider and posted to the ledger under. */
  idempotencyKey: string;
  movement: LedgerTransactionKind;
  bookingId: string;
  amount: Money;
  completedAt: Date;
  /** The provider object the activity returned (refund or transfer id), when it returns one. */
  providerObjectId?: string;
}

export interface PaymentWorkflowExecution {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** Temporal's status name: Running, Completed, Failed, Terminated, TimedOut, Canceled, ContinuedAsNew. */
  status: string;
  startedAt: Date;
  closedAt?: Date;
}

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

function statusName(status: temporal.api.enums.v1.WorkflowExecutionStatus | null | undefined): string {
  const name = temporal.api.enums.v1.WorkflowExecutionStatus[status ?? 0] ?? 'UNSPECIFIED';
  return name
    .slice(STATUS_PREFIX.length)
    .toLowerCase()
    .replace(/(^|_)(\w)/g, (_match, _sep, letter: string) => letter.toUpperCase());
}

export const SUCCESSFUL_WORKFLOW_STATUSES = new Set(['Running', 'Completed', 'ContinuedAsNew']);

/** Visibility-query literal: single quotes doubled, so an id can never end the string early. */
export const quoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** One page of the visibility store's answer to `query`; the token fetches the next page, absent at the end. */
export async function listPaymentWorkflows(
  client: Client,
  query: string,
  pageSize: number,
  pageToken?: string,
): Promise<{ executions: PaymentWorkflowExecution[]; nextPageToken?: string }> {
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query,
    pageSize,
    nextPageToken: pageToken ? Buffer.from(pageToken, 'base64') : undefined,
  });
  const executions = (response.executions ?? []).map((info) => ({
    workflowId: info.execution?.workflowId ?? '',
    runId: info.execution?.runId ?? '',
    workflowType: info.type?.name ?? '',
    status: statusName(info.status),
    startedAt: requiredTsToDate(info.startTime, 'startTime'),
    closedAt: optionalTsToDate(info.closeTime),
  }));
  const token = response.nextPageToken;
  return {
    executions,
    nextPageToken: token && token.length > 0 ? Buffer.from(token).toString('base64') : undefined,
  };
}

function decode<T>(payloads: temporal.api.common.v1.IPayloads | null | undefined): T | undefined {
  const first = payloads?.payloads?.[0];
  return first ? defaultPayloadConverter.fromPayload<T>(first) : undefined;
}

type MoneyActivityInput = { bookingId: string } & Partial<
  Record<(typeof MONEY_MOVING_ACTIVITIES)[PaymentActivityName]['amountField'], Money>
>;

/** The money-moving activity completions of one workflow run, in the order they completed. */
export async function moneyStepsOf(client: Client, workflowId: string, runId?: string): Promise<MoneyStep[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const scheduled = new Map<
    string,
    { activityId: string; activityType: string; input?: MoneyActivityInput }
  >();
  const steps: MoneyStep[] = [];
  for (const event of history.events ?? []) {
    const schedule = event.activityTaskScheduledEventAttributes;
    if (schedule) {
      scheduled.set(String(event.eventId), {
        activityId: schedule.activityId ?? '',
        activityType: schedule.activityType?.name ?? '',
        input: decode<MoneyActivityInput>(schedule.input),
      });
      continue;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (!completed) continue;
    const activity = scheduled.get(String(completed.scheduledEventId));
    if (!activity?.input || !(activity.activityType in MONEY_MOVING_ACTIVITIES)) continue;
    const activityType = activity.activityType as PaymentActivityName;
    const { movement, amountField } = MONEY_MOVING_ACTIVITIES[activityType];
    const amount = activity.input[amountField];
    if (!amount) continue;
    // Refunds, transfers and reversals return the provider's object id; an authorization its PaymentIntent.
    const result = decode<string | { paymentIntentId?: string }>(completed.result);
    const providerObjectId = typeof result === 'string' ? result : result?.paymentIntentId;
    steps.push({
      workflowId,
      activityType,
      activityId: activity.activityId,
      idempotencyKey: `${workflowId}:${activity.activityId}`,
      movement,
      bookingId: activity.input.bookingId,
      amount,
      completedAt: requiredTsToDate(event.eventTime, 'eventTime'),
      ...(providerObjectId ? { providerObjectId } : {}),
    });
  }
  return steps;
}
