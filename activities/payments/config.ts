import { url } from '@kvartirnsk/lib/config';

/** Settings of the payments domain's own database. */
export const paymentsConfigShape = {
  PAYMENTS_DATABASE_URL: url('postgres://kvartirnsk:kvartirnsk@127.0.0.1:5432/payments'),
};
