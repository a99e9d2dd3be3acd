import { error } from '@sveltejs/kit';
import { describeProblem } from '#lib/problem.ts';
import { apiRaw, ApiError } from '#lib/server/gateway.ts';
import { requireRole } from '#lib/server/guard.ts';
import type { RequestHandler } from './$types';

// The report's differences as CSV, passed through from the payments service with the caller's session.
export const GET: RequestHandler = async (event) => {
  requireRole(event, 'finance', 'admin');
  try {
    const res = await apiRaw(event, `/api/payments/reconciliation/reports/${encodeURIComponent(event.params.id)}/export.csv`);
    return new Response(res.body, {
      headers: {
        'content-type': res.headers.get('content-type') ?? 'text/csv; charset=utf-8',
        'content-disposition':
          res.headers.get('content-disposition') ?? `attachment; filename="reconciliation-${event.params.id}.csv"`,
      },
    });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    error(err.status, { message: describeProblem(err.problem, event.locals.locale).message, localised: true });
  }
};
