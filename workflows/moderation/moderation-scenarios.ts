import { randomUUID } from 'node:crypto';
import { type WorkflowHandleWithFirstExecutionRunId, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Connection } from 'mongoose';
import { createListingActivities, type ListingActivities } from '@kvartirnsk/activities/listings/activities';
import type { CityContains, ModerationRules } from '@kvartirnsk/activities/listings/checks';
import {
  type ListingFields,
  listingFieldsSchema,
  listingModel,
  type ListingModel,
  type ListingPhoto,
} from '@kvartirnsk/activities/listings/listing';
import {
  createListingStore,
  type ListingStore,
  type ModerationToStart,
} from '@kvartirnsk/activities/listings/store';
import { connectMongo } from '@kvartirnsk/lib/mongo';
import { HostIdKey, ListingIdKey, ModerationStatusKey } from '@kvartirnsk/temporal/search-attributes';
import { bundleWorkflows, createTimeSkippingEnvironment } from '@kvartirnsk/temporal/testing';
import { NOTIFICATIONS_TASK_QUEUE, type NotifyInput } from '../notifications/contract';
import { recordingNotifier } from '../notifications/recording-notifier';
import {
  approveUpdate,
  type ModerationPolicy,
  type ModerationState,
  moderationStateQuery,
  type ModerationStatus,
  moderationWorkflowId,
  rejectUpdate,
  supersedeSignal,
} from './contract';
import { listingModerationWorkflow } from './listing-moderation-workflow';

// Test support, not workflow code: the moderation flow's paths against real activities on the local stack's
// FerretDB, in a time-skipping environment; shared by the workflow tests and the history recorder.

const MONGO_URL = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017';
const SCENARIO_QUEUE = 'moderation-scenarios';

export const SCENARIO_RULES: ModerationRules = {
  minPhotos: 1,
  minDescriptionLength: 30,
  nightlyPriceRange: { min: 50_000, max: 50_000_000 },
  bannedWords: ['казино'],
};

/** A few cities' bounding boxes, standing in for the geo service. */
const CITY_BOUNDS: Record<string, { south: number; west: number; north: number; east: number }> = {
  Москва: { south: 55.49, west: 37.29, north: 55.96, east: 37.97 },
  'Санкт-Петербург': { south: 59.74, west: 30.04, north: 60.1, east: 30.57 },
};

export const tableCityContains: CityContains = async (city, { lat, lon }) => {
  const bounds = CITY_BOUNDS[city];
  if (!bounds) return 'unknown_city';
  return lat >= bounds.south && lat <= bounds.north && lon >= bounds.west && lon <= bounds.east
    ? 'inside'
    : 'outside';
};

export const PHOTO_URLS = { photoBaseUrl: '/api/listings/photos' };

/** A listing that passes every automated check. */
export function passingFields(overrides: Partial<ListingFields> = {}): ListingFields {
  return listingFieldsSchema.parse({
    type: 'flat',
    title: 'Студия на Арбате',
    description: 'Светлая студия в пяти минутах от метро, с рабочим местом и кухней.',
    city: 'Москва',
    address: 'ул. Арбат, 10',
    location: { lat: 55.7522, lon: 37.5929 },
    timeZone: 'Europe/Moscow',
    maxGuests: 2,
    nightlyPrice: 650_000,
    ...overrides,
  });
}

export const scenarioPhoto = (n: number): ListingPhoto => ({
  id: `photo-${n}`,
  file: `photo-${n}.webp`,
  thumbnailFile: `photo-${n}-thumb.webp`,
  width: 1600,
  height: 1200,
});

export type ModerationHandle = WorkflowHandleWithFirstExecutionRunId<typeof listingModerationWorkflow>;

export interface ModerationTestbed {
  env: TestWorkflowEnvironment;
  connection: Connection;
  Listing: ListingModel;
  store: ListingStore;
  /** What the moderations asked the notification pool to deliver (a recording stand-in), in order. */
  notifications: NotifyInput[];
  /**
   * Runs `act` while a moderation worker with the real activities (or, by name, `replacing` ones) polls, and the
   * notifications stand-in.
   */
  withWorker<T>(act: () => Promise<T>, replacing?: Partial<ListingActivities>): Promise<T>;
  /** Starts a revision's moderation as the listings API does. */
  startModeration(toStart: ModerationToStart, policy: ModerationPolicy): Promise<ModerationHandle>;
  close(): Promise<void>;
}

