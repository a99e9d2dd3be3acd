import { positiveInt, url } from '@kvartirnsk/lib/config';

/** Settings of the bookings domain, shared by its worker pool and its API. */
export const bookingsConfigShape = {
  BOOKINGS_DATABASE_URL: url('postgres://kvartirnsk:kvartirnsk@127.0.0.1:5432/bookings'),
  /** Guest service fee in basis points of nights plus cleaning (1200 = 12 %). */
  GUEST_SERVICE_FEE_BP: positiveInt(1200),
};
