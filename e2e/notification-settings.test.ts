import { NOTIFICATION_KINDS } from '../workflows/notifications/contract';
import { messages, type MessageKey } from '../web/src/lib/i18n';
import { MAILABLE_KINDS } from '../web/src/lib/messaging/notification-settings';

describe('the notification settings page', () => {
  it('offers every kind the workers mail, and only those (admins hear of escalations in the app only)', () => {
    expect([...MAILABLE_KINDS].sort()).toEqual(
      NOTIFICATION_KINDS.filter((kind) => kind !== 'listing_escalated').sort(),
    );
  });

  it('names every kind in Russian and in English', () => {
    for (const locale of ['ru', 'en'] as const) {
      const t = messages(locale);
      for (const kind of MAILABLE_KINDS) expect(t[`notify_${kind}` as MessageKey]).toMatch(/\S/);
    }
  });
});
