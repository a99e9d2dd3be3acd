import nodemailer, { type Transporter } from 'nodemailer';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { url } from './config';
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

/** What to do after a failed send that was try number `attempts`: try again at `retryAt`, or give up. */
export function afterFailedSend(err: unknown, attempts: number): { giveUp: boolean; retryAt: Date } {
  return {
    giveUp: permanentMailFailure(err) || attempts >= MAX_MAIL_ATTEMPTS,
    retryAt: new Date(Date.now() + FIRST_RETRY_MS * 2 ** (attempts - 1)),
  };
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
