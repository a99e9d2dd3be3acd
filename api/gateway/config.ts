import { positiveInt, url } from '@kvartirnsk/lib/config';

export const gatewayConfigShape = {
  /** The web app's origin, the only one browsers may call the API from. */
  WEB_ORIGIN: url('http://localhost:3000'),
  /** Largest request body forwarded to a service; bigger ones get 413 before reaching it. */
  BODY_LIMIT_BYTES: positiveInt(1024 * 1024),
  RATE_LIMIT_PER_USER_PER_MINUTE: positiveInt(300),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: positiveInt(600),
};

export interface GatewayLimits {
  BODY_LIMIT_BYTES: number;
  RATE_LIMIT_PER_USER_PER_MINUTE: number;
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: number;
}
