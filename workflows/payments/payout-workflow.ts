import { condition, patched, setHandler, sleep } from '@temporalio/workflow';
import type { PayoutRecord } from '@kvartirnsk/activities/payments/payouts';
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

  // Payouts already running before hosts could see their payouts (and those without a host id) go on unseen.
  const seenBy = request.hostId !== undefined && patched('payout-records') ? request.hostId : undefined;
  const record = async (status: PayoutRecord['status']) => {
    if (seenBy === undefined) return;
    await payments.recordPayout({
      bookingId: request.bookingId,
      hostId: seenBy,
      amount: due.hostShare,
      payAt: request.payAt,
      status,
    });
  };
  const untilPayout = () => Date.parse(request.payAt) - Date.now();

  if (seenBy === undefined) {
    if (untilPayout() > 0) await sleep(untilPayout());
  } else {
    // The host sees the payout from the start, and what each cancellation leaves of it until it is due.
    let recordedDue: typeof due | undefined;
    const adjustedSinceRecorded = () => due !== recordedDue;
    while (adjustedSinceRecorded()) {
      recordedDue = due;
      await record('scheduled');
      if (untilPayout() > 0) await condition(adjustedSinceRecorded, untilPayout());
    }
  }

  if (due.earned.amount === 0) {
    await record('nothing_due');
    return { status: 'nothing_due', hostShare: due.hostShare };
  }
  await payments.recognizeEarnings({ bookingId: request.bookingId, ...due });
  if (due.hostShare.amount === 0) {
    await record('nothing_due');
    return { status: 'nothing_due', hostShare: due.hostShare };
  }
  let transferId: string;
  try {
    // Marks the host's payout paid once the provider has taken the transfer.
    transferId = await payments.transferToHost({
      bookingId: request.bookingId,
      hostAccount: request.hostAccount,
      amount: due.hostShare,
    });
  } catch (err) {
    await record('failed');
    throw err;
  }
  if (request.hostId && patched('notifications')) {
    await notifyQuietly(request.hostId, {
      kind: 'payout_sent',
      data: { bookingId: request.bookingId, amount: due.hostShare },
    });
  }
  return { status: 'paid', transferId, hostShare: due.hostShare };
}
