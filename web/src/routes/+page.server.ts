import { addDays } from '#lib/format.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = () => {
  const today = new Date().toISOString().slice(0, 10);
  return { today, defaultCheckIn: addDays(today, 14), defaultCheckOut: addDays(today, 17) };
};
