import { url } from '@kvartirnsk/lib/config';

/**
 * The public route table: `/api/<service>/...` goes to that service's `/<service>/...`. Each service owns
 * its top-level path, so the gateway needs no rewrite rules beyond dropping `/api`.
 */
export const serviceUrlConfigShape = {
  BOOKINGS_SERVICE_URL: url('http://127.0.0.1:4002'),
};

export type ServiceUrls = Record<string, string>;

export function serviceUrlsFrom(config: { BOOKINGS_SERVICE_URL: string }): ServiceUrls {
  return { bookings: config.BOOKINGS_SERVICE_URL };
}
