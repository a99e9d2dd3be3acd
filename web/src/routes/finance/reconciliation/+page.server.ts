import { fail, redirect } from '@sveltejs/kit';
import type { ReconciliationReport } from '#lib/finance/types.ts';
import { addDays } from '#lib/format.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireRole } from '#lib/server/guard.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'finance', 'admin');
  const query = new URLSearchParams({ limit: '30' });
  const before = event.url.searchParams.get('before');
  if (before) query.set('before', before);
  const today = new Date().toISOString().slice(0, 10);
  try {
    const list = await api<{ reports: ReconciliationReport[]; nextBefore?: string }>(
      event,
      `/api/payments/reconciliation/reports?${query}`,
    );
    // The daily schedule reconciles yesterday; by hand, finance usually checks up to now.
    return { ...list, defaults: { from: addDays(today, -1), to: addDays(today, 1) } };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};

export const actions: Actions = {
  run: async (event) => {
    requireRole(event, 'finance', 'admin');
    const form = await event.request.formData();
    const values = { from: String(form.get('from') ?? ''), to: String(form.get('to') ?? '') };
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
    if (!dateOnly.test(values.from) || !dateOnly.test(values.to) || values.to <= values.from) {
      const message = event.locals.locale === 'ru' ? 'Конец периода должен быть позже начала.' : 'The period must end after it starts.';
      return fail(400, { message, fields: { to: message } as Record<string, string>, values });
    }
    let report: ReconciliationReport;
    try {
      // Periods are whole days in UTC, as the daily schedule reconciles them.
      report = await api<ReconciliationReport>(event, '/api/payments/reconciliation/reports', {
        method: 'POST',
        body: { from: `${values.from}T00:00:00Z`, to: `${values.to}T00:00:00Z` },
      });
    } catch (err) {
      return actionFailure(err, event.locals.locale, values);
    }
    redirect(303, `/finance/reconciliation/${report.id}?ran`);
  },
};
