import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { createListingActivities } from '@kvartirnsk/activities/listings/activities';
import type { ListingDocument } from '@kvartirnsk/activities/listings/listing';
import { MODERATION_ESCALATED_EVENT } from '@kvartirnsk/activities/listings/listing';
import { LISTING_EVENTS } from '@kvartirnsk/lib/listing-events';
import { ADMINS_AUDIENCE } from '../notifications/contract';
import { approveUpdate, ModerationFailureType, moderationStateQuery, rejectUpdate } from './contract';
import {
  moderationScenarios,
  type ModerationTestbed,
  passingFields,
  PHOTO_URLS,
  SCENARIO_RULES,
  scenarioPhoto,
  startModerationTestbed,
  tableCityContains,
  waitForStatus,
} from './moderation-scenarios';

// Real activities on the local stack's FerretDB, a time-skipping Temporal server for the escalation timer.
let tb: ModerationTestbed;

beforeAll(async () => {
  tb = await startModerationTestbed();
}, 120_000);

afterAll(async () => {
  await tb?.close();
});

async function listingOf(listingId: string): Promise<ListingDocument> {
  const listing = await tb.Listing.findById(listingId).lean<ListingDocument>();
  if (!listing) throw new Error(`listing ${listingId} is gone`);
  return listing;
}

const eventTypes = (listing: ListingDocument) => listing.pendingEvents.map((event) => event.type);

/** Who was told what about a listing, in order: [recipient, kind, revision, reason]. */
const notificationsOf = (listingId: string) =>
  tb.notifications
    .filter((sent) => 'listingId' in sent.data && sent.data.listingId === listingId)
    .map((sent) => {
      const data = sent.data as { contentRevision: number; reason?: string };
      return [sent.userId, sent.kind, data.contentRevision, data.reason];
    });

it('publishes a listing that passes every check when the policy allows it', async () => {
  const { listingId, handles } = await tb.withWorker(() => moderationScenarios['auto-published'](tb));

  const state = await handles[0]!.result();
  const listing = await listingOf(listingId);
  expect(state).toMatchObject({ status: 'approved', failures: [], verdict: { by: 'auto' } });
  expect(listing.moderation).toMatchObject({ status: 'approved', contentRevision: 1 });
  expect(listing.published).toMatchObject({ listingId, title: 'Студия на Арбате', revision: 2 });
  expect(listing.published?.photos).toEqual([
    {
      id: 'photo-1',
      url: '/api/listings/photos/photo-1.webp',
      thumbnailUrl: '/api/listings/photos/photo-1-thumb.webp',
    },
  ]);
  expect(eventTypes(listing)).toEqual([LISTING_EVENTS.published]);
  expect(listing.pendingEvents[0]?.data).toEqual(JSON.parse(JSON.stringify(listing.published)));
  expect(notificationsOf(listingId)).toEqual([[listing.hostId, 'listing_approved', 1, undefined]]);
  expect(tb.notifications.find((sent) => sent.userId === listing.hostId)?.notificationId).toBe(
    `${handles[0]!.workflowId}:listing_approved:${listing.hostId}`,
  );
});

it('waits for an admin when the host is not trusted yet, and publishes on approval', async () => {
  const { listingId, handles } = await tb.withWorker(() => moderationScenarios['approved-by-admin'](tb));

  const state = await handles[0]!.result();
  const listing = await listingOf(listingId);
  expect(state.history.map((step) => step.status)).toEqual(['checking', 'awaiting_review', 'approved']);
  expect(state.verdict).toEqual({ by: 'admin', adminId: 'admin-1' });
  expect(listing.published?.revision).toBe(2);
  expect(eventTypes(listing)).toEqual([LISTING_EVENTS.published]);
  expect(notificationsOf(listingId)).toEqual([[listing.hostId, 'listing_approved', 1, undefined]]);
});

it('takes an approval given as soon as admins see the revision, before the workflow hears the write finish', async () => {
  const real = createListingActivities({
    Listing: tb.Listing,
    cityContains: tableCityContains,
    rules: SCENARIO_RULES,
    urls: PHOTO_URLS,
  });
  let written!: () => void;
  const shownToAdmins = new Promise<void>((resolve) => (written = resolve));
  let letFinish!: () => void;
  const mayFinish = new Promise<void>((resolve) => (letFinish = resolve));
  // The write lands where the admin queue reads it; the activity's completion reaches the workflow later.
  const heldAfterWriting: typeof real.recordModeration = async (input) => {
    const outcome = await real.recordModeration(input);
    written();
    await mayFinish;
    return outcome;
  };
  const { listing, moderation } = await tb.store.create(`host-${randomUUID()}`, passingFields(), [
    scenarioPhoto(1),
  ]);

  const state = await tb.withWorker(
    async () => {
      const handle = await tb.startModeration(moderation!, {
        autoPublish: 'trusted_hosts',
        escalateAfter: '24 hours',
      });
      try {
        await shownToAdmins;
        expect((await listingOf(listing._id)).moderation.status).toBe('awaiting_review');
        // Accepted (or refused) by the workflow while the activity still holds.
        await handle.startUpdate(approveUpdate, {
          args: [{ adminId: 'admin-1' }],
          waitForStage: WorkflowUpdateStage.ACCEPTED,
        });
      } finally {
        letFinish();
      }
      return handle.result();
    },
    { recordModeration: heldAfterWriting },
  );

  expect(state).toMatchObject({ status: 'approved', verdict: { by: 'admin', adminId: 'admin-1' } });
  expect((await listingOf(listing._id)).published?.revision).toBe(2);
});