/** A time-skipping server, the workflow bundle and a fresh FerretDB database of its own. */
export async function startModerationTestbed(): Promise<ModerationTestbed> {
  const [env, bundle, connection] = await Promise.all([
    createTimeSkippingEnvironment(),
    bundleWorkflows('@kvartirnsk/workflows/moderation/index'),
    connectMongo(MONGO_URL, `test_moderation_${randomUUID().slice(0, 8)}`),
  ]);
  const Listing = listingModel(connection);
  await Listing.init();
  return testbedOf(env, bundle, connection, Listing);
}

function testbedOf(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  connection: Connection,
  Listing: ListingModel,
): ModerationTestbed {
  const activities = createListingActivities({
    Listing,
    cityContains: tableCityContains,
    rules: SCENARIO_RULES,
    urls: PHOTO_URLS,
  });
  const notifier = recordingNotifier();
  return {
    env,
    connection,
    Listing,
    store: createListingStore({ Listing, nightlyPriceRange: SCENARIO_RULES.nightlyPriceRange }),
    notifications: notifier.sent,
    async withWorker(act, replacing = {}) {
      const [worker, notificationWorker] = await Promise.all([
        Worker.create({
          connection: env.nativeConnection,
          taskQueue: SCENARIO_QUEUE,
          workflowBundle: bundle,
          activities: { ...activities, ...replacing },
        }),
        Worker.create({
          connection: env.nativeConnection,
          taskQueue: NOTIFICATIONS_TASK_QUEUE,
          activities: notifier.activities,
        }),
      ]);
      return notificationWorker.runUntil(worker.runUntil(act()));
    },
    async startModeration(toStart, policy) {
      const handle = await env.client.workflow.start(listingModerationWorkflow, {
        workflowId: moderationWorkflowId(toStart.listingId, toStart.contentRevision),
        taskQueue: SCENARIO_QUEUE,
        args: [{ ...toStart, policy }],
        typedSearchAttributes: [
          { key: ListingIdKey, value: toStart.listingId },
          { key: HostIdKey, value: toStart.hostId },
          { key: ModerationStatusKey, value: 'checking' },
        ],
      });
      if (toStart.previousWorkflowId) {
        // The previous revision's moderation may have ended already; then there is nothing to stop.
        await env.client.workflow
          .getHandle(toStart.previousWorkflowId)
          .signal(supersedeSignal, toStart.contentRevision)
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
      }
      return handle;
    },
    async close() {
      await connection.dropDatabase();
      await connection.close();
      await env.teardown();
    },
  };
}

