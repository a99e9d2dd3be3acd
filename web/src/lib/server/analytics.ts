import { redirect } from '@sveltejs/kit';
import type { Funnel, Occupancy, Revenue, Searches } from '#lib/analytics/types.ts';
import type { Locale } from '#lib/locale.ts';
import { describeProblem, type ShownProblem } from '#lib/problem.ts';
import { api, ApiError, type CallContext } from './gateway.ts';

export interface Report<T> {
  data: T | null;
  /** Why it is missing, in the reader's words. */
  problem: ShownProblem | null;
}

/** One analytics report for a range; a failure is kept beside the others' data instead of failing the page. */
export async function analyticsReport<T>(
  ctx: CallContext,
  path: 'funnel' | 'revenue' | 'occupancy' | 'searches',
  range: { from: string; to: string },
  locale: Locale,
): Promise<Report<T>> {
  try {
    return { data: await api<T>(ctx, `/api/analytics/${path}?${new URLSearchParams(range)}`), problem: null };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) redirect(303, '/signin');
    return { data: null, problem: describeProblem(err.problem, locale) };
  }
}

export async function allReports(ctx: CallContext, range: { from: string; to: string }, locale: Locale) {
  const [funnel, revenue, occupancy, searches] = await Promise.all([
    analyticsReport<Funnel>(ctx, 'funnel', range, locale),
    analyticsReport<Revenue>(ctx, 'revenue', range, locale),
    analyticsReport<Occupancy>(ctx, 'occupancy', range, locale),
    analyticsReport<Searches>(ctx, 'searches', range, locale),
  ]);
  return { funnel, revenue, occupancy, searches };
}
