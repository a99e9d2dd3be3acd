import type { z } from 'zod';
import type { validListingFieldsSchema } from '@kvartirnsk/activities/listings/listing';
import type { AccountDetails } from './gateway-client';

// The demo accounts and listings `npm start` loads (scripts/demo-data.ts) and the browser journeys use. The
// listings service picks listing ids, so clients find a demo listing by its host and title.

/** Every demo account's password; for local development only. */
export const DEMO_PASSWORD = 'kvartirnsk-demo';

export const DEMO_HOSTS = {
  anna: { email: 'anna@kvartirnsk.local', name: 'Анна', password: DEMO_PASSWORD },
  igor: { email: 'igor@kvartirnsk.local', name: 'Игорь', password: DEMO_PASSWORD },
  oleg: { email: 'oleg@kvartirnsk.local', name: 'Олег', password: DEMO_PASSWORD },
} as const satisfies Record<string, AccountDetails>;

export const DEMO_GUEST: AccountDetails = {
  email: 'guest@kvartirnsk.local',
  name: 'Мария',
  password: DEMO_PASSWORD,
};

type ListingInput = z.input<typeof validListingFieldsSchema>;

export interface DemoListing {
  host: keyof typeof DEMO_HOSTS;
  /** Drawn on the generated photos, which are labelled in Latin letters (fonts for Cyrillic may be missing). */
  photoLabel: string;
  /** Two colours of the generated photos' gradient. */
  photoColours: [string, string];
  fields: ListingInput & { title: string };
}