export async function waitForStatus(
  handle: ModerationHandle,
  status: ModerationStatus,
): Promise<ModerationState> {
  for (;;) {
    const state = await handle.query(moderationStateQuery);
    if (state.status === status) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const PUBLISH_ALL: ModerationPolicy = { autoPublish: 'all', escalateAfter: '24 hours' };
const TRUSTED_HOSTS: ModerationPolicy = { autoPublish: 'trusted_hosts', escalateAfter: '24 hours' };
const REVIEW_ALL: ModerationPolicy = { autoPublish: 'never', escalateAfter: '24 hours' };
const ADMIN = 'admin-1';

export interface ScenarioRun {
  listingId: string;
  /** Every moderation the scenario ran, in order; the recorder saves each one's history. */
  handles: ModerationHandle[];
}

async function created(tb: ModerationTestbed, fields = passingFields(), hostId = `host-${randomUUID()}`) {
  const { listing, moderation } = await tb.store.create(hostId, fields, [scenarioPhoto(1)]);
  return { listing, moderation: moderation! };
}

async function editedTitle(tb: ModerationTestbed, listingId: string, title: string) {
  const result = await tb.store.change(listingId, (listing) => ({ draft: { ...listing.draft, title } }));
  return result!.moderation!;
}

/** Each path of the flow, run to its end; the tests assert on the listing they leave behind. */
export const moderationScenarios = {
  /** Every check passes and the policy publishes without a review. */
  'auto-published': async (tb: ModerationTestbed): Promise<ScenarioRun> => {
    const { listing, moderation } = await created(tb);
    const handle = await tb.startModeration(moderation, PUBLISH_ALL);
    await handle.result();
    return { listingId: listing._id, handles: [handle] };
  },
  /** A host without a published listing yet is reviewed even when every check passes. */
  'approved-by-admin': async (tb) => {
    const { listing, moderation } = await created(tb);
    const handle = await tb.startModeration(moderation, TRUSTED_HOSTS);
    await waitForStatus(handle, 'awaiting_review');
    await handle.executeUpdate(approveUpdate, { args: [{ adminId: ADMIN }] });
    await handle.result();
    return { listingId: listing._id, handles: [handle] };
  },
  /** Failed checks (a phone number, coordinates outside the city) send it to review; the admin rejects. */
  'rejected-by-admin': async (tb) => {
    const { listing, moderation } = await created(
      tb,
      passingFields({
        description: 'Уютная квартира у метро, звоните +7 916 123-45-67 в любое время.',
        location: { lat: 59.93, lon: 30.31 },
      }),
    );
    const handle = await tb.startModeration(moderation, PUBLISH_ALL);
    await waitForStatus(handle, 'awaiting_review');
    await handle.executeUpdate(rejectUpdate, {
      args: [{ adminId: ADMIN, reason: 'Уберите телефон и исправьте адрес на карте' }],
    });
    await handle.result();
    return { listingId: listing._id, handles: [handle] };
  },
  /** Nobody reviews it within `escalateAfter`: admins are alerted, and it still waits for an answer. */
  'escalated-then-approved': async (tb) => {
    const { listing, moderation } = await created(tb);
    const handle = await tb.startModeration(moderation, { autoPublish: 'never', escalateAfter: '1 hour' });
    await waitForStatus(handle, 'awaiting_review');
    await tb.env.sleep('2 hours');
    await waitForStatus(handle, 'escalated');
    await tb.env.sleep('3 days');
    await handle.executeUpdate(approveUpdate, { args: [{ adminId: ADMIN, reason: 'Проверено' }] });
    await handle.result();
    return { listingId: listing._id, handles: [handle] };
  },
  /**
   * A published listing edited twice: the first edit is rejected and the published revision stays; the
   * second is approved and replaces it.
   */
  'edit-of-published': async (tb) => {
    const { listing, moderation } = await created(tb);
    const first = await tb.startModeration(moderation, PUBLISH_ALL);
    await first.result();

    const rejectedEdit = await tb.startModeration(
      await editedTitle(tb, listing._id, 'Студия на Арбате — лучшая в Москве'),
      REVIEW_ALL,
    );
    await waitForStatus(rejectedEdit, 'awaiting_review');
    await rejectedEdit.executeUpdate(rejectUpdate, {
      args: [{ adminId: ADMIN, reason: 'Заголовок без превосходных степеней' }],
    });
    await rejectedEdit.result();

    const approvedEdit = await tb.startModeration(
      await editedTitle(tb, listing._id, 'Студия на Арбате с видом во двор'),
      REVIEW_ALL,
    );
    await waitForStatus(approvedEdit, 'awaiting_review');
    await approvedEdit.executeUpdate(approveUpdate, { args: [{ adminId: ADMIN }] });
    await approvedEdit.result();
    return { listingId: listing._id, handles: [first, rejectedEdit, approvedEdit] };
  },
  /** An edit while the previous revision waits for review: the older one stops, the newer one is reviewed. */
  superseded: async (tb) => {
    const { listing, moderation } = await created(tb);
    const older = await tb.startModeration(moderation, REVIEW_ALL);
    await waitForStatus(older, 'awaiting_review');
    const newer = await tb.startModeration(await editedTitle(tb, listing._id, 'Студия у Арбата'), REVIEW_ALL);
    await older.result();
    await waitForStatus(newer, 'awaiting_review');
    await newer.executeUpdate(approveUpdate, { args: [{ adminId: ADMIN }] });
    await newer.result();
    return { listingId: listing._id, handles: [older, newer] };
  },
} satisfies Record<string, (tb: ModerationTestbed) => Promise<ScenarioRun>>;

export type ModerationScenario = keyof typeof moderationScenarios;
