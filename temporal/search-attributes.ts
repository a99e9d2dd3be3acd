import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Registered with the server from search-attributes.json (dev server flags, compose admin-tools);
// a test keeps these typed keys and that file in step.
export const BookingStatusKey = defineSearchAttributeKey('BookingStatus', SearchAttributeType.KEYWORD);
export const ListingIdKey = defineSearchAttributeKey('ListingId', SearchAttributeType.KEYWORD);
export const HostIdKey = defineSearchAttributeKey('HostId', SearchAttributeType.KEYWORD);
export const GuestIdKey = defineSearchAttributeKey('GuestId', SearchAttributeType.KEYWORD);
export const CheckInKey = defineSearchAttributeKey('CheckIn', SearchAttributeType.DATETIME);
export const AmountKopecksKey = defineSearchAttributeKey('AmountKopecks', SearchAttributeType.INT);
export const ModerationStatusKey = defineSearchAttributeKey('ModerationStatus', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTE_KEYS = [
  BookingStatusKey,
  ListingIdKey,
  HostIdKey,
  GuestIdKey,
  CheckInKey,
  AmountKopecksKey,
  ModerationStatusKey,
] as const;
