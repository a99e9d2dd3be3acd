import type { Express } from 'express';
import { type Connection, Schema } from 'mongoose';
import { z } from 'zod';
import type { ListingDocument, ListingModel } from '@kvartirnsk/activities/listings/listing';
import { hasRole, requireActor, requireAnyRole } from '@kvartirnsk/lib/identity';
import { defineRoute, type ServiceApi } from '@kvartirnsk/lib/openapi';
import { isDuplicateKey } from '@kvartirnsk/lib/mongo';
import { pageCursor } from '@kvartirnsk/lib/page-cursor';
import { conflict, notFound } from '@kvartirnsk/lib/problem';
import { listingIdsQuery, savedCountsSchema, savedPageSchema } from './openapi';

/**
 * Saved listings ("Избранное"): the flats a signed-in user keeps to come back to. One document per user and
 * listing, whose id is both, so saving twice is one write and needs no unique index to stay single.
 */

/** Enough for anyone planning trips; a bound keeps one account from growing without end. */
export const MAX_SAVED_LISTINGS = 500;

interface SavedListingDocument {
  _id: string;
  userId: string;
  listingId: string;
  savedAt: Date;
}

const savedListingSchema = new Schema<SavedListingDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    listingId: { type: String, required: true },
    savedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// A user's list, newest first, in keyset pages.
savedListingSchema.index({ userId: 1, savedAt: -1, listingId: -1 });
// How many saved a listing, for its host.
savedListingSchema.index({ listingId: 1 });

export function savedListingModel(connection: Connection) {
  return connection.model<SavedListingDocument>('SavedListing', savedListingSchema, 'saved_listings');
}

const savedId = (userId: string, listingId: string) => `${userId}:${listingId}`;

const savedCursor = pageCursor(z.object({ savedAt: z.iso.datetime(), listingId: z.uuid() }).strict());

const listingIdParam = z.object({ id: z.uuid() }).strict();

export const savedListingsRoutes = {
  list: defineRoute({
    method: 'get',
    path: '/listings/saved',
    operationId: 'listSavedListings',
    summary: "The caller's saved listings, newest first, or which of the given listings the caller saved",
    security: 'bearer',
    query: z
      .object({
        cursor: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        ids: listingIdsQuery
          .describe('Only these listings (up to 100 ids, comma-separated): which of them are saved')
          .optional(),
      })
      .strict(),
    responses: { 200: savedPageSchema },
  }),
  counts: defineRoute({
    method: 'get',
    path: '/listings/saved/counts',
    operationId: 'countListingSaves',
    summary: 'How many users saved each of the given listings: its host sees their own, admins any',
    security: 'bearer',
    query: z
      .object({ ids: listingIdsQuery.describe('The listings (up to 100 ids, comma-separated)') })
      .strict(),
    responses: { 200: savedCountsSchema },
    problems: [403],
  }),
  save: defineRoute({
    method: 'put',
    path: '/listings/:id/saved',
    operationId: 'saveListing',
    summary: 'Save a published listing to come back to (saving it again changes nothing)',
    security: 'bearer',
    params: listingIdParam,
    responses: { 204: null },
    problems: [404, 409],
  }),
  unsave: defineRoute({
    method: 'delete',
    path: '/listings/:id/saved',
    operationId: 'unsaveListing',
    summary: 'Take a listing off the saved ones (whether or not it was saved)',
    security: 'bearer',
    params: listingIdParam,
    responses: { 204: null },
  }),
};

export function mountSavedListingsRoutes(
  api: ServiceApi,
  app: Express,
  { Listing }: { Listing: ListingModel },
) {
  const SavedListing = savedListingModel(Listing.db);

  api.mount(app, savedListingsRoutes.list, async (req, res) => {
    const { userId } = requireActor(req);
    const { cursor, limit, ids } = savedListingsRoutes.list.query(req);
    const after = cursor ? savedCursor.decode(cursor) : undefined;
    const saved = await SavedListing.find({
      userId,
      ...(ids ? { listingId: { $in: ids } } : {}),
      ...(after
        ? {
            $or: [
              { savedAt: { $lt: new Date(after.savedAt) } },
              { savedAt: new Date(after.savedAt), listingId: { $lt: after.listingId } },
            ],
          }
        : {}),
    })
      .sort({ savedAt: -1, listingId: -1 })
      .limit(limit + 1)
      .lean<SavedListingDocument[]>();
    const shown = saved.slice(0, limit);
    const listings = await Listing.find({ _id: { $in: shown.map((entry) => entry.listingId) } })
      .select({ published: 1 })
      .lean<Array<Pick<ListingDocument, '_id' | 'published'>>>();
    const publishedById = new Map(listings.map((listing) => [listing._id, listing.published]));
    const last = shown.at(-1);
    res.json({
      items: shown.map((entry) => ({
        listingId: entry.listingId,
        savedAt: entry.savedAt.toISOString(),
        listing: publishedById.get(entry.listingId) ?? null,
      })),
      next:
        saved.length > limit && last
          ? savedCursor.encode({ savedAt: last.savedAt.toISOString(), listingId: last.listingId })
          : null,
    });
  });

  api.mount(app, savedListingsRoutes.counts, async (req, res) => {
    const actor = requireAnyRole(req, 'host', 'admin');
    const { ids } = savedListingsRoutes.counts.query(req);
    // Others' listings are left out, as unknown ones are: a host learns nothing about listings not theirs.
    const visible = hasRole(actor, 'admin')
      ? ids
      : (
          await Listing.find({ _id: { $in: ids }, hostId: actor.userId })
            .select({ _id: 1 })
            .lean<Array<Pick<ListingDocument, '_id'>>>()
        ).map((listing) => listing._id);
    const counted = await SavedListing.aggregate<{ _id: string; saves: number }>([
      { $match: { listingId: { $in: visible } } },
      { $group: { _id: '$listingId', saves: { $sum: 1 } } },
    ]);
    const saves = new Map(counted.map(({ _id, saves }) => [_id, saves]));
    res.json({ counts: Object.fromEntries(visible.map((id) => [id, saves.get(id) ?? 0])) });
  });

  api.mount(app, savedListingsRoutes.save, async (req, res) => {
    const { userId } = requireActor(req);
    const { id } = savedListingsRoutes.save.params(req);
    const listing = await Listing.findById(id)
      .select({ published: 1 })
      .lean<Pick<ListingDocument, 'published'>>();
    if (!listing?.published) throw notFound(`No published listing ${id}`);
    const _id = savedId(userId, id);
    if (await SavedListing.exists({ _id })) {
      res.status(204).end();
      return;
    }
    // Checked before the write, so saves at the same moment can pass the bound by a few: a bound, not a balance.
    if ((await SavedListing.countDocuments({ userId })) >= MAX_SAVED_LISTINGS)
      throw conflict('saved-limit', `At most ${MAX_SAVED_LISTINGS} listings can be saved; remove some first`);
    // Only sets on insert, so a save racing this one keeps the first save time; when both try to insert, the
    // loser's duplicate key means the listing is saved.
    await SavedListing.updateOne(
      { _id },
      { $setOnInsert: { userId, listingId: id, savedAt: new Date() } },
      { upsert: true },
    ).catch((err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    });
    res.status(204).end();
  });

  api.mount(app, savedListingsRoutes.unsave, async (req, res) => {
    const { userId } = requireActor(req);
    const { id } = savedListingsRoutes.unsave.params(req);
    await SavedListing.deleteOne({ _id: savedId(userId, id) });
    res.status(204).end();
  });
}
