import { z } from 'zod';
import { positiveInt, url } from '@kvartirnsk/lib/config';
import type { FeeRates } from './pricing';

/** Settings of the bookings domain, shared by its worker pool and its API. */
export const bookingsConfigShape = {
  BOOKINGS_DATABASE_URL: url('postgres://kvartirnsk:kvartirnsk@127.0.0.1:5432/bookings'),
  /** Guest service fee in basis points of nights plus cleaning (1200 = 12 %). */
  GUEST_SERVICE_FEE_BP: positiveInt(1200),
  /** Host fee in basis points of nights plus cleaning (300 = 3 %). */
  HOST_FEE_BP: positiveInt(300),
  /** How long a host has to answer a request to book. */
  BOOKING_APPROVAL_WINDOW: z
    .string()
    .regex(/^\d+ ?(ms|s|m|h|d|seconds?|minutes?|hours?|days?)$/)
    .default('24 hours'),
};

export function feeRatesFrom(config: { GUEST_SERVICE_FEE_BP: number; HOST_FEE_BP: number }): FeeRates {
  return { guestServiceFeeBasisPoints: config.GUEST_SERVICE_FEE_BP, hostFeeBasisPoints: config.HOST_FEE_BP };
}
