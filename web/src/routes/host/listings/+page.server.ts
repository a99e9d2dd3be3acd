import type { ListingPage } from '#lib/listings/types.ts';
import { api } from '#lib/server/gateway.ts';
import { pageFailure, requireRole } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'host');
  try {
    return { listings: await api<ListingPage>(event, '/api/listings/mine?limit=100') };
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
};
