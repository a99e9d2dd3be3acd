import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import type { Logger } from '@kvartirnsk/lib/logger';
import { PollingLoop } from '@kvartirnsk/lib/polling';
import { countMail, failureText, sendOutboxMail } from '@kvartirnsk/lib/mail';
import type { NotificationModels, OutboxMailDocument } from './models';

/** How long a relay owns a mail it took: another relay takes it over after this if the first one died. */
const LEASE_MS = 2 * 60_000;
/** When the users service cannot say where to mail, the batch waits this long and is not counted as a try. */
const RECIPIENTS_RETRY_MS = 10_000;

const recipientsSchema = z.object({
  items: z.array(z.object({ id: z.string(), email: z.string(), blocked: z.boolean() })),
});
type Recipient = z.infer<typeof recipientsSchema>['items'][number];

/** Where to mail these users: the users service keeps the addresses, so they live in one place only. */
export function usersServiceRecipients(usersServiceUrl: string) {
  return async (userIds: string[]): Promise<Map<string, Recipient>> => {
    const url = new URL('/internal/mail-recipients', usersServiceUrl);
    url.searchParams.set('ids', userIds.join(','));
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`users service answered ${res.status} for mail recipients`);
    const { items } = recipientsSchema.parse(await res.json());
    return new Map(items.map((recipient) => [recipient.id, recipient]));
  };
}

export interface NotificationMailRelayOptions {
  models: Pick<NotificationModels, 'OutboxMail'>;
  transport: Transporter;
  recipients: (userIds: string[]) => Promise<Map<string, Recipient>>;
  from: string;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
}

/**
 * Sends the notification worker's mail (messaging's mail_outbox, already rendered in the user's language) over
 * SMTP. A relay takes a due mail by moving its next attempt past a lease in one conditional update, so relays
 * in several worker processes never send the same mail at once; the Message-ID is the notification's, for the
 * receiver to drop a mail sent again after a crash. Failures wait and are tried again as account mail is.
 */
export class NotificationMailRelay {
  private readonly loop: PollingLoop;

  constructor(private readonly options: NotificationMailRelayOptions) {
    this.loop = new PollingLoop(() => this.sendDue(), {
      what: 'notification mail relay',
      logger: options.logger,
      intervalMs: options.intervalMs,
    });
  }

  /** Sends one batch of due mail; returns how many mails it took (sent or not). */
  async sendDue(): Promise<number> {
    const { models, batchSize = 20 } = this.options;
    const { OutboxMail } = models;
    const now = new Date();
    const due = await OutboxMail.find({ sentAt: null, failedAt: null, nextAttemptAt: { $lte: now } })
      .sort({ nextAttemptAt: 1 })
      .limit(batchSize)
      .lean<OutboxMailDocument[]>();
    const taken: OutboxMailDocument[] = [];
    for (const mail of due) {
      const claim = await OutboxMail.updateOne(
        { _id: mail._id, sentAt: null, nextAttemptAt: mail.nextAttemptAt },
        { $set: { nextAttemptAt: new Date(now.getTime() + LEASE_MS) } },
      );
      if (claim.modifiedCount === 1) taken.push(mail);
    }
    if (taken.length === 0) return 0;

    let recipients: Map<string, Recipient>;
    try {
      recipients = await this.options.recipients([...new Set(taken.map((mail) => mail.userId))]);
    } catch (err) {
      this.options.logger.warn({ err }, 'no mail recipients from the users service; will retry');
      await OutboxMail.updateMany(
        { _id: { $in: taken.map((mail) => mail._id) } },
        { $set: { nextAttemptAt: new Date(Date.now() + RECIPIENTS_RETRY_MS), lastError: failureText(err) } },
      );
      return taken.length;
    }
    for (const mail of taken) await this.send(mail, recipients.get(mail.userId));
    return taken.length;
  }

  private async send(mail: OutboxMailDocument, recipient: Recipient | undefined): Promise<void> {
    const { models, transport, from, logger } = this.options;
    const { OutboxMail } = models;
    if (!recipient || recipient.blocked) {
      const reason = recipient ? 'the recipient is blocked' : 'no such user';
      await OutboxMail.updateOne({ _id: mail._id }, { $set: { failedAt: new Date(), lastError: reason } });
      countMail('notification', 'failed');
      return;
    }
    const outcome = await sendOutboxMail(
      transport,
      {
        from,
        to: recipient.email,
        subject: mail.subject,
        text: mail.text,
        messageId: `<notification-${encodeURIComponent(mail._id)}@kvartirnsk.ru>`,
      },
      { source: 'notification', attempts: (mail.attempts ?? 0) + 1, logger },
    );
    await OutboxMail.updateOne(
      { _id: mail._id },
      {
        $set: outcome.sent
          ? { sentAt: new Date(), attempts: outcome.attempts, lastError: null }
          : {
              attempts: outcome.attempts,
              lastError: outcome.error,
              nextAttemptAt: outcome.retryAt,
              failedAt: outcome.giveUp ? new Date() : null,
            },
      },
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
