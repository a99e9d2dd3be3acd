import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { url } from './config';
import type { Logger } from './logger';
import { metricsRegistry } from './metrics';

/** Where services send their mail: mailpit on the local stack (scripts/stack), a real relay in production. */
export const mailConfigShape = {
  SMTP_URL: url('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Квартирнск <no-reply@kvartirnsk.ru>'),
  /** Links in mail point here: the web app as its users reach it. */
  WEB_BASE_URL: url('http://localhost:3000'),
};

export interface MailConfig {
  SMTP_URL: string;
  MAIL_FROM: string;
  WEB_BASE_URL: string;
}

/** An SMTP transport that waits at most 15 s for the relay to answer, so a stuck relay cannot hold a sender. */
export function createMailTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
  });
}

/** Tries before a mail is given up: the waits double from 5 s, so the last try is about 40 minutes in. */
export const MAX_MAIL_ATTEMPTS = 10;
const FIRST_RETRY_MS = 5_000;

/** How one try of an outbox mail went, for its relay to record beside the mail. */
export type SendOutcome =
  | { sent: true; attempts: number }
  | { sent: false; attempts: number; error: string; giveUp: boolean; retryAt: Date };

/**
 * Sends one mail of an outbox as its try number `attempts`, counts the outcome and logs a failure; the relay
 * records what it says. A failure is tried again after a doubling wait, and given up after MAX_MAIL_ATTEMPTS
 * tries or at once when the SMTP relay refuses it for good.
 */
export async function sendOutboxMail(
  transport: Transporter,
  mail: SendMailOptions,
  { source, attempts, logger }: { source: string; attempts: number; logger: Logger },
): Promise<SendOutcome> {
  try {
    await transport.sendMail(mail);
    countMail(source, 'sent');
    return { sent: true, attempts };
  } catch (err) {
    const giveUp = permanentMailFailure(err) || attempts >= MAX_MAIL_ATTEMPTS;
    countMail(source, giveUp ? 'failed' : 'retry');
    logger.warn({ err, messageId: mail.messageId, attempts, giveUp }, `${source} mail not sent`);
    return {
      sent: false,
      attempts,
      error: failureText(err),
      giveUp,
      retryAt: new Date(Date.now() + FIRST_RETRY_MS * 2 ** (attempts - 1)),
    };
  }
}

/** A failure's message as kept beside the mail, for whoever looks into why it was not sent. */
export const failureText = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * Whether a send failed for good: the relay answered 5xx (no such mailbox, refused) rather than a temporary
 * 4xx or no answer at all, so trying again would only fail again.
 */
export function permanentMailFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500;
}

const mails = new Counter({
  name: 'kvartirnsk_mail_total',
  help: 'Mail handed to the SMTP relay, or not, by source and outcome (sent, retry later, failed for good)',
  labelNames: ['source', 'outcome'] as const,
  registers: [metricsRegistry],
});

export function countMail(source: string, outcome: 'sent' | 'retry' | 'failed'): void {
  mails.inc({ source, outcome });
}
