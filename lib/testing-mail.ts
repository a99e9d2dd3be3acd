import { z } from 'zod';

// Reads what reached mailpit (scripts/stack's SMTP server) through its JSON API, for tests and journeys.

export const TEST_SMTP_URL = process.env.SMTP_URL ?? 'smtp://127.0.0.1:1025';
const MAILPIT_URL = process.env.MAILPIT_URL ?? 'http://127.0.0.1:8025';

const summaries = z.object({ messages: z.array(z.object({ ID: z.string() })) });
const message = z.object({
  MessageID: z.string(),
  Subject: z.string(),
  Text: z.string(),
  From: z.object({ Address: z.string() }),
  To: z.array(z.object({ Address: z.string() })),
});
export type ReceivedMail = z.infer<typeof message>;

async function getJson(path: string): Promise<unknown> {
  const res = await fetch(new URL(path, MAILPIT_URL));
  if (!res.ok) throw new Error(`mailpit ${path}: HTTP ${res.status}`);
  return res.json();
}

/** Every mail mailpit holds for this address, oldest first. */
export async function mailTo(address: string): Promise<ReceivedMail[]> {
  const query = new URLSearchParams({ query: `to:"${address}"` });
  const found = summaries.parse(await getJson(`/api/v1/search?${query.toString()}`));
  const mails = await Promise.all(
    found.messages.map(async ({ ID }) => message.parse(await getJson(`/api/v1/message/${ID}`))),
  );
  return mails.reverse();
}
