import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type Stripe from 'stripe';
import { createPaymentActivities } from '@kvartirnsk/activities/payments/activities';
import { post, transfer } from '@kvartirnsk/activities/payments/ledger';
import {
  LedgerAccount,
  paymentsMigrations,
  type PaymentsDatabase,
} from '@kvartirnsk/activities/payments/schema';
import { createStripe, stripeConfigShape } from '@kvartirnsk/activities/payments/stripe';
import {
  startStripeFaultProxy,
  type StripeFaultProxy,
} from '@kvartirnsk/activities/payments/stripe-fault-proxy';
import { loadConfig } from '@kvartirnsk/lib/config';
import { createLogger } from '@kvartirnsk/lib/logger';
import { money } from '@kvartirnsk/lib/money';
import { createTestDatabase, type TestDatabase } from '@kvartirnsk/lib/testing';
import { bundleWorkflows, connectTestClient, startTestWorkers } from '@kvartirnsk/temporal/testing';
import { createPaymentsApp } from './app';

// Helpers for the payments API's tests (not a test file itself): a ledger database of the file's own, the payment
// pool on a task queue of the file's own on the real dev server, and stripe-mock behind the fault proxy.

export interface PaymentsApiStack {
  testDb: TestDatabase<PaymentsDatabase>;
  temporal: Client;
  /** The file's own payments task queue, where its payment pool runs workflows the test starts. */
  queue: string;
  /** Counts the provider calls; passes them through unless told to fail. */
  provider: StripeFaultProxy;
  /** The provider's client, through `provider`. */
  stripe: Stripe;
  app: ReturnType<typeof createPaymentsApp>;
  close(): Promise<void>;
}

/** The payment pool on `queue`, calling the provider with `stripe` and posting to `testDb`'s ledger. */
export async function startPaymentPool(
  queue: string,
  testDb: TestDatabase<PaymentsDatabase>,
  stripe: Stripe,
): Promise<{ stop(): Promise<void> }> {
  return startTestWorkers([
    {
      taskQueue: queue,
      workflowBundle: await bundleWorkflows('@kvartirnsk/workflows/payments/index'),
      activities: createPaymentActivities({ stripe, db: testDb.db }),
    },
  ]);
}

export async function startPaymentsApiStack(name: string): Promise<PaymentsApiStack> {
  const queue = `payments-${name}-${randomBytes(4).toString('hex')}`;
  const testDb = await createTestDatabase<PaymentsDatabase>(`payments_${name}`, paymentsMigrations);
  const stripeConfig = loadConfig(stripeConfigShape);
  const provider = await startStripeFaultProxy(stripeConfig.STRIPE_API_BASE);
  const stripe = createStripe({ ...stripeConfig, STRIPE_API_BASE: provider.url });
  const temporal = await connectTestClient();
  const workers = await startPaymentPool(queue, testDb, stripe);
  const app = createPaymentsApp({
    db: testDb.db,
    temporal,
    stripe,
    webhookSecret: 'whsec_unused',
    logger: createLogger('test', 'silent'),
    paymentsTaskQueue: queue,
  });
  return {
    testDb,
    temporal,
    queue,
    provider,
    stripe,
    app,
    async close() {
      await workers.stop();
      await provider.close();
      await temporal.connection.close();
      await testDb.drop();
    },
  };
}

/** A booking whose 7 000 ₽ were captured, as the payment workflow would have posted it. */
export async function capturedBooking(testDb: TestDatabase<PaymentsDatabase>): Promise<string> {
  const bookingId = randomUUID();
  await post(testDb.db, {
    idempotencyKey: `capture-${bookingId}`,
    kind: 'capture',
    bookingId,
    paymentIntentId: `pi_${bookingId.slice(0, 8)}`,
    entries: transfer(LedgerAccount.PROVIDER_RECEIVABLE, LedgerAccount.GUEST_PREPAYMENTS, money(700_000)),
  });
  return bookingId;
}
