import type { ReconciliationDifference, ReconciliationReport } from '#lib/finance/types.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireRole } from '#lib/server/guard.ts';
import { workflowByIdUrl } from '#lib/server/temporal-links.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'finance', 'admin');
  const id = encodeURIComponent(event.params.id);
  const query = new URLSearchParams({ limit: '200' });
  const after = event.url.searchParams.get('after');
  if (after) query.set('after', after);
  try {
    const result = await api<{ report: ReconciliationReport; differences: ReconciliationDifference[]; nextAfter?: number }>(
      event,
      `/api/payments/reconciliation/reports/${id}?${query}`,
    );
    return {
      ...result,
      csvUrl: `/finance/reconciliation/${id}/export.csv`,
      workflowUrl: workflowByIdUrl(result.report.workflowId),
      ran: event.url.searchParams.has('ran'),
    };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};
