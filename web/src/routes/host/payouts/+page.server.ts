import type { PayoutPage } from '#lib/finance/types.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireRole } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'host');
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const cursor = event.url.searchParams.get('cursor');
  if (cursor) query.set('cursor', cursor);
  try {
    return { payouts: await api<PayoutPage>(event, `/api/payments/payouts?${query}`) };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};
