import type { Transporter } from 'nodemailer';
import type { Logger } from '@kvartirnsk/lib/logger';
import { PollingLoop } from '@kvartirnsk/lib/polling';
import { countMail, sendOutboxMail, type MailConfig } from '@kvartirnsk/lib/mail';
import { sql } from '@kvartirnsk/lib/postgres';
import { renderAccountMail } from './account-mail';
import { ONE_TIME_TOKEN_PURPOSES, type OneTimeTokenPurpose, type UsersDb } from './schema';

export interface AccountMailRelayOptions {
  db: UsersDb;
  transport: Transporter;
  config: Pick<MailConfig, 'MAIL_FROM' | 'WEB_BASE_URL'>;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
}

const isPurpose = (template: string): template is OneTimeTokenPurpose =>
  (ONE_TIME_TOKEN_PURPOSES as readonly string[]).includes(template);

/**
 * Sends the users service's mail_outbox through SMTP. Rows are locked while they are sent (FOR UPDATE SKIP
 * LOCKED), so several service instances share the work without sending a mail twice; a crash between the
 * relay's answer and the commit sends it again, with the same Message-ID for the receiver to drop. A failed
 * send is tried again later with a doubling wait, and given up at once when the relay refuses it for good.
 */
export class AccountMailRelay {
  private readonly loop: PollingLoop;

  constructor(private readonly options: AccountMailRelayOptions) {
    this.loop = new PollingLoop(() => this.sendDue(), {
      what: 'account mail relay',
      logger: options.logger,
      intervalMs: options.intervalMs,
    });
  }

  /** Sends one batch of due mail; returns how many rows it handled (sent or not). */
  async sendDue(): Promise<number> {
    const { db, transport, config, logger, batchSize = 20 } = this.options;
    return db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('mail_outbox')
        .select(['id', 'to_email', 'template', 'payload', 'attempts'])
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('next_attempt_at', '<=', sql<Date>`now()`)
        .orderBy('id')
        .limit(batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return 0;
      const recipients = await trx
        .selectFrom('users')
        .select(['email', 'locale'])
        .where(
          'email',
          'in',
          due.map((row) => row.to_email),
        )
        .execute();
      const localeOf = new Map(recipients.map((user) => [user.email, user.locale]));

      for (const row of due) {
        const token = row.payload.token;
        if (!isPurpose(row.template) || typeof token !== 'string') {
          await trx
            .updateTable('mail_outbox')
            .set({ failed_at: new Date(), last_error: `no mail for template ${row.template}` })
            .where('id', '=', row.id)
            .execute();
          countMail('account', 'failed');
          continue;
        }
        const mail = renderAccountMail(
          row.template,
          token,
          localeOf.get(row.to_email) ?? 'ru',
          config.WEB_BASE_URL,
        );
        const outcome = await sendOutboxMail(
          transport,
          {
            from: config.MAIL_FROM,
            to: row.to_email,
            subject: mail.subject,
            text: mail.text,
            messageId: `<account-mail-${row.id}@kvartirnsk.ru>`,
          },
          { source: 'account', attempts: row.attempts + 1, logger },
        );
        await trx
          .updateTable('mail_outbox')
          .set(
            outcome.sent
              ? { sent_at: new Date(), attempts: outcome.attempts, last_error: null }
              : {
                  attempts: outcome.attempts,
                  last_error: outcome.error,
                  next_attempt_at: outcome.retryAt,
                  failed_at: outcome.giveUp ? new Date() : null,
                },
          )
          .where('id', '=', row.id)
          .execute();
      }
      return due.length;
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
