import {
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  patched,
  setHandler,
} from '@temporalio/workflow';
import {
  paymentAuthorizedSignal,
  paymentCommandSignal,
  PaymentFailureType,
  paymentStatusQuery,
  type PaymentCommand,
  type PaymentRequest,
  type PaymentResult,
  type PaymentStatus,
} from './contract';
import { payments } from './provider-activities';

/**
 * One booking's payment at the provider: place a hold for the full amount, tell the booking, then capture
 * or void the hold when the booking says so (or capture at once, for an Instant Book). A hold nobody
 * captures within the capture window is voided, as the card network would drop it anyway. Every step also lands in the ledger, so this history and the
 * ledger tell finance the same story.
 */
export async function paymentWorkflow(request: PaymentRequest): Promise<PaymentResult> {
  let status: PaymentStatus = 'authorizing';
  let command: PaymentCommand | undefined;
  setHandler(paymentStatusQuery, () => status);
  setHandler(paymentCommandSignal, (received) => {
    command ??= received;
  });

  let authorization;
  try {
    authorization = await payments.authorizePayment({
      bookingId: request.bookingId,
      amount: request.amount,
      paymentMethod: request.paymentMethod,
    });
  } catch (err) {
    const cause = err instanceof Error ? err.cause : undefined;
    const declined =
      cause instanceof ApplicationFailure && cause.type === PaymentFailureType.CARD_DECLINED
        ? cause
        : undefined;
    if (!declined) throw err;
    status = 'declined';
    return { status, reason: declined.message };
  }
  status = 'authorized';
  const { paymentIntentId, amount } = authorization;
  const capture = async (): Promise<PaymentResult> => {
    await payments.capturePayment({ bookingId: request.bookingId, paymentIntentId, amount });
    status = 'captured';
    return { status, paymentIntentId };
  };
  // A payment recorded by a pool that did not know `captureAtOnce` told its booking and waited, as below.
  if (request.captureAtOnce && patched('instant-capture')) {
    const authorizedAt = new Date().toISOString();
    return { ...(await capture()), authorizedAt };
  }
  await getExternalWorkflowHandle(request.notifyWorkflowId).signal(paymentAuthorizedSignal, authorization);

  const commanded = await condition(() => command !== undefined, request.captureWindow);
  if (commanded && command === 'capture') return capture();
  await payments.voidAuthorization({ bookingId: request.bookingId, paymentIntentId, amount });
  status = 'voided';
  return { status, paymentIntentId, reason: commanded ? 'voided by the booking' : 'capture window passed' };
}
