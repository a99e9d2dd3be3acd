import { redirect } from '@sveltejs/kit';
import type { Balance } from '#lib/finance/types.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireRole } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'finance', 'admin');
  const bookingId = event.url.searchParams.get('bookingId')?.trim();
  if (bookingId) redirect(303, `/finance/bookings/${encodeURIComponent(bookingId)}`);
  try {
    return { balances: (await api<{ balances: Balance[] }>(event, '/api/payments/ledger/balances')).balances };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};
