import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';

// The accounts the journeys act as: new ones signed up through the UI with unique addresses, and the local
// admin (api/users/create-admin.ts), who may also do finance's work.

export const ADMIN = {
  email: process.env.ADMIN_EMAIL ?? 'admin@kvartirnsk.local',
  password: process.env.ADMIN_PASSWORD ?? 'kvartirnsk-admin-local',
};

export interface Account {
  name: string;
  email: string;
  password: string;
}

/** How other users see a test account's name ("Тест 1a2b3c4d" → "Тест 1."): first name and initials. */
export function displayNameOf(account: Pick<Account, 'name'>): string {
  const [first, ...rest] = account.name.split(' ');
  return [first, ...rest.map((part) => `${part.charAt(0).toUpperCase()}.`)].join(' ');
}

export function newAccount(): Account {
  const tag = randomUUID().slice(0, 8);
  return { name: `Тест ${tag}`, email: `e2e-${tag}@example.com`, password: `e2e-password-${tag}` };
}

export async function signUp(page: Page, account: Account) {
  await page.goto('/signup');
  await page.getByLabel('Имя').fill(account.name);
  await page.getByLabel('Электронная почта').fill(account.email);
  await page.getByLabel('Пароль').fill(account.password);
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await page.waitForURL('**/profile');
}

export async function signIn(page: Page, account: { email: string; password: string }) {
  await page.goto('/signin');
  await page.getByLabel('Электронная почта').fill(account.email);
  await page.getByLabel('Пароль').fill(account.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}