it('shows the failed checks to the admin, and the rejection reason to the host', async () => {
  const { listingId, handles } = await tb.withWorker(() => moderationScenarios['rejected-by-admin'](tb));

  const state = await handles[0]!.result();
  const listing = await listingOf(listingId);
  expect(state.status).toBe('rejected');
  expect(state.failures.map((failure) => `${failure.check}:${failure.field}`)).toEqual([
    'location_in_city:location',
    'contact_details:description',
  ]);
  expect(listing.moderation).toMatchObject({
    status: 'rejected',
    failures: state.failures,
    verdict: { by: 'admin', adminId: 'admin-1', reason: 'Уберите телефон и исправьте адрес на карте' },
  });
  expect(listing.published).toBeNull();
  expect(listing.pendingEvents).toEqual([]);
  expect(notificationsOf(listingId)).toEqual([
    [listing.hostId, 'listing_rejected', 1, 'Уберите телефон и исправьте адрес на карте'],
  ]);
});

it('refuses a rejection without a reason, and a second decision', async () => {
  await tb.withWorker(async () => {
    const { moderation } = await tb.store.create('host-x', passingFields(), [scenarioPhoto(1)]);
    const handle = await tb.startModeration(moderation!, { autoPublish: 'never', escalateAfter: '1 day' });
    await waitForStatus(handle, 'awaiting_review');

    const noReason = handle.executeUpdate(rejectUpdate, { args: [{ adminId: 'admin-1', reason: ' ' }] });
    await expect(noReason).rejects.toThrow(WorkflowUpdateFailedError);
    await expect(noReason).rejects.toMatchObject({ cause: { type: ModerationFailureType.REASON_REQUIRED } });

    await handle.executeUpdate(rejectUpdate, { args: [{ adminId: 'admin-1', reason: 'Мало фото' }] });
    // Once the host is told, the decided revision's workflow ends, so a second decision finds nothing to update.
    await handle.result();
    const again = handle.executeUpdate(approveUpdate, { args: [{ adminId: 'admin-2' }] });
    await expect(again).rejects.toThrow(WorkflowNotFoundError);
    expect((await handle.query(moderationStateQuery)).verdict?.adminId).toBe('admin-1');
  });
});

it('alerts admins once when nobody reviews in time, and keeps waiting for them', async () => {
  const { listingId, handles } = await tb.withWorker(() =>
    moderationScenarios['escalated-then-approved'](tb),
  );

  const state = await handles[0]!.result();
  const listing = await listingOf(listingId);
  expect(state.history.map((step) => step.status)).toEqual([
    'checking',
    'awaiting_review',
    'escalated',
    'approved',
  ]);
  expect(listing.moderation).toMatchObject({ status: 'approved', escalated: true });
  expect(eventTypes(listing)).toEqual([MODERATION_ESCALATED_EVENT, LISTING_EVENTS.published]);
  expect(listing.pendingEvents[0]?.data).toMatchObject({ listingId, contentRevision: 1 });
  expect(notificationsOf(listingId)).toEqual([
    [ADMINS_AUDIENCE, 'listing_escalated', 1, undefined],
    [listing.hostId, 'listing_approved', 1, 'Проверено'],
  ]);
});

it('keeps the published revision visible while an edit is moderated, and after a rejected edit', async () => {
  const { listingId, handles } = await tb.withWorker(() => moderationScenarios['edit-of-published'](tb));
  const [first, rejected, approved] = await Promise.all(handles.map((handle) => handle.result()));

  expect([first?.status, rejected?.status, approved?.status]).toEqual(['approved', 'rejected', 'approved']);
  expect(rejected?.verdict?.reason).toBe('Заголовок без превосходных степеней');
  const listing = await listingOf(listingId);
  expect(listing.contentRevision).toBe(3);
  // Revisions: 1 created, 2 published, 3 and 4 the edits, 5 the second edit published.
  expect(listing.published).toMatchObject({ title: 'Студия на Арбате с видом во двор', revision: 5 });
  const published = listing.pendingEvents.map((event) => [event.type, event.data.title, event.data.revision]);
  // The rejected title never reached guests: only the first and the approved revision were announced.
  expect(published).toEqual([
    [LISTING_EVENTS.published, 'Студия на Арбате', 2],
    [LISTING_EVENTS.published, 'Студия на Арбате с видом во двор', 5],
  ]);
});

it('stops moderating a revision once a newer one is submitted', async () => {
  const { listingId, handles } = await tb.withWorker(() => moderationScenarios.superseded(tb));

  const [older, newer] = await Promise.all(handles.map((handle) => handle.result()));
  expect(older?.status).toBe('superseded');
  expect(newer?.status).toBe('approved');
  const listing = await listingOf(listingId);
  expect(listing.published).toMatchObject({ title: 'Студия у Арбата' });
  // Only the revision that was decided is announced to the host.
  expect(notificationsOf(listingId)).toEqual([[listing.hostId, 'listing_approved', 2, undefined]]);
});

it('publishes calendar and price changes of a published listing at once, without moderation', async () => {
  const { listingId } = await tb.withWorker(() => moderationScenarios['auto-published'](tb));

  const result = await tb.store.change(listingId, (listing) => ({
    draft: {
      ...listing.draft,
      nightlyPrice: 700_000,
      calendarBlocks: [{ from: '2027-01-01', to: '2027-01-05' }],
    },
  }));

  expect(result?.moderation).toBeUndefined();
  const listing = await listingOf(listingId);
  expect(listing.published).toMatchObject({ nightlyPrice: 700_000, revision: 3 });
  expect(eventTypes(listing)).toEqual([LISTING_EVENTS.published, LISTING_EVENTS.updated]);
});
