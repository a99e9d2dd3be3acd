import { randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Request, Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import {
  LISTING_MODERATION_STATUSES,
  type ListingDocument,
  listingPatchSchema,
  type ListingModel,
  LISTINGS_EVENT_SOURCE,
  type ListingPhoto,
  type PriceRange,
  photoView,
  validListingFieldsSchema,
} from '@kvartirnsk/activities/listings/listing';
import {
  type ChangeResult,
  createListingStore,
  ListingChangedConcurrently,
  type ModerationToStart,
} from '@kvartirnsk/activities/listings/store';
import {
  ANALYTICS_CONTRACT_EVENTS,
  type BestEffortPublisher,
  type ListingViewed,
} from '@kvartirnsk/lib/analytics-events';
import { domainEvent } from '@kvartirnsk/lib/events';
import { createServiceApp } from '@kvartirnsk/lib/http';
import { type Actor, forbidden, hasRole, requireAnyRole, actorOf } from '@kvartirnsk/lib/identity';
import type { Logger } from '@kvartirnsk/lib/logger';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { badRequest, conflict, notFound, parseOrThrow, serviceUnavailable } from '@kvartirnsk/lib/problem';
import { callWithinDeadline } from '@kvartirnsk/lib/temporal';
import { withoutNul } from '@kvartirnsk/lib/text';
import { HostIdKey, ListingIdKey, ModerationStatusKey } from '@kvartirnsk/temporal/search-attributes';
import {
  approveUpdate,
  MODERATION_TASK_QUEUE,
  ModerationFailureType,
  type ModerationPolicy,
  moderationWorkflowId,
  rejectUpdate,
  REVIEWABLE_STATUSES,
  supersedeSignal,
} from '@kvartirnsk/workflows/moderation/contract';
import { listingModerationWorkflow } from '@kvartirnsk/workflows/moderation/listing-moderation-workflow';
import {
  listingIdsQuery,
  listingPageSchema,
  listingReadSchema,
  listingsComponents,
  listingViewSchema,
  publishedPageSchema,
} from './openapi';
import { PHOTO_FIELD, PHOTO_FILE_PATTERN, type PhotoStorage, photoProblem, processPhoto } from './photos';
import { mountSavedListingsRoutes } from './saved';

/** How long a call into Temporal may take before we say the service is degraded. */
const WORKFLOW_DEADLINE_MS = 10_000;
const MAX_PHOTOS = 30;

const listingIdParam = z.object({ id: z.uuid() }).strict();
const pageQuery = {
  /** The last id of the previous page. */
  after: withoutNul(z.string().max(64)).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};

// Handlers validate with these declarations, and the service's OpenAPI document is written from them.
// Fixed paths come before `/listings/:id`, which would otherwise take them.
export const listingsRoutes = {
  published: defineRoute({
    method: 'get',
    path: '/listings/published',
    operationId: 'exportPublishedListings',
    summary: 'Published listings in pages by id: every one (for the search reindex) or the ones asked for',
    security: 'anonymous',
    query: z
      .object({
        ...pageQuery,
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        ids: listingIdsQuery
          .describe(
            'Only these listings (up to 100 ids, comma-separated); unpublished or unknown ones are left out',
          )
          .optional(),
      })
      .strict(),
    responses: { 200: publishedPageSchema },
  }),
  mine: defineRoute({
    method: 'get',
    path: '/listings/mine',
    operationId: 'listMyListings',
    summary: "The host's own listings with their moderation state",
    security: 'bearer',
    query: z.object(pageQuery).strict(),
    responses: { 200: listingPageSchema },
    problems: [403],
  }),
  moderationQueue: defineRoute({
    method: 'get',
    path: '/listings/moderation',
    operationId: 'listModerationQueue',
    summary: 'Listings by moderation status, awaiting review by default (admin)',
    security: 'bearer',
    query: z.object({ ...pageQuery, status: z.enum(LISTING_MODERATION_STATUSES).optional() }).strict(),
    responses: { 200: listingPageSchema },
    problems: [403],
  }),
  photoFile: defineRoute({
    method: 'get',
    path: '/listings/photos/:file',
    operationId: 'getListingPhoto',
    summary: 'A photo or thumbnail file (image/webp)',
    security: 'anonymous',
    params: z.object({ file: z.string().regex(PHOTO_FILE_PATTERN, 'is not a photo file name') }).strict(),
    responses: { 200: null },
    problems: [404],
  }),
  create: defineRoute({
    method: 'post',
    path: '/listings',
    operationId: 'createListing',
    summary: 'Create a listing (host); its moderation starts at once',
    security: 'bearer',
    body: validListingFieldsSchema,
    responses: { 201: listingViewSchema },
    problems: [403, 503],
  }),
  get: defineRoute({
    method: 'get',
    path: '/listings/:id',
    operationId: 'getListing',
    summary: 'A published listing; its host and admins also see drafts and moderation',
    security: 'anonymous',
    params: listingIdParam,
    responses: { 200: listingReadSchema },
    problems: [404],
  }),
  update: defineRoute({
    method: 'patch',
    path: '/listings/:id',
    operationId: 'updateListing',
    summary: 'Change some fields (host or admin)',
    description:
      'Text, place, type, capacity and rules start a new moderation while the published revision stays ' +
      'visible; calendar blocks, booking terms and prices within the sane range reach guests at once.',
    security: 'bearer',
    params: listingIdParam,
    body: listingPatchSchema,
    responses: { 200: listingViewSchema },
    problems: [403, 404, 409, 503],
  }),
  addPhoto: defineRoute({
    method: 'post',
    path: '/listings/:id/photos',
    operationId: 'addListingPhoto',
    summary: 'Upload a photo (multipart/form-data, one file in the field "photo")',
    description: 'JPEG, PNG or WebP, checked by decoding it; stored re-encoded as WebP with a thumbnail.',
    security: 'bearer',
    params: listingIdParam,
    responses: { 201: listingViewSchema },
    problems: [403, 404, 409, 503],
  }),
  removePhoto: defineRoute({
    method: 'delete',
    path: '/listings/:id/photos/:photoId',
    operationId: 'removeListingPhoto',
    summary: 'Remove a photo',
    security: 'bearer',
    params: z.object({ id: z.uuid(), photoId: z.uuid() }).strict(),
    responses: { 200: listingViewSchema },
    problems: [403, 404, 409, 503],
  }),
  reorderPhotos: defineRoute({
    method: 'put',
    path: '/listings/:id/photos/order',
    operationId: 'reorderListingPhotos',
    summary: 'Put the photos in this order (the first is the cover)',
    security: 'bearer',
    params: listingIdParam,
    body: z.object({ photoIds: z.array(z.uuid()).max(MAX_PHOTOS) }).strict(),
    responses: { 200: listingViewSchema },
    problems: [403, 404, 409, 503],
  }),
  unpublish: defineRoute({
    method: 'post',
    path: '/listings/:id/unpublish',
    operationId: 'unpublishListing',
    summary: 'Take a listing out of search (host or admin); submit brings it back through moderation',
    security: 'bearer',
    params: listingIdParam,
    body: z.object({ reason: withoutNul(z.string().trim().max(1000)).default('') }).strict(),
    bodyRequired: false,
    responses: { 200: listingViewSchema },
    problems: [403, 404, 409, 503],
  }),
  submit: defineRoute({
    method: 'post',
    path: '/listings/:id/submit',
    operationId: 'submitListing',
    summary: "Start the latest revision's moderation: after a 503, or to list an unpublished listing again",
    security: 'bearer',
    params: listingIdParam,
    responses: { 200: listingViewSchema },
    problems: [403, 404, 503],
  }),
  approve: defineRoute({
    method: 'post',
    path: '/listings/:id/approve',
    operationId: 'approveListing',
    summary: 'Approve the revision awaiting review and publish it (admin)',
    security: 'bearer',
    params: listingIdParam,
    body: z.object({ reason: withoutNul(z.string().trim().min(1).max(1000)).optional() }).strict(),
    bodyRequired: false,
    responses: { 200: listingViewSchema },
    problems: [403, 404, 409, 503],
  }),
  reject: defineRoute({
    method: 'post',
    path: '/listings/:id/reject',
    operationId: 'rejectListing',
    summary: 'Reject the revision awaiting review, telling the host why (admin)',
    security: 'bearer',
    params: listingIdParam,
    body: z.object({ reason: withoutNul(z.string().trim().min(1).max(1000)) }).strict(),
    responses: { 200: listingViewSchema },
    problems: [403, 404, 409, 503],
  }),
};

export interface ListingsSettings {
  policy: ModerationPolicy;
  nightlyPriceRange: PriceRange;
  photoBaseUrl: string;
  maxPhotoBytes: number;
  /** Tests run their own moderation workers on a queue of their own. */
  moderationTaskQueue?: string;
}

export interface ListingsAppDeps {
  Listing: ListingModel;
  temporal: Client;
  photos: PhotoStorage;
  logger: Logger;
  settings: ListingsSettings;
  /** Called after writes that carry events, so the in-process outbox relay sends them at once. */
  eventsWritten?: () => void;
  /**
   * Where listing.viewed goes. Published straight to the broker, not through the listing's outbox: that
   * would be a write to the listing on every page view, for a count that may as well be a little low.
   * Without one, no event is sent.
   */
  analytics?: BestEffortPublisher;
}

const notAwaitingReview = (detail: string) => conflict('not-awaiting-review', detail);

function applicationFailureOf(err: unknown): ApplicationFailure | undefined {
  for (let cause: unknown = err; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure) return cause;
  }
  return undefined;
}

