import { fail } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { describeDisputeProblem } from '#lib/finance/disputes.ts';
import type { Dispute, Trail } from '#lib/finance/types.ts';
import { parseRoubles } from '#lib/format.ts';
import { messages, type Locale } from '#lib/i18n.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireRole } from '#lib/server/guard.ts';
import { bookingWorkflowUrl } from '#lib/server/temporal-links.ts';
import type { Actions, PageServerLoad } from './$types';

// Every failure echoes `values.form`, naming the form it answers, so the page shows it on that form only.

const paymentsOf = (bookingId: string) => `/api/payments/bookings/${encodeURIComponent(bookingId)}`;

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'finance', 'admin');
  const id = encodeURIComponent(event.params.id);
  try {
    const [trail, { disputes }] = await Promise.all([
      api<Trail>(event, `${paymentsOf(event.params.id)}/trail`),
      api<{ disputes: Dispute[] }>(event, `${paymentsOf(event.params.id)}/disputes`),
    ]);
    return {
      trail,
      disputes,
      csvUrl: `/finance/bookings/${id}/trail.csv`,
      workflowUrl: bookingWorkflowUrl(event.params.id),
      // One id per rendered refund or dispute form: submitting it twice never refunds or records twice.
      refundRequestId: randomUUID(),
      disputeId: randomUUID(),
    };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};

function invalid(fields: Record<string, string>, values: Record<string, string>) {
  return fail(400, { message: Object.values(fields).join('. '), fields, values });
}

function disputeFailure(err: unknown, locale: Locale, values: Record<string, string>) {
  if (err instanceof ApiError && err.status === 409) {
    return fail(409, { ...describeDisputeProblem(err.problem, locale), values });
  }
  return actionFailure(err, locale, values);
}

export const actions: Actions = {
  refund: async (event) => {
    requireRole(event, 'finance', 'admin');
    const form = await event.request.formData();
    const values = {
      form: 'refund',
      amount: String(form.get('amount') ?? ''),
      reason: String(form.get('reason') ?? ''),
      refundRequestId: String(form.get('refundRequestId') ?? ''),
    };
    const kopecks = parseRoubles(values.amount);
    if (kopecks === undefined || kopecks <= 0) {
      const message = event.locals.locale === 'ru' ? 'Введите сумму в рублях, например 1500' : 'Enter an amount in roubles, e.g. 1500';
      return fail(400, { message, fields: { amount: message } as Record<string, string>, values });
    }
    try {
      const result = await api<{ refundId: string; amount: { amount: number } }>(event, `${paymentsOf(event.params.id)}/refunds`, {
        method: 'POST',
        body: { refundRequestId: values.refundRequestId, amount: { amount: kopecks, currency: 'RUB' }, reason: values.reason },
      });
      return { refunded: result.amount.amount, refundId: result.refundId };
    } catch (err) {
      return actionFailure(err, event.locals.locale, values);
    }
  },

  dispute: async (event) => {
    requireRole(event, 'finance', 'admin');
    const t = messages(event.locals.locale);
    const form = await event.request.formData();
    const values = {
      form: 'dispute',
      disputeId: String(form.get('disputeId') ?? ''),
      claimed: String(form.get('claimed') ?? ''),
      reason: String(form.get('reason') ?? '').trim(),
    };
    const kopecks = parseRoubles(values.claimed);
    const fields: Record<string, string> = {};
    if (kopecks === undefined || kopecks <= 0) fields.claimed = t.enterClaimRub;
    if (!values.reason) fields.reason = t.enterDisputeReason;
    if (kopecks === undefined || Object.keys(fields).length) return invalid(fields, values);
    try {
      const opened = await api<Dispute>(event, `${paymentsOf(event.params.id)}/disputes`, {
        method: 'POST',
        body: { disputeId: values.disputeId, claimed: { amount: kopecks, currency: 'RUB' }, reason: values.reason },
      });
      return { opened };
    } catch (err) {
      return disputeFailure(err, event.locals.locale, values);
    }
  },

  settle: async (event) => {
    requireRole(event, 'finance', 'admin');
    const t = messages(event.locals.locale);
    const form = await event.request.formData();
    const values = {
      form: 'settle',
      disputeId: String(form.get('disputeId') ?? ''),
      refund: String(form.get('refund') ?? ''),
      resolution: String(form.get('resolution') ?? '').trim(),
    };
    const kopecks = parseRoubles(values.refund);
    const fields: Record<string, string> = {};
    if (kopecks === undefined) fields.refund = t.enterSettleRefundRub;
    if (!values.resolution) fields.resolution = t.enterResolution;
    if (kopecks === undefined || Object.keys(fields).length) return invalid(fields, values);
    try {
      const settled = await api<Dispute>(
        event,
        `${paymentsOf(event.params.id)}/disputes/${encodeURIComponent(values.disputeId)}/settle`,
        { method: 'POST', body: { refund: { amount: kopecks, currency: 'RUB' }, resolution: values.resolution } },
      );
      return { settled };
    } catch (err) {
      return disputeFailure(err, event.locals.locale, values);
    }
  },
};
