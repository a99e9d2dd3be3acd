/**
 * How a user appears to other users: the first name and the initials of the rest ("Анна П."), so a guest's or
 * a host's surname stays with the users service. The full name is only ever shown to its owner.
 */
export function displayName(name: string): string {
  const [first, ...rest] = name.trim().split(/\s+/u);
  if (!first) return '';
  const initials = rest.map((part) => `${[...part][0]!.toLocaleUpperCase()}.`).join(' ');
  return initials ? `${first} ${initials}` : first;
}