export function createListingsApp({
  Listing,
  temporal,
  photos,
  logger,
  settings,
  eventsWritten,
  analytics,
}: ListingsAppDeps) {
  const store = createListingStore({ Listing, nightlyPriceRange: settings.nightlyPriceRange });
  const urls = { photoBaseUrl: settings.photoBaseUrl };
  const taskQueue = settings.moderationTaskQueue ?? MODERATION_TASK_QUEUE;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: settings.maxPhotoBytes, files: 1, fields: 0, parts: 1 },
  }).single(PHOTO_FIELD);

  const withDeadline = <T>(call: () => Promise<T>) =>
    temporal.connection.withDeadline(Date.now() + WORKFLOW_DEADLINE_MS, call);

  function view(listing: ListingDocument) {
    const { _id, hostId, draft, photos: listingPhotos, moderation } = listing;
    return {
      ...draft,
      id: _id,
      hostId,
      photos: listingPhotos.map((photo) => photoView(photo, urls)),
      revision: listing.revision,
      contentRevision: listing.contentRevision,
      published: listing.published,
      moderation: {
        contentRevision: moderation.contentRevision,
        status: moderation.status,
        failures: moderation.failures,
        awaitingSince: moderation.awaitingSince,
        escalated: moderation.escalated,
        verdict: moderation.verdict,
        workflowId: moderation.workflowId,
        updatedAt: moderation.updatedAt,
      },
      createdAt: new Date(listing.createdAt).toISOString(),
      updatedAt: new Date(listing.updatedAt).toISOString(),
    };
  }

  async function listingOrNotFound(id: string): Promise<ListingDocument> {
    const listing = await Listing.findById(id).lean<ListingDocument>();
    if (!listing) throw notFound(`No listing ${id}`);
    return listing;
  }

  /** The listing, if the caller is its host or an admin. */
  async function editable(req: Request, id: string): Promise<{ actor: Actor; listing: ListingDocument }> {
    const actor = requireAnyRole(req, 'host', 'admin');
    const listing = await listingOrNotFound(id);
    if (listing.hostId !== actor.userId && !hasRole(actor, 'admin'))
      throw forbidden("Only the listing's host or an admin can change it");
    return { actor, listing };
  }

  /**
   * Starts the revision's moderation and tells the previous revision's moderation to stop. The listing is
   * saved already; if Temporal does not answer, the host resubmits (the start is idempotent per revision).
   */
  async function startModeration(toStart: ModerationToStart): Promise<void> {
    try {
      await withDeadline(() =>
        temporal.workflow.start(listingModerationWorkflow, {
          workflowId: moderationWorkflowId(toStart.listingId, toStart.contentRevision),
          taskQueue,
          args: [{ ...toStart, policy: settings.policy }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          // A revision is moderated once: a decided one is not reopened by a resubmission.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: ListingIdKey, value: toStart.listingId },
            { key: HostIdKey, value: toStart.hostId },
            { key: ModerationStatusKey, value: 'checking' },
          ],
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      logger.error({ err, ...toStart }, 'could not start the moderation');
      throw serviceUnavailable(
        `The listing is saved, but its moderation did not start; POST /listings/${toStart.listingId}/submit to retry`,
      );
    }
    if (toStart.previousWorkflowId) await supersede(toStart.previousWorkflowId, toStart.contentRevision);
  }

  /** Best effort: a superseded moderation also finds out from its next write, which then changes nothing. */
  async function supersede(workflowId: string, byContentRevision: number): Promise<void> {
    await withDeadline(() =>
      temporal.workflow.getHandle(workflowId).signal(supersedeSignal, byContentRevision),
    ).catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) logger.warn({ err, workflowId }, 'could not supersede');
    });
  }

  async function answer(res: Response, result: ChangeResult | undefined, status = 200): Promise<void> {
    if (!result) throw notFound('No such listing');
    eventsWritten?.();
    if (result.moderation) await startModeration(result.moderation);
    res.status(status).json(view(result.listing));
  }

  async function change(id: string, compute: Parameters<typeof store.change>[1]) {
    try {
      return await store.change(id, compute);
    } catch (err) {
      if (err instanceof ListingChangedConcurrently) throw conflict('concurrent-change', err.message);
      throw err;
    }
  }

  function page<T>(items: T[], limit: number, idOf: (item: T) => string) {
    const shown = items.slice(0, limit);
    const last = shown.at(-1);
    return { items: shown, next: items.length > limit && last ? idOf(last) : null };
  }

  /** Keyset pages by id: stable while listings are added, and cheap at any depth. */
  async function listingsPage(
    filter: Record<string, unknown>,
    after: string | undefined,
    limit: number,
    onlyIds?: string[],
  ) {
    const id = { ...(onlyIds ? { $in: onlyIds } : {}), ...(after ? { $gt: after } : {}) };
    const listings = await Listing.find({ ...filter, ...(onlyIds || after ? { _id: id } : {}) })
      .sort({ _id: 1 })
      .limit(limit + 1)
      .lean<ListingDocument[]>();
    return listings;
  }

  async function receivePhoto(req: Request, res: Response): Promise<Buffer> {
    await new Promise<void>((resolve, reject) => {
      upload(req, res, (err: unknown) => {
        if (err instanceof multer.MulterError) {
          reject(
            err.code === 'LIMIT_FILE_SIZE'
              ? photoProblem(`is larger than ${settings.maxPhotoBytes} bytes`)
              : photoProblem(`${err.message}; send one file in the multipart field "${PHOTO_FIELD}"`),
          );
        } else if (err) {
          reject(photoProblem(`could not be read from the request: ${(err as Error).message}`));
        } else resolve();
      });
    });
    if (!req.file) throw photoProblem(`is required: send one file in the multipart field "${PHOTO_FIELD}"`);
    return req.file.buffer;
  }

  async function decide(req: Request, res: Response, id: string, approved: boolean, reason?: string) {
    const actor = requireAnyRole(req, 'admin');
    const listing = await listingOrNotFound(id);
    if (!REVIEWABLE_STATUSES.some((status) => status === listing.moderation.status)) {
      throw notAwaitingReview(`Revision ${listing.contentRevision} is ${listing.moderation.status}`);
    }
    try {
      await callWithinDeadline(
        temporal,
        { deadlineMs: WORKFLOW_DEADLINE_MS, unavailable: 'Moderation workers are not answering; try again' },
        () =>
          temporal.workflow
            .getHandle(listing.moderation.workflowId)
            .executeUpdate(approved ? approveUpdate : rejectUpdate, {
              args: [{ adminId: actor.userId, reason }],
            }),
      );
    } catch (err) {
      const failure = applicationFailureOf(err);
      if (err instanceof WorkflowNotFoundError)
        throw notAwaitingReview('This revision is not awaiting review');
      if (
        err instanceof WorkflowUpdateFailedError &&
        failure?.type === ModerationFailureType.NOT_AWAITING_REVIEW
      )
        throw notAwaitingReview(failure.message);
      if (err instanceof WorkflowUpdateFailedError && failure?.type === ModerationFailureType.REASON_REQUIRED)
        throw badRequest(failure.message, [{ field: 'reason', pointer: '/reason', detail: failure.message }]);
      throw err;
    }
    eventsWritten?.();
    res.json(view(await listingOrNotFound(id)));
  }

  return createServiceApp({
    logger,
    readiness: async () => {
      await Listing.findOne({}, { _id: 1 }).lean();
    },
    routes(app) {
      const api = new ServiceApi({
        info: { title: 'Kvartirnsk listings', version: '1' },
        schemas: listingsComponents,
      });
      api.serve(app, '/listings/openapi.json');

      api.mount(app, listingsRoutes.published, async (req, res) => {
        const { after, limit, ids } = listingsRoutes.published.query(req);
        const listings = await listingsPage({ published: { $ne: null } }, after, limit, ids);
        res.json(
          page(
            listings.map((listing) => listing.published!),
            limit,
            (published) => published.listingId,
          ),
        );
      });

      // Before `/listings/:id`, which would take `/listings/saved`.
      mountSavedListingsRoutes(api, app, { Listing });

      api.mount(app, listingsRoutes.mine, async (req, res) => {
        const actor = requireAnyRole(req, 'host');
        const { after, limit } = listingsRoutes.mine.query(req);
        const listings = await listingsPage({ hostId: actor.userId }, after, limit);
        res.json(page(listings.map(view), limit, (listing) => listing.id));
      });

      api.mount(app, listingsRoutes.moderationQueue, async (req, res) => {
        requireAnyRole(req, 'admin');
        const { after, limit, status } = listingsRoutes.moderationQueue.query(req);
        const statuses = status ? [status] : REVIEWABLE_STATUSES;
        const listings = await listingsPage({ 'moderation.status': { $in: statuses } }, after, limit);
        res.json(page(listings.map(view), limit, (listing) => listing.id));
      });

      api.mount(app, listingsRoutes.photoFile, async (req, res) => {
        const { file } = listingsRoutes.photoFile.params(req);
        const data = await photos.read(file);
        if (!data) throw notFound(`No photo ${file}`);
        // A file name is never reused for other bytes, so caches may keep it for good.
        res.type('image/webp').set('cache-control', 'public, max-age=31536000, immutable').send(data);
      });

      api.mount(app, listingsRoutes.create, async (req, res) => {
        const actor = requireAnyRole(req, 'host');
        const fields = listingsRoutes.create.body(req);
        const result = await store.create(actor.userId, fields);
        res.location(`/listings/${result.listing._id}`);
        await answer(res, result, 201);
      });

      api.mount(app, listingsRoutes.get, async (req, res) => {
        const { id } = listingsRoutes.get.params(req);
        const listing = await Listing.findById(id).lean<ListingDocument>();
        const actor = actorOf(req);
        if (listing && actor && (listing.hostId === actor.userId || hasRole(actor, 'admin'))) {
          res.json(view(listing));
          return;
        }
        if (!listing?.published) throw notFound(`No listing ${id}`);
        res.json(listing.published);
        // Its host and admins got the editing view above: this is a guest's (or a visitor's) view of the page.
        const viewed: ListingViewed = { listingId: id };
        analytics?.publish(
          domainEvent(LISTINGS_EVENT_SOURCE, ANALYTICS_CONTRACT_EVENTS.listingViewed, viewed),
        );
      });

      api.mount(app, listingsRoutes.update, async (req, res) => {
        const { listing } = await editable(req, listingsRoutes.update.params(req).id);
        const patch = listingsRoutes.update.body(req);
        const result = await change(listing._id, (current) => ({
          draft: parseOrThrow(validListingFieldsSchema, { ...current.draft, ...patch }),
        }));
        await answer(res, result);
      });

      api.mount(app, listingsRoutes.addPhoto, async (req, res) => {
        const { listing } = await editable(req, listingsRoutes.addPhoto.params(req).id);
        if (listing.photos.length >= MAX_PHOTOS)
          throw conflict('too-many-photos', `A listing may have at most ${MAX_PHOTOS} photos`);
        const processed = await processPhoto(await receivePhoto(req, res));
        const id = randomUUID();
        const photo: ListingPhoto = {
          id,
          file: `${id}.webp`,
          thumbnailFile: `${id}-thumb.webp`,
          width: processed.width,
          height: processed.height,
        };
        await photos.save(photo.file, processed.full);
        await photos.save(photo.thumbnailFile, processed.thumbnail);
        const result = await change(listing._id, (current) => ({ photos: [...current.photos, photo] }));
        await answer(res, result, 201);
      });

      api.mount(app, listingsRoutes.removePhoto, async (req, res) => {
        const { id, photoId } = listingsRoutes.removePhoto.params(req);
        const { listing } = await editable(req, id);
        const photo = listing.photos.find((candidate) => candidate.id === photoId);
        if (!photo) throw notFound(`No photo ${photoId} in this listing`);
        const result = await change(listing._id, (current) => ({
          photos: current.photos.filter((candidate) => candidate.id !== photoId),
        }));
        // Guests may still see the photo until the edited revision is published; then the file stays behind.
        if (!result?.listing.published?.photos.some((shown) => shown.id === photoId)) {
          await photos.remove(photo.file);
          await photos.remove(photo.thumbnailFile);
        }
        await answer(res, result);
      });

      api.mount(app, listingsRoutes.reorderPhotos, async (req, res) => {
        const { listing } = await editable(req, listingsRoutes.reorderPhotos.params(req).id);
        const { photoIds } = listingsRoutes.reorderPhotos.body(req);
        const result = await change(listing._id, (current) => {
          const byId = new Map(current.photos.map((photo) => [photo.id, photo]));
          if (
            photoIds.length !== byId.size ||
            new Set(photoIds).size !== byId.size ||
            !photoIds.every((id) => byId.has(id))
          ) {
            const detail = "must list each of the listing's photo ids exactly once";
            throw badRequest(`photoIds: ${detail}`, [{ field: 'photoIds', pointer: '/photoIds', detail }]);
          }
          return { photos: photoIds.map((id) => byId.get(id)!) };
        });
        await answer(res, result);
      });

      api.mount(app, listingsRoutes.unpublish, async (req, res) => {
        const { listing } = await editable(req, listingsRoutes.unpublish.params(req).id);
        const { reason } = listingsRoutes.unpublish.body(req);
        if (!listing.published) throw conflict('not-published', 'This listing is not published');
        let result;
        try {
          result = await store.unpublish(listing._id, reason);
        } catch (err) {
          if (err instanceof ListingChangedConcurrently) throw conflict('concurrent-change', err.message);
          throw err;
        }
        if (result?.listing.contentRevision !== listing.contentRevision)
          await supersede(listing.moderation.workflowId, listing.contentRevision + 1);
        await answer(res, result);
      });

      api.mount(app, listingsRoutes.submit, async (req, res) => {
        const { listing } = await editable(req, listingsRoutes.submit.params(req).id);
        if (listing.moderation.status === 'withdrawn') {
          await answer(
            res,
            (await store.resubmit(listing)) ?? { listing: await listingOrNotFound(listing._id) },
          );
          return;
        }
        if (listing.moderation.status === 'checking') {
          await startModeration({
            listingId: listing._id,
            hostId: listing.hostId,
            contentRevision: listing.contentRevision,
          });
        }
        res.json(view(listing));
      });

      api.mount(app, listingsRoutes.approve, async (req, res) => {
        const { id } = listingsRoutes.approve.params(req);
        await decide(req, res, id, true, listingsRoutes.approve.body(req).reason);
      });

      api.mount(app, listingsRoutes.reject, async (req, res) => {
        const { id } = listingsRoutes.reject.params(req);
        await decide(req, res, id, false, listingsRoutes.reject.body(req).reason);
      });
    },
  });
}
