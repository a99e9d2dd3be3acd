import { json } from '@sveltejs/kit';
import { describeProblem } from '#lib/problem.ts';
import { api, ApiError } from '#lib/server/gateway.ts';
import type { RequestEvent, RequestHandler } from './$types';

// The ♡ on search results: saves or unsaves without leaving the map. Answers 204, or the problem in the
// reader's words.
async function setSaved(event: RequestEvent, saved: boolean): Promise<Response> {
  if (!event.locals.user) return json(describeProblem({ status: 401 }, event.locals.locale), { status: 401 });
  try {
    await api(event, `/api/listings/${encodeURIComponent(event.params.id)}/saved`, { method: saved ? 'PUT' : 'DELETE' });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return json(describeProblem(err.problem, event.locals.locale), { status: err.status });
  }
  return new Response(null, { status: 204 });
}

export const PUT: RequestHandler = (event) => setSaved(event, true);
export const DELETE: RequestHandler = (event) => setSaved(event, false);
