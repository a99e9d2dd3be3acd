import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
  locale: locals.locale,
  user: locals.user ? { name: locals.user.name, email: locals.user.email, roles: locals.user.roles } : null,
});
