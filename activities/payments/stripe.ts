import Stripe from 'stripe';
import { z } from 'zod';
import { url } from '@kvartirnsk/lib/config';

export const stripeConfigShape = {
  STRIPE_API_KEY: z.string().startsWith('sk_').default('sk_test_kvartirnsk'),
  /** Where the Stripe API lives: stripe-mock locally, our fault proxy in tests, api.stripe.com in production. */
  STRIPE_API_BASE: url('http://127.0.0.1:12111'),
};

export type StripeConfig = z.infer<z.ZodObject<typeof stripeConfigShape>>;

/**
 * A Stripe client with its own retries off: Temporal's activity retries own the retry policy, and the
 * idempotency key we pass makes each retry safe.
 */
export function createStripe({ STRIPE_API_KEY, STRIPE_API_BASE }: StripeConfig): Stripe {
  const base = new URL(STRIPE_API_BASE);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(STRIPE_API_KEY, {
    host: base.hostname,
    port: Number(base.port || (protocol === 'http' ? 80 : 443)),
    protocol,
    maxNetworkRetries: 0,
    timeout: 20_000,
    telemetry: false,
  });
}
