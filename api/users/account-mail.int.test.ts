import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createMailTransport, MAX_MAIL_ATTEMPTS, permanentMailFailure } from '@kvartirnsk/lib/mail';
import { createLogger } from '@kvartirnsk/lib/logger';
import { metricsRegistry } from '@kvartirnsk/lib/metrics';
import { eventually } from '@kvartirnsk/lib/testing';
import { mailTo, TEST_SMTP_URL } from '@kvartirnsk/lib/testing-mail';
import { AccountMailRelay } from './account-mail-relay';
import { lastMailedToken, startUsersStack, type UsersStack } from './test-support';

// The users service's mail, from the outbox through a real SMTP server (mailpit) to the mailbox.
let stack: UsersStack;
const WEB = 'https://kvartirnsk.example';
const config = { MAIL_FROM: 'Квартирнск <no-reply@kvartirnsk.ru>', WEB_BASE_URL: WEB };
const logger = createLogger('account-mail-test', 'silent');
const transport = createMailTransport(TEST_SMTP_URL);
// Nothing listens on port 9 (discard) here: every send fails as if the relay were down.
const brokenTransport = createMailTransport('smtp://127.0.0.1:9');

beforeAll(async () => {
  stack = await startUsersStack('account-mail');
});

afterAll(async () => {
  transport.close();
  brokenTransport.close();
  await stack.close();
});

const relayThrough = (via = transport) =>
  new AccountMailRelay({ db: stack.testDb.db, transport: via, config, logger });
const newAddress = () => `mail-${randomUUID()}@example.com`;

async function signUp(email: string, locale?: 'ru' | 'en') {
  const res = await request(stack.gateway)
    .post('/api/users/sign-up')
    .send({ email, password: 'correct horse battery', name: 'Mail Test', locale });
  expect(res.status).toBe(201);
}

/** kvartirnsk_mail_total for account mail with this outcome, as Prometheus would scrape it. */
async function mailCounted(outcome: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('kvartirnsk_mail_total')?.get();
  return (
    metric?.values.find((value) => value.labels.source === 'account' && value.labels.outcome === outcome)
      ?.value ?? 0
  );
}

const outboxRow = (email: string) =>
  stack.testDb.db
    .selectFrom('mail_outbox')
    .select(['id', 'sent_at', 'failed_at', 'attempts', 'last_error', 'next_attempt_at'])
    .where('to_email', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();

it("mails the verification link in the user's language, once", async () => {
  const email = newAddress();
  await signUp(email, 'en');
  const relay = relayThrough();
  const sentBefore = await mailCounted('sent');

  expect(await relay.sendDue()).toBeGreaterThanOrEqual(1);
  expect(await relay.sendDue()).toBe(0);

  const [mail, ...more] = await eventually(
    () => mailTo(email),
    (mails) => mails.length > 0,
  );
  expect(more).toEqual([]);
  const token = await lastMailedToken(stack, email, 'email-verification');
  expect(mail!.Subject).toBe('Confirm your email address — Kvartirnsk');
  expect(mail!.Text).toContain(`${WEB}/verify-email?token=${token}`);
  expect(mail!.From.Address).toBe('no-reply@kvartirnsk.ru');
  const row = await outboxRow(email);
  expect(mail!.MessageID).toBe(`account-mail-${row.id}@kvartirnsk.ru`);
  expect(row).toMatchObject({ attempts: 1, failed_at: null, last_error: null });
  expect(row.sent_at).toBeInstanceOf(Date);
  expect(await mailCounted('sent')).toBeGreaterThan(sentBefore);
});

it('mails the password-reset link in Russian by default', async () => {
  const email = newAddress();
  await signUp(email);
  await request(stack.gateway).post('/api/users/password-reset').send({ email }).expect(202);
  await relayThrough().sendDue();

  const mails = await eventually(
    () => mailTo(email),
    (found) => found.length === 2,
  );
  const reset = mails.find((mail) => mail.Subject === 'Новый пароль — Квартирнск');
  const token = await lastMailedToken(stack, email, 'password-reset');
  expect(reset?.Text).toContain(`${WEB}/reset-password?token=${token}`);
});

it('keeps a mail the relay could not take and sends it when it is due again', async () => {
  const email = newAddress();
  await signUp(email);

  await relayThrough(brokenTransport).sendDue();
  const failed = await outboxRow(email);
  expect(failed).toMatchObject({ sent_at: null, failed_at: null, attempts: 1 });
  expect(failed.last_error).toMatch(/ECONNREFUSED|connect/);
  expect(failed.next_attempt_at.getTime()).toBeGreaterThan(Date.now());

  // Not due yet: the working relay leaves it alone.
  await relayThrough().sendDue();
  expect((await outboxRow(email)).sent_at).toBeNull();

  await stack.testDb.db
    .updateTable('mail_outbox')
    .set({ next_attempt_at: new Date() })
    .where('id', '=', failed.id)
    .execute();
  await relayThrough().sendDue();
  expect(await outboxRow(email)).toMatchObject({ attempts: 2, last_error: null });
  expect(
    await eventually(
      () => mailTo(email),
      (mails) => mails.length === 1,
    ),
  ).toHaveLength(1);
});

it(`gives a mail up after ${MAX_MAIL_ATTEMPTS} failed tries`, async () => {
  const email = newAddress();
  await signUp(email);
  const { id } = await outboxRow(email);
  await stack.testDb.db
    .updateTable('mail_outbox')
    .set({ attempts: MAX_MAIL_ATTEMPTS - 1 })
    .where('id', '=', id)
    .execute();

  await relayThrough(brokenTransport).sendDue();
  const row = await outboxRow(email);
  expect(row.attempts).toBe(MAX_MAIL_ATTEMPTS);
  expect(row.failed_at).toBeInstanceOf(Date);
  await stack.testDb.db
    .updateTable('mail_outbox')
    .set({ next_attempt_at: new Date() })
    .where('id', '=', id)
    .execute();
  await relayThrough().sendDue();
  expect((await outboxRow(email)).sent_at).toBeNull();
});

it('sends each mail once when several relays run at once', async () => {
  const emails = Array.from({ length: 6 }, newAddress);
  for (const email of emails) await signUp(email);

  await Promise.all([relayThrough().sendDue(), relayThrough().sendDue(), relayThrough().sendDue()]);
  await Promise.all([relayThrough().sendDue(), relayThrough().sendDue()]);

  for (const email of emails) {
    expect(
      await eventually(
        () => mailTo(email),
        (mails) => mails.length > 0,
      ),
    ).toHaveLength(1);
  }
});

it('tells a refusal for good (5xx) from a failure worth another try', () => {
  expect(permanentMailFailure(Object.assign(new Error('550 no such user'), { responseCode: 550 }))).toBe(
    true,
  );
  expect(permanentMailFailure(Object.assign(new Error('451 try later'), { responseCode: 451 }))).toBe(false);
  expect(permanentMailFailure(new Error('connect ECONNREFUSED'))).toBe(false);
});
