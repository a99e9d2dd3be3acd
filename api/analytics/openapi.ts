import { z } from 'zod';
import { moneySchema } from '@kvartirnsk/lib/money-schema';

// Response bodies of the analytics service, as its OpenAPI document describes them (queries are in app.ts).

const day = z.iso.date();
const range = { from: day, to: day };
const seconds = z.number().int().nullable().describe('Whole seconds; null when nothing could be timed');
const share = z.number().min(0).max(1);

export const funnelSchema = z.object({
  ...range,
  stages: z.object({
    requested: z.number().int(),
    approved: z.number().int(),
    confirmed: z.number().int(),
    completed: z.number().int(),
  }),
  dropOffs: z.object({
    declined: z.number().int(),
    expired: z.number().int(),
    failed: z.number().int(),
    cancelledBeforeConfirmation: z.number().int(),
    cancelledAfterConfirmation: z.number().int(),
  }),
  awaitingOutcome: z.number().int(),
  enteredWithoutRequestEvent: z
    .number()
    .int()
    .describe('Bookings counted from their first event because no booking.requested was received for them'),
  conversion: share.describe('confirmed ÷ requested'),
});

const revenueFigures = {
  confirmedBookings: z.number().int(),
  gross: moneySchema,
  serviceFees: moneySchema,
  hostFees: moneySchema,
  platformFees: moneySchema,
  cancelledBookings: z.number().int(),
  cancelledGross: moneySchema,
};

export const revenueSchema = z.object({
  ...range,
  days: z.array(z.object({ date: day, ...revenueFigures })),
  totals: z.object(revenueFigures),
});

export const occupancySchema = z.object({
  ...range,
  city: z.string().optional(),
  days: z.array(z.object({ date: day, nightsBooked: z.number().int() })),
  cities: z.array(
    z.object({
      city: z.string(),
      listings: z.number().int(),
      nightsBooked: z.number().int(),
      occupancyRate: share,
    }),
  ),
  listings: z.array(
    z.object({
      listingId: z.string(),
      city: z.string().nullable(),
      nightsBooked: z.number().int(),
      occupancyRate: share,
    }),
  ),
});

export const hostResponseSchema = z.object({
  ...range,
  responses: z.number().int(),
  approved: z.number().int(),
  declined: z.number().int(),
  timedResponses: z.number().int(),
  averageResponseSeconds: seconds,
  expiredWithoutAnswer: z.number().int(),
});

export const moderationSchema = z.object({
  ...range,
  decisions: z.number().int(),
  published: z.number().int(),
  rejected: z.number().int(),
  timedDecisions: z.number().int(),
  averageTurnaroundSeconds: seconds,
  maxTurnaroundSeconds: seconds,
  escalated: z.number().int(),
});

export const searchesSchema = z.object({
  ...range,
  totalSearches: z.number().int(),
  cities: z.array(
    z.object({
      city: z.string(),
      searches: z.number().int(),
      zeroResultSearches: z.number().int(),
      averageResults: z.number(),
      averageGuests: z.number().nullable(),
    }),
  ),
  days: z.array(z.object({ date: day, searches: z.number().int() })),
});

export const listingViewsSchema = z.object({
  ...range,
  city: z.string().optional(),
  listings: z.array(
    z.object({ listingId: z.string(), city: z.string().nullable(), views: z.number().int() }),
  ),
});

export const analyticsComponents = { Money: moneySchema };
