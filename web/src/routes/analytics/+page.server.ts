import { moscowToday, rangeFrom } from '#lib/analytics/range.ts';
import { allReports } from '#lib/server/analytics.ts';
import { requireRole } from '#lib/server/guard.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'admin', 'finance');
  const range = rangeFrom(event.url.searchParams, moscowToday());
  return { range, ...(await allReports(event, range, event.locals.locale)) };
};
