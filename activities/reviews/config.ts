import { z } from 'zod';
import { url } from '@kvartirnsk/lib/config';

/** Settings of the reviews domain, shared by its worker pool and its API. */
export const reviewsConfigShape = {
  MONGO_URL: url('mongodb://127.0.0.1:27017'),
  REVIEWS_DATABASE: z.string().min(1).default('reviews'),
};
