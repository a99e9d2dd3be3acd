import { fail } from '@sveltejs/kit';
import type { ListingModerationStatus, ListingPage } from '#lib/listings/types.ts';
import { api } from '#lib/server/gateway.ts';
import { actionFailure, pageFailure, requireRole } from '#lib/server/guard.ts';
import { moderationsByStatusUrl, moderationsOfListingUrl, workflowByIdUrl } from '#lib/server/temporal-links.ts';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const STATUSES: ListingModerationStatus[] = ['awaiting_review', 'escalated', 'checking', 'approved', 'rejected', 'withdrawn'];

export const load: PageServerLoad = async (event) => {
  requireRole(event, 'admin');
  const raw = event.url.searchParams.get('status');
  const status = STATUSES.find((candidate) => candidate === raw);
  const query = new URLSearchParams({ limit: '50' });
  if (status) query.set('status', status);
  const after = event.url.searchParams.get('after');
  if (after) query.set('after', after);
  let page: ListingPage;
  try {
    page = await api<ListingPage>(event, `/api/listings/moderation?${query}`);
  } catch (err) {
    pageFailure(err, event.locals.locale);
  }
  return {
    status: status ?? null,
    statuses: STATUSES,
    page,
    links: Object.fromEntries(
      page.items.map((listing) => [
        listing.id,
        { workflow: workflowByIdUrl(listing.moderation.workflowId), all: moderationsOfListingUrl(listing.id) },
      ]),
    ),
    byStatus: ['checking', 'awaiting_review', 'escalated', 'approved', 'rejected', 'superseded'].map((s) => ({
      status: s,
      url: moderationsByStatusUrl(s),
    })),
  };
};

async function decide(event: RequestEvent, decision: 'approve' | 'reject') {
  requireRole(event, 'admin');
  const form = await event.request.formData();
  const listingId = String(form.get('listingId') ?? '');
  const reason = String(form.get('reason') ?? '').trim();
  if (decision === 'reject' && !reason) {
    const message = event.locals.locale === 'ru' ? 'Напишите причину отказа: её прочитает хозяин.' : 'Write the reason: the host reads it.';
    return fail(400, { message, fields: { reason: message } as Record<string, string>, values: { listingId } });
  }
  try {
    await api(event, `/api/listings/${encodeURIComponent(listingId)}/${decision}`, {
      method: 'POST',
      body: reason ? { reason } : {},
    });
  } catch (err) {
    return actionFailure(err, event.locals.locale, { listingId });
  }
  return { decided: decision, listingId };
}

export const actions: Actions = {
  approve: (event) => decide(event, 'approve'),
  reject: (event) => decide(event, 'reject'),
};
