import { fail } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import type { Trail } from '#lib/finance/types.ts';
import { parseRoubles } from '#lib/format.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireRole } from '#lib/server/guard.ts';
import { bookingWorkflowUrl } from '#lib/server/temporal-links.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'finance', 'admin');
  const id = encodeURIComponent(event.params.id);
  try {
    return {
      trail: await api<Trail>(event, `/api/payments/bookings/${id}/trail`),
      csvUrl: `/finance/bookings/${id}/trail.csv`,
      workflowUrl: bookingWorkflowUrl(event.params.id),
      // One id per rendered refund form: submitting it twice never refunds twice.
      refundRequestId: randomUUID(),
    };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};

export const actions: Actions = {
  refund: async (event) => {
    requireRole(event, 'finance', 'admin');
    const form = await event.request.formData();
    const values = {
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
      const result = await api<{ refundId: string; amount: { amount: number } }>(
        event,
        `/api/payments/bookings/${encodeURIComponent(event.params.id)}/refunds`,
        {
          method: 'POST',
          body: { refundRequestId: values.refundRequestId, amount: { amount: kopecks, currency: 'RUB' }, reason: values.reason },
        },
      );
      return { refunded: result.amount.amount, refundId: result.refundId };
    } catch (err) {
      return actionFailure(err, event.locals.locale, values);
    }
  },
};