export const DEMO_LISTINGS = {
  moscowArbat: {
    host: 'anna',
    photoLabel: 'Arbat studio',
    photoColours: ['#f6d365', '#fda085'],
    fields: {
      type: 'flat',
      title: 'Студия на Арбате',
      titleEn: 'Studio on the Arbat',
      description:
        'Светлая студия в доме на пешеходном Арбате: до Кремля двадцать минут пешком, рядом кафе, театры и ' +
        'две станции метро. Большая кровать, рабочий стол, кухня со всем нужным.',
      descriptionEn:
        'A bright studio on the pedestrian Arbat, a twenty-minute walk from the Kremlin, with cafés, ' +
        'theatres and two metro stations nearby. A large bed, a desk and a fully equipped kitchen.',
      city: 'Москва',
      address: 'ул. Арбат, д. 24',
      location: { lat: 55.7497, lon: 37.5922 },
      timeZone: 'Europe/Moscow',
      maxGuests: 2,
      bedrooms: 0,
      beds: 1,
      bathrooms: 1,
      amenities: ['wifi', 'kitchen', 'washer', 'heating', 'tv', 'workspace', 'elevator', 'self_check_in'],
      houseRules: 'Без вечеринок, тишина после 23:00. Курение запрещено.',
      checkInTime: '14:00',
      checkOutTime: '12:00',
      currency: 'RUB',
      nightlyPrice: 650_000,
      weekendPrice: 780_000,
      cleaningFee: 150_000,
      minNights: 1,
      maxNights: 30,
      cancellationPolicy: 'flexible',
      instantBook: true,
    },
  },
  saintPetersburgNevsky: {
    host: 'igor',
    photoLabel: 'Nevsky flat',
    photoColours: ['#a1c4fd', '#c2e9fb'],
    fields: {
      type: 'flat',
      title: 'Двухкомнатная у Невского проспекта',
      titleEn: 'Two-bedroom flat by Nevsky Prospect',
      description:
        'Просторная квартира в доходном доме XIX века в двух минутах от Невского проспекта. Высокие потолки, ' +
        'две спальни, гостиная с эркером; Эрмитаж и Казанский собор в пешей доступности.',
      descriptionEn:
        'A spacious flat in a nineteenth-century apartment house two minutes from Nevsky Prospect: high ' +
        'ceilings, two bedrooms and a bay-windowed living room, within walking distance of the Hermitage.',
      city: 'Санкт-Петербург',
      address: 'ул. Рубинштейна, д. 15',
      location: { lat: 59.9301, lon: 30.3445 },
      timeZone: 'Europe/Moscow',
      maxGuests: 4,
      bedrooms: 2,
      beds: 3,
      bathrooms: 1,
      amenities: ['wifi', 'kitchen', 'washer', 'dishwasher', 'heating', 'tv', 'family_friendly'],
      houseRules: 'Без вечеринок и шумных мероприятий. Обувь снимать у входа. Без животных.',
      checkInTime: '15:00',
      checkOutTime: '11:00',
      currency: 'RUB',
      nightlyPrice: 520_000,
      weekendPrice: 610_000,
      cleaningFee: 120_000,
      minNights: 2,
      maxNights: 28,
      cancellationPolicy: 'moderate',
      instantBook: true,
    },
  },
  kazanKremlin: {
    host: 'anna',
    photoLabel: 'Kazan Kremlin view',
    photoColours: ['#84fab0', '#8fd3f4'],
    fields: {
      type: 'flat',
      title: 'Квартира с видом на Кремль',
      titleEn: 'Flat with a view of the Kremlin',
      description:
        'Однокомнатная квартира на девятом этаже с видом на Казанский Кремль и мечеть Кул-Шариф. До улицы ' +
        'Баумана десять минут пешком, во дворе охраняемая парковка.',
      descriptionEn:
        'A one-bedroom flat on the ninth floor overlooking the Kazan Kremlin and the Kul Sharif mosque, ten ' +
        'minutes on foot from Bauman Street, with guarded parking in the yard.',
      city: 'Казань',
      address: 'ул. Баумана, д. 9',
      location: { lat: 55.793, lon: 49.109 },
      timeZone: 'Europe/Moscow',
      maxGuests: 3,
      bedrooms: 1,
      beds: 2,
      bathrooms: 1,
      amenities: ['wifi', 'kitchen', 'washer', 'air_conditioning', 'heating', 'tv', 'elevator', 'parking'],
      houseRules: 'Тишина после 22:00. Курение запрещено. Без животных.',
      checkInTime: '14:00',
      checkOutTime: '12:00',
      currency: 'RUB',
      nightlyPrice: 390_000,
      weekendPrice: null,
      cleaningFee: 80_000,
      minNights: 1,
      maxNights: 14,
      cancellationPolicy: 'moderate',
      instantBook: true,
    },
  },
  sochiSea: {
    host: 'oleg',
    photoLabel: 'Sochi sea house',
    photoColours: ['#43cea2', '#185a9d'],
    fields: {
      type: 'house',
      title: 'Дом у моря',
      titleEn: 'House by the sea',
      description:
        'Двухэтажный дом с садом и террасой в пяти минутах от пляжа. Три спальни, две ванные, мангал и ' +
        'парковка на две машины; хозяин встречает гостей лично и помогает с экскурсиями.',
      descriptionEn:
        'A two-storey house with a garden and a terrace five minutes from the beach: three bedrooms, two ' +
        'bathrooms, a barbecue and parking for two cars. The host meets guests in person.',
      city: 'Сочи',
      address: 'ул. Приморская, д. 5',
      location: { lat: 43.58, lon: 39.72 },
      timeZone: 'Europe/Moscow',
      maxGuests: 6,
      bedrooms: 3,
      beds: 4,
      bathrooms: 2,
      amenities: [
        'wifi',
        'kitchen',
        'washer',
        'air_conditioning',
        'tv',
        'parking',
        'balcony',
        'sea_view',
        'family_friendly',
      ],
      houseRules: 'Без вечеринок. Тишина после 23:00. Курение только на террасе.',
      checkInTime: '15:00',
      checkOutTime: '10:00',
      currency: 'RUB',
      nightlyPrice: 900_000,
      weekendPrice: 1_100_000,
      cleaningFee: 250_000,
      minNights: 3,
      maxNights: 21,
      cancellationPolicy: 'strict',
      instantBook: false,
    },
  },
  yekaterinburgCentre: {
    host: 'igor',
    photoLabel: 'Yekaterinburg room',
    photoColours: ['#e0c3fc', '#8ec5fc'],
    fields: {
      type: 'room',
      title: 'Комната в центре Екатеринбурга',
      titleEn: 'Room in central Yekaterinburg',
      description:
        'Отдельная комната в квартире хозяина рядом с Плотинкой и станцией метро «Площадь 1905 года». Общие ' +
        'кухня и ванная, быстрый интернет, тихий двор.',
      descriptionEn:
        "A private room in the host's flat near the Plotinka and the Ploshchad 1905 Goda metro station: " +
        'shared kitchen and bathroom, fast internet, a quiet courtyard.',
      city: 'Екатеринбург',
      address: 'ул. Малышева, д. 36',
      location: { lat: 56.836, lon: 60.605 },
      timeZone: 'Asia/Yekaterinburg',
      maxGuests: 1,
      bedrooms: 1,
      beds: 1,
      bathrooms: 1,
      amenities: ['wifi', 'kitchen', 'heating', 'workspace'],
      houseRules: 'Тишина после 22:00. Без гостей и животных. Курение запрещено.',
      checkInTime: '15:00',
      checkOutTime: '12:00',
      currency: 'RUB',
      nightlyPrice: 210_000,
      weekendPrice: null,
      cleaningFee: 0,
      minNights: 1,
      maxNights: 60,
      cancellationPolicy: 'moderate',
      instantBook: true,
    },
  },
} satisfies Record<string, DemoListing>;

export type DemoListingKey = keyof typeof DEMO_LISTINGS;
