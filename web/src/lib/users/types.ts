/** What one user may see of another (the users service's PublicProfile). */
export interface PublicProfile {
  id: string;
  /** First name and initials, e.g. "Анна П.". */
  displayName: string;
  avatarUrl: string | null;
  languages: string[];
  emailVerified: boolean;
  isHost: boolean;
  memberSince: string;
}
