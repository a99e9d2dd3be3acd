import { z } from 'zod';
import { positiveInt, url } from '@kvartirnsk/lib/config';
import { AUTO_PUBLISH_POLICIES, type ModerationPolicy } from '@kvartirnsk/workflows/moderation/contract';
import type { ModerationRules } from './checks';

const DEFAULT_BANNED_WORDS = [
  'казино',
  'casino',
  'наркотики',
  'drugs',
  'эскорт',
  'escort',
  'интим',
  'проститутки',
  'оружие',
  'weapons',
];

const duration = (fallback: string) =>
  z
    .string()
    .regex(/^\d+ ?(ms|s|m|h|d|seconds?|minutes?|hours?|days?)$/, 'must be a duration such as "24 hours"')
    .default(fallback);

/** Settings of the listings domain, shared by the listings API and the moderation worker pool. */
export const listingsConfigShape = {
  MONGO_URL: z.string().min(1).default('mongodb://127.0.0.1:27017'),
  LISTINGS_DATABASE: z.string().min(1).default('listings'),
  /** Public URL prefix of photo files, as clients reach them through the gateway. */
  PHOTO_BASE_URL: z.string().min(1).default('/api/listings/photos'),
  MODERATION_MIN_PHOTOS: z.coerce.number().int().min(0).default(3),
  MODERATION_MIN_DESCRIPTION_LENGTH: z.coerce.number().int().min(0).default(30),
  /** Sane nightly price range in kopecks (500 ₽ to 500 000 ₽ by default). */
  MODERATION_MIN_NIGHTLY_PRICE: positiveInt(50_000),
  MODERATION_MAX_NIGHTLY_PRICE: positiveInt(50_000_000),
  /** Comma-separated; replaces the default list. */
  MODERATION_BANNED_WORDS: z.string().default(DEFAULT_BANNED_WORDS.join(',')),
  MODERATION_AUTO_PUBLISH: z.enum(AUTO_PUBLISH_POLICIES).default('trusted_hosts'),
  MODERATION_ESCALATE_AFTER: duration('24 hours'),
  GEO_SERVICE_URL: url('http://127.0.0.1:4006'),
};

export type ListingsConfig = z.infer<z.ZodObject<typeof listingsConfigShape>>;

export function moderationRulesFrom(config: ListingsConfig): ModerationRules {
  return {
    minPhotos: config.MODERATION_MIN_PHOTOS,
    minDescriptionLength: config.MODERATION_MIN_DESCRIPTION_LENGTH,
    nightlyPriceRange: { min: config.MODERATION_MIN_NIGHTLY_PRICE, max: config.MODERATION_MAX_NIGHTLY_PRICE },
    bannedWords: config.MODERATION_BANNED_WORDS.split(',')
      .map((word) => word.trim())
      .filter(Boolean),
  };
}

export function moderationPolicyFrom(config: ListingsConfig): ModerationPolicy {
  return {
    autoPublish: config.MODERATION_AUTO_PUBLISH,
    escalateAfter: config.MODERATION_ESCALATE_AFTER,
  };
}
