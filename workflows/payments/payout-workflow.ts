import { patched, setHandler, sleep } from '@temporalio/workflow';
import { notifyQuietly } from '../notifications/notify';
import { adjustPayoutSignal, type PayoutRequest, type PayoutResult } from './contract';
import { payments } from './provider-activities';

/**
 * Pays the host for a stay a day after check-in: the stay's money is then earned (host share and platform
 * fees in the ledger) and the host's share is transferred. A cancellation before then adjusts what is due.
 */
export async function payoutWorkflow(request: PayoutRequest): Promise<PayoutResult> {
  let due = { earned: request.earned, hostShare: request.hostShare };
  setHandler(adjustPayoutSignal, (adjusted) => {
    due = adjusted;
  });

  const untilPayout = Date.parse(request.payAt) - Date.now();
  if (untilPayout > 0) await sleep(untilPayout);

  if (due.earned.amount === 0) return { status: 'nothing_due', hostShare: due.hostShare };
  await payments.recognizeEarnings({ bookingId: request.bookingId, ...due });
  if (due.hostShare.amount === 0) return { status: 'nothing_due', hostShare: due.hostShare };
  const transferId = await payments.transferToHost({
    bookingId: request.bookingId,
    hostAccount: request.hostAccount,
    amount: due.hostShare,
  });
  if (request.hostId && patched('notifications')) {
    await notifyQuietly(request.hostId, {
      kind: 'payout_sent',
      data: { bookingId: request.bookingId, amount: due.hostShare },
    });
  }
  return { status: 'paid', transferId, hostShare: due.hostShare };
}
