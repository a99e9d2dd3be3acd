import { z } from 'zod';
import { moneySchema } from '@kvartirnsk/lib/money-schema';
import { CANCELLATION_POLICIES } from '@kvartirnsk/workflows/bookings/cancellation-policy';
import { BOOKING_STATUSES } from '@kvartirnsk/workflows/bookings/contract';

// Response bodies of the bookings service, as its OpenAPI document describes them (requests are in app.ts).
// `BookingState` mirrors the interface of the same name in workflows/bookings/contract.ts; openapi.test.ts
// checks that states the workflow really produces parse against it.

const bookingStatusSchema = z.enum(BOOKING_STATUSES);

export const priceLineSchema = z.object({
  kind: z.enum(['night', 'cleaning_fee', 'service_fee']),
  date: z.iso.date().optional(),
  amount: moneySchema,
});

export const bookingQuoteSchema = z.object({
  listingId: z.string(),
  hostId: z.string(),
  nights: z.number().int(),
  lines: z.array(priceLineSchema),
  total: moneySchema,
  hostFee: moneySchema,
  hostPayout: moneySchema,
  instantBook: z.boolean(),
  // Optional: bookings started before cancellation policies were priced in have neither.
  cancellationPolicy: z.enum(CANCELLATION_POLICIES).optional(),
  checkInAt: z.string().optional(),
  checkOutAt: z.string(),
});

export const bookingStateSchema = z.object({
  bookingId: z.string(),
  listingId: z.string(),
  guestId: z.string(),
  checkIn: z.iso.date(),
  checkOut: z.iso.date(),
  status: bookingStatusSchema,
  quote: bookingQuoteSchema.optional(),
  paymentIntentId: z.string().optional(),
  approvalDeadline: z.string().optional(),
  refund: z
    .object({
      total: moneySchema,
      rule: z.string(),
      settled: z.boolean().optional().describe('The provider has refunded it (absent for older bookings)'),
    })
    .optional(),
  providerEvents: z
    .array(z.object({ id: z.string(), type: z.string(), amount: moneySchema.optional(), at: z.string() }))
    .optional(),
  failure: z.object({ type: z.string(), message: z.string() }).optional(),
  history: z.array(z.object({ status: bookingStatusSchema, at: z.string(), detail: z.string().optional() })),
});

export const bookingSummarySchema = z.object({
  bookingId: z.string(),
  listingId: z.string(),
  guestId: z.string(),
  hostId: z.string(),
  checkIn: z.iso.date(),
  checkOut: z.iso.date(),
  guests: z.number().int(),
  status: bookingStatusSchema,
  total: moneySchema,
  approvalDeadline: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
});

export const bookingPageSchema = z.object({
  items: z.array(bookingSummarySchema),
  /** Absent on the last page. */
  nextCursor: z.string().optional(),
});

export const bookingsComponents = {
  BookingState: bookingStateSchema,
  BookingSummary: bookingSummarySchema,
  Money: moneySchema,
};
