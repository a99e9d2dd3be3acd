import type { Request } from 'express';
import { z } from 'zod';
import { isoDateSchema, nightsBetween } from '@kvartirnsk/lib/dates';
import { createServiceApp } from '@kvartirnsk/lib/http';
import { requireAnyRole } from '@kvartirnsk/lib/identity';
import type { Logger } from '@kvartirnsk/lib/logger';
import { defineRoute, ServiceApi } from '@kvartirnsk/lib/openapi';
import { withoutNul } from '@kvartirnsk/lib/text';
import {
  analyticsComponents,
  funnelSchema,
  hostResponseSchema,
  listingViewsSchema,
  moderationSchema,
  occupancySchema,
  revenueSchema,
  searchesSchema,
} from './openapi';
import {
  bookingFunnel,
  hostResponse,
  listingViews,
  moderationTurnaround,
  occupancy,
  revenuePerDay,
  searches,
} from './reports';
import type { AnalyticsDb } from './schema';

/** The longest range one request may aggregate: a year, leap day included. */
const MAX_RANGE_DAYS = 366;

const rangeShape = {
  from: isoDateSchema.describe('First day of the range (Moscow time), included'),
  to: isoDateSchema.describe(`Last day of the range, included; at most ${MAX_RANGE_DAYS} days in all`),
};

/** Range rules on a report's query, reported on `to` so the 400 names the field to fix. */
const withValidRange = <Schema extends z.ZodType<{ from: string; to: string }>>(schema: Schema): Schema =>
  schema
    .refine((q) => q.to >= q.from, { path: ['to'], message: 'must not be before from' })
    .refine((q) => q.to < q.from || nightsBetween(q.from, q.to) + 1 <= MAX_RANGE_DAYS, {
      path: ['to'],
      message: `must be at most ${MAX_RANGE_DAYS} days from from, both included`,
    });

const rangeQuery = withValidRange(z.object(rangeShape).strict());
const city = withoutNul(z.string().trim().min(1).max(200)).optional().describe('Only this city');
const occupancyQuery = withValidRange(z.object({ ...rangeShape, city }).strict());
const listingViewsQuery = withValidRange(
  z.object({ ...rangeShape, city, limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(),
);

const report = <Query extends z.ZodObject>(
  path: string,
  operationId: string,
  summary: string,
  query: Query,
  response: z.ZodType,
) =>
  defineRoute({
    method: 'get',
    path: `/analytics/${path}`,
    operationId,
    summary: `${summary} (admin or finance)`,
    security: 'bearer',
    query,
    responses: { 200: response },
    problems: [403],
  });

// Handlers validate with these declarations, and the service's OpenAPI document is written from them.
export const analyticsRoutes = {
  funnel: report(
    'funnel',
    'bookingFunnel',
    'Bookings that entered on these days and how far they got',
    rangeQuery,
    funnelSchema,
  ),
  occupancy: report(
    'occupancy',
    'occupancy',
    'Nights booked per day, listing and city',
    occupancyQuery,
    occupancySchema,
  ),
  revenue: report('revenue', 'revenue', 'Guest money and platform fees per day', rangeQuery, revenueSchema),
  hostResponse: report(
    'host-response',
    'hostResponse',
    "Hosts' time to answer requests to book",
    rangeQuery,
    hostResponseSchema,
  ),
  moderation: report(
    'moderation',
    'moderationTurnaround',
    'Moderation decisions and their turnaround',
    rangeQuery,
    moderationSchema,
  ),
  searches: report('searches', 'searches', 'Searches per city and per day', rangeQuery, searchesSchema),
  listingViews: report(
    'listing-views',
    'listingViews',
    'The most viewed listings',
    listingViewsQuery,
    listingViewsSchema,
  ),
};

export interface AnalyticsAppDeps {
  db: AnalyticsDb;
  logger: Logger;
}

/** Validates a report's query after its caller's roles: outsiders learn nothing about what is valid. */
function reportQuery<Query extends { from: string; to: string }>(
  req: Request,
  route: { query(req: Request): Query },
): Query {
  requireAnyRole(req, 'admin', 'finance');
  return route.query(req);
}

export function createAnalyticsApp({ db, logger }: AnalyticsAppDeps) {
  return createServiceApp({
    logger,
    readiness: async () => {
      await db.selectFrom('processed_events').select('event_id').limit(1).execute();
    },
    routes(app) {
      const api = new ServiceApi({
        info: { title: 'Kvartirnsk analytics', version: '1' },
        schemas: analyticsComponents,
      });
      api.serve(app, '/analytics/openapi.json');

      api.mount(app, analyticsRoutes.funnel, async (req, res) => {
        res.json(await bookingFunnel(db, reportQuery(req, analyticsRoutes.funnel)));
      });
      api.mount(app, analyticsRoutes.occupancy, async (req, res) => {
        res.json(await occupancy(db, reportQuery(req, analyticsRoutes.occupancy)));
      });
      api.mount(app, analyticsRoutes.revenue, async (req, res) => {
        res.json(await revenuePerDay(db, reportQuery(req, analyticsRoutes.revenue)));
      });
      api.mount(app, analyticsRoutes.hostResponse, async (req, res) => {
        res.json(await hostResponse(db, reportQuery(req, analyticsRoutes.hostResponse)));
      });
      api.mount(app, analyticsRoutes.moderation, async (req, res) => {
        res.json(await moderationTurnaround(db, reportQuery(req, analyticsRoutes.moderation)));
      });
      api.mount(app, analyticsRoutes.searches, async (req, res) => {
        res.json(await searches(db, reportQuery(req, analyticsRoutes.searches)));
      });
      api.mount(app, analyticsRoutes.listingViews, async (req, res) => {
        res.json(await listingViews(db, reportQuery(req, analyticsRoutes.listingViews)));
      });
    },
  });
}
