import { nightsBetween } from '@kvartirnsk/lib/dates';
import { BookingFailureType, type BookingRequest } from '@kvartirnsk/workflows/bookings/contract';
import type { ListingReplicaTable } from './schema';

export interface StayViolation {
  field: keyof BookingRequest;
  type: BookingFailureType;
  message: string;
}

type ListingRules = Pick<
  ListingReplicaTable,
  'host_id' | 'max_guests' | 'min_nights' | 'max_nights' | 'published'
>;

/**
 * What is wrong with a request for a listing, field by field. The API answers these as a 400 before
 * starting anything; the workflow checks them again, as the listing may change in between.
 */
export function stayViolations(listing: ListingRules | undefined, request: BookingRequest): StayViolation[] {
  if (!listing || !listing.published) {
    return [
      {
        field: 'listingId',
        type: BookingFailureType.LISTING_NOT_FOUND,
        message: 'no such listing is open for booking',
      },
    ];
  }
  const violations: StayViolation[] = [];
  if (listing.host_id === request.guestId) {
    violations.push({
      field: 'guestId',
      type: BookingFailureType.INVALID_STAY,
      message: 'hosts cannot book their own listing',
    });
  }
  if (request.guests > listing.max_guests) {
    violations.push({
      field: 'guests',
      type: BookingFailureType.INVALID_STAY,
      message: `the listing takes at most ${listing.max_guests} guests`,
    });
  }
  const nights = nightsBetween(request.checkIn, request.checkOut);
  if (nights < listing.min_nights || nights > listing.max_nights) {
    violations.push({
      field: 'checkOut',
      type: BookingFailureType.INVALID_STAY,
      message: `stays at this listing are ${listing.min_nights} to ${listing.max_nights} nights`,
    });
  }
  return violations;
}
