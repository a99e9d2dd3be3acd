import { z } from 'zod';
import { CURRENCIES } from './money';

// Validation of money at the boundaries (request bodies, events, documents). Kept apart from ./money so that
// workflow code, which uses only the arithmetic, does not evaluate zod for every workflow it starts.

export const currencySchema = z.enum(CURRENCIES);

export const kopecksSchema = z
  .number()
  .int('must be a whole number of kopecks')
  .refine(Number.isSafeInteger, 'is too large');

export const moneySchema = z.object({ amount: kopecksSchema, currency: currencySchema });
