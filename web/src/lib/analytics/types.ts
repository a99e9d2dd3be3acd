// The analytics service's reports (api/analytics/openapi.ts).
import type { Money } from '../bookings/types.ts';

export interface Funnel {
  from: string;
  to: string;
  stages: { requested: number; approved: number; confirmed: number; completed: number };
  dropOffs: {
    declined: number;
    expired: number;
    failed: number;
    cancelledBeforeConfirmation: number;
    cancelledAfterConfirmation: number;
  };
  awaitingOutcome: number;
  enteredWithoutRequestEvent: number;
  /** confirmed ÷ requested */
  conversion: number;
}

interface RevenueFigures {
  confirmedBookings: number;
  gross: Money;
  serviceFees: Money;
  hostFees: Money;
  platformFees: Money;
  cancelledBookings: number;
  cancelledGross: Money;
}

export interface Revenue {
  from: string;
  to: string;
  days: ({ date: string } & RevenueFigures)[];
  totals: RevenueFigures;
}

export interface Occupancy {
  from: string;
  to: string;
  city?: string;
  days: { date: string; nightsBooked: number }[];
  cities: { city: string; listings: number; nightsBooked: number; occupancyRate: number }[];
  listings: { listingId: string; city: string | null; nightsBooked: number; occupancyRate: number }[];
}

export interface Searches {
  from: string;
  to: string;
  totalSearches: number;
  cities: {
    city: string;
    searches: number;
    zeroResultSearches: number;
    averageResults: number;
    averageGuests: number | null;
  }[];
  days: { date: string; searches: number }[];
}
