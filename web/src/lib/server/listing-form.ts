import { fail } from '@sveltejs/kit';
import { formatRoubles, parseRoubles } from '#lib/format.ts';
import { messages } from '#lib/i18n.ts';
import type { ListingFormValues, ListingView } from '#lib/listings/types.ts';
import type { Locale } from '#lib/locale.ts';

// The host's listing form: what it shows for a listing, and the listings API's body from what was typed.
// Prices are typed in roubles and sent in kopecks; anything that cannot be an amount or a pin is answered
// on the form before the API is asked, the rest the API validates and names by field.

export function formValuesOf(listing: ListingView): ListingFormValues {
  return {
    type: listing.type,
    title: listing.title,
    titleEn: listing.titleEn ?? '',
    description: listing.description,
    descriptionEn: listing.descriptionEn ?? '',
    city: listing.city,
    address: listing.address,
    lat: String(listing.location.lat),
    lon: String(listing.location.lon),
    timeZone: listing.timeZone,
    maxGuests: String(listing.maxGuests),
    bedrooms: String(listing.bedrooms),
    beds: String(listing.beds),
    bathrooms: String(listing.bathrooms),
    amenities: [...listing.amenities],
    houseRules: listing.houseRules,
    checkInTime: listing.checkInTime,
    checkOutTime: listing.checkOutTime,
    nightlyPrice: formatRoubles(listing.nightlyPrice),
    weekendPrice: listing.weekendPrice === null ? '' : formatRoubles(listing.weekendPrice),
    cleaningFee: formatRoubles(listing.cleaningFee),
    minNights: String(listing.minNights),
    maxNights: String(listing.maxNights),
    cancellationPolicy: listing.cancellationPolicy,
    instantBook: listing.instantBook,
  };
}

export const EMPTY_LISTING_FORM: ListingFormValues = {
  type: 'flat',
  title: '',
  titleEn: '',
  description: '',
  descriptionEn: '',
  city: '',
  address: '',
  lat: '',
  lon: '',
  timeZone: '',
  maxGuests: '2',
  bedrooms: '1',
  beds: '1',
  bathrooms: '1',
  amenities: [],
  houseRules: '',
  checkInTime: '15:00',
  checkOutTime: '12:00',
  nightlyPrice: '',
  weekendPrice: '',
  cleaningFee: '0',
  minNights: '1',
  maxNights: '365',
  cancellationPolicy: 'moderate',
  instantBook: false,
};

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

export function readListingForm(form: FormData): ListingFormValues {
  const values = { ...EMPTY_LISTING_FORM };
  for (const key of Object.keys(values) as (keyof ListingFormValues)[]) {
    if (key === 'amenities' || key === 'instantBook') continue;
    values[key] = text(form, key);
  }
  values.amenities = form.getAll('amenities').map(String);
  values.instantBook = form.get('instantBook') === 'on';
  return values;
}

/** A number the form holds, or NaN (the API then names the field). */
const whole = (value: string) => (value === '' ? Number.NaN : Number(value));

/** The listings API body, or a failure that names the fields typed wrong. */
export function listingBody(values: ListingFormValues, locale: Locale) {
  const t = messages(locale);
  const fields: Record<string, string> = {};
  const amount = (name: 'nightlyPrice' | 'weekendPrice' | 'cleaningFee', optional: boolean) => {
    if (optional && values[name] === '') return null;
    const kopecks = parseRoubles(values[name]);
    if (kopecks === undefined) fields[name] = t.amountInvalid;
    return kopecks ?? 0;
  };
  const nightlyPrice = amount('nightlyPrice', false);
  const weekendPrice = amount('weekendPrice', true);
  const cleaningFee = amount('cleaningFee', true) ?? 0;
  const lat = Number(values.lat);
  const lon = Number(values.lon);
  if (values.lat === '' || values.lon === '' || !Number.isFinite(lat) || !Number.isFinite(lon)) {
    fields.location = t.pinRequired;
  }
  // The time zone comes with a city picked from the suggestions.
  if (!values.timeZone) fields.city = t.pickCityFromSuggestions;
  if (Object.keys(fields).length > 0) {
    return { failure: fail(400, { message: `${t.fieldErrors}: ${Object.values(fields).join('; ')}`, fields, values }) };
  }
  return {
    body: {
      type: values.type,
      title: values.title,
      titleEn: values.titleEn || null,
      description: values.description,
      descriptionEn: values.descriptionEn || null,
      city: values.city,
      address: values.address,
      location: { lat, lon },
      timeZone: values.timeZone,
      maxGuests: whole(values.maxGuests),
      bedrooms: whole(values.bedrooms),
      beds: whole(values.beds),
      bathrooms: whole(values.bathrooms),
      amenities: values.amenities,
      houseRules: values.houseRules,
      checkInTime: values.checkInTime,
      checkOutTime: values.checkOutTime,
      nightlyPrice,
      weekendPrice,
      cleaningFee,
      minNights: whole(values.minNights),
      maxNights: whole(values.maxNights),
      cancellationPolicy: values.cancellationPolicy,
      instantBook: values.instantBook,
    },
  };
}
