import { redirect } from '@sveltejs/kit';
import { moscowToday, rangeFrom } from '#lib/analytics/range.ts';
import type { Revenue } from '#lib/analytics/types.ts';
import type { Balance } from '#lib/finance/types.ts';
import { analyticsReport } from '#lib/server/analytics.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireRole } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'finance', 'admin');
  const bookingId = event.url.searchParams.get('bookingId')?.trim();
  if (bookingId) redirect(303, `/finance/bookings/${encodeURIComponent(bookingId)}`);
  // The last 30 days' revenue comes from analytics; without it the balances still show.
  const revenue = analyticsReport<Revenue>(
    event,
    'revenue',
    rangeFrom(new URLSearchParams(), moscowToday()),
    event.locals.locale,
  );
  try {
    const { balances } = await api<{ balances: Balance[] }>(event, '/api/payments/ledger/balances');
    return { balances, revenue: await revenue };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};
