import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  runBookingScenario,
  type ScenarioBundles,
  startScenarioEnvironment,
} from '../bookings/booking-scenarios';
import { DEFAULT_REMINDERS } from './contract';

// The booking flow's side of reviews: a completed stay asks the review pool to open the window, with the
// parties and the window length from the booking's terms; a stay that never happened opens none.
let env: TestWorkflowEnvironment;
let bundles: ScenarioBundles;

beforeAll(async () => {
  ({ env, bundles } = await startScenarioEnvironment());
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

it('opens the review window for guest and host when the stay completes', async () => {
  const { result, reviewWindowsOpened } = await runBookingScenario(
    env,
    bundles,
    'completed-with-review-window',
  );

  expect(result.status).toBe('completed');
  expect(reviewWindowsOpened).toEqual([
    {
      bookingId: result.bookingId,
      listingId: 'listing-1',
      guestId: 'guest-1',
      hostId: 'host-1',
      window: '10 days',
      remindBefore: DEFAULT_REMINDERS,
    },
  ]);
});

it('opens none for a booking cancelled before its stay', async () => {
  const { result, reviewWindowsOpened } = await runBookingScenario(
    env,
    bundles,
    'cancelled-awaiting-approval',
  );

  expect(result.status).toBe('cancelled');
  expect(reviewWindowsOpened).toEqual([]);
});
