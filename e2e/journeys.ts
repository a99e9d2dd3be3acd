import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { DEMO_HOSTS, DEMO_LISTINGS, type DemoListingKey } from '../scripts/seed/demo-listings';
import { Gateway } from '../scripts/seed/gateway-client';
import { ADMIN, displayNameOf, newAccount, signIn, signUp } from './accounts';
import { newContext, screenshot } from './browser';

// Every journey runs against the real stack: the web app on WEB_URL, which calls the gateway, the services,
// Temporal and the payment mock. Accounts: the demo ones (scripts/demo-data.ts) and the local admin
// (api/users/create-admin.ts); new accounts are signed up through the UI with unique addresses. The demo
// listings' ids are the listings service's, found through the gateway (GATEWAY_URL) by their host and title.

const GATEWAY = new Gateway(process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080');
const OLEG = DEMO_HOSTS.oleg;
/** Instant Book, flexible cancellation. */
const INSTANT_LISTING: DemoListingKey = 'moscowArbat';
/** Request to Book, hosted by Oleg. */
const REQUEST_LISTING: DemoListingKey = 'sochiSea';

const demoListingIds = new Map<DemoListingKey, Promise<string>>();

function demoListingId(key: DemoListingKey): Promise<string> {
  let id = demoListingIds.get(key);
  if (!id) {
    const { host, fields } = DEMO_LISTINGS[key];
    id = GATEWAY.signIn(DEMO_HOSTS[host].email, DEMO_HOSTS[host].password)
      .then((session) => GATEWAY.myListingTitled(session, fields.title))
      .then((listing) => {
        assert.ok(listing?.published, `"${fields.title}" is not published: run scripts/demo-data.ts`);
        return listing.id;
      });
    demoListingIds.set(key, id);
  }
  return id;
}

export interface Journey {
  name: string;
  run: (browser: Browser) => Promise<void>;
}

/** Dates far enough ahead, and spread out, that runs against a shared database do not collide. */
function freeStay(nights: number): { checkIn: string; checkOut: string } {
  const offsetDays = 60 + Math.floor(Math.random() * 3000);
  const start = Date.now() + offsetDays * 86_400_000;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { checkIn: day(start), checkOut: day(start + nights * 86_400_000) };
}

/** Books from the listing page and lands on the trip page; returns the booking id. */
async function book(page: Page, listingId: string, stay: { checkIn: string; checkOut: string }, guests = 2) {
  await page.goto(
    `/listings/${listingId}?checkIn=${stay.checkIn}&checkOut=${stay.checkOut}&guests=${guests}`,
  );
  await page.getByTestId('book-button').click();
  await page.waitForURL('**/trips/**');
  const bookingId = new URL(page.url()).pathname.split('/').at(-1);
  assert.ok(bookingId, 'the trip page names the booking');
  return bookingId;
}

async function statusOf(page: Page): Promise<string | null> {
  return page.getByTestId('booking-status').locator('[data-status]').getAttribute('data-status');
}

async function waitForStatus(page: Page, status: string, timeout = 30_000) {
  await page
    .getByTestId('booking-status')
    .locator(`[data-status="${status}"]`)
    .waitFor({ timeout })
    .catch(async () => {
      throw new Error(`expected status ${status}, the page shows ${await statusOf(page)}`);
    });
}

export const journeys: Journey[] = [
  {
    name: 'home, search by city with autocomplete, results beside the map',
    async run(browser) {
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto('/');
      await screenshot(page, 'home');
      await page.getByRole('combobox', { name: 'Город' }).fill('Каза');
      const option = page.getByRole('option', { name: /Казань/ });
      await option.waitFor();
      await page.getByRole('combobox', { name: 'Город' }).press('ArrowDown');
      await page.getByRole('combobox', { name: 'Город' }).press('Enter');
      assert.equal(await page.getByRole('combobox', { name: 'Город' }).inputValue(), 'Казань');
      await page.getByRole('button', { name: 'Найти' }).first().click();
      await page.waitForURL('**/search?**');
      const url = new URL(page.url());
      assert.ok(Number(url.searchParams.get('north')) > 55.7, 'the search carries the box of Kazan');
      await page.locator('[data-testid="search-map"][data-ready="true"]').waitFor();
      await page.getByTestId('results-count').waitFor();
      // The map re-searches once it is moved (debounced): the URL takes the new box.
      const before = url.searchParams.get('west');
      await page.getByTestId('search-map').focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(
        `new URL(location.href).searchParams.get('west') !== ${JSON.stringify(before)}`,
      );
      const pins = await page.getByTestId('price-pin').count();
      const cards = await page.getByTestId('result-card').count();
      assert.equal(pins, cards, 'every result has its price pin on the map');
      await screenshot(page, 'search');
      await context.close();
    },
  },
  {
    name: 'sign up, sign out, a wrong password is explained in Russian, sign in',
    async run(browser) {
      const context = await newContext(browser);
      const page = await context.newPage();
      const account = newAccount();
      await page.goto('/signup');
      await page.getByLabel('Имя').fill(account.name);
      await page.getByLabel('Электронная почта').fill(account.email);
      await page.getByLabel('Пароль').fill('short');
      await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
      await page.getByTestId('form-error').waitFor();
      assert.match(await page.locator('#field-password-error').innerText(), /не короче 10 символов/);
      await screenshot(page, 'signup-error');
      await signUp(page, account);
      assert.equal(await page.getByTestId('profile-email').innerText(), account.email);
      await screenshot(page, 'profile');
      await page.getByRole('button', { name: 'Выйти' }).click();
      await page.waitForURL('**/signin?signedOut');
      await page.getByLabel('Электронная почта').fill(account.email);
      await page.getByLabel('Пароль').fill('not-the-password');
      await page.getByRole('button', { name: 'Войти' }).click();
      assert.equal(await page.getByTestId('form-error').innerText(), 'Неверная почта или пароль.');
      await screenshot(page, 'signin-error');
      await signIn(page, account);
      assert.equal(await page.getByTestId('user-name').innerText(), account.name);
      // English is one click away and remembered.
      await page.getByRole('link', { name: 'English' }).click();
      await page.waitForURL('**lang=en');
      await page.goto('/profile');
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Profile');
      await context.close();
    },
  },
  {
    name: 'a guest becomes a host from the profile',
    async run(browser) {
      const context = await newContext(browser);
      const page = await context.newPage();
      await signUp(page, newAccount());
      await page.getByRole('button', { name: 'Стать хозяином' }).click();
      await page.getByTestId('host-status').waitFor();
      assert.match(await page.getByTestId('profile-roles').innerText(), /хозяин/);
      assert.ok(await page.getByRole('link', { name: 'Заявки гостей' }).isVisible());
      await context.close();
    },
  },
  {
    name: 'renter books an Instant Book listing and sees it confirmed, then cancels with the refund shown first',
    async run(browser) {
      const context = await newContext(browser);
      const page = await context.newPage();
      await signUp(page, newAccount());
      const stay = freeStay(2);
      const listingId = await demoListingId(INSTANT_LISTING);
      await page.goto(`/listings/${listingId}?checkIn=${stay.checkIn}&checkOut=${stay.checkOut}&guests=2`);
      await screenshot(page, 'listing');
      await book(page, listingId, stay);
      await waitForStatus(page, 'confirmed');
      await page.getByTestId('quote').waitFor();
      await screenshot(page, 'trip-confirmed');

      await page.getByTestId('cancel-start').click();
      const preview = await page.getByTestId('refund-preview').innerText();
      assert.match(preview, /вернём/, `the refund is shown before confirming: ${preview}`);
      const total = await page.getByTestId('total').innerText();
      assert.ok(
        preview.includes(total),
        `far from check-in the flexible policy refunds all of ${total}: ${preview}`,
      );
      await screenshot(page, 'trip-cancel-preview');
      await page.getByTestId('cancel-confirm').click();
      await page.getByTestId('refund-done').waitFor();
      assert.ok((await page.getByTestId('refund-done').innerText()).includes(total));
      await waitForStatus(page, 'cancelled');
      await page.goto('/trips');
      assert.ok((await page.getByTestId('trip').count()) >= 1);
      await screenshot(page, 'trips');
      await context.close();
    },
  },
  {
    name: 'a guest saves a flat from the search results, finds it under Избранное, takes it off, saves it from its page; its host sees the count',
    async run(browser) {
      const context = await newContext(browser);
      const page = await context.newPage();
      const listingId = await demoListingId(REQUEST_LISTING);
      // A visitor's ♡ asks them to sign in first, and brings them back.
      await page.goto(`/listings/${listingId}`);
      await page.getByTestId('save-listing-signin').click();
      await page.waitForURL('**/signin?next=**');
      assert.equal(new URL(page.url()).searchParams.get('next'), `/listings/${listingId}`);
      await signUp(page, newAccount());
      const { title } = DEMO_LISTINGS[REQUEST_LISTING].fields;
      await page.goto(`/search?city=${encodeURIComponent('Сочи')}`);
      // The ♡ works once the page is hydrated, which the mounted map says.
      await page.locator('[data-testid="search-map"][data-ready="true"]').waitFor();
      const heart = page.getByRole('button', { name: `Сохранить: ${title}` });
      await heart.click();
      await page.getByRole('button', { name: `В избранном — убрать: ${title}`, pressed: true }).waitFor();
      await screenshot(page, 'search-saved');

      await page.getByRole('link', { name: 'Избранное' }).first().click();
      await page.waitForURL('**/saved');
      assert.deepEqual(await page.getByTestId('saved-title').allInnerTexts(), [title]);
      await screenshot(page, 'saved');
      await page.getByRole('button', { name: `Убрать: ${title}` }).click();
      await page.getByText('Здесь будут объявления, которые вы сохраните').waitFor();

      await page.goto(`/listings/${listingId}`);
      assert.equal(await page.getByTestId('save-listing').getAttribute('aria-pressed'), 'false');
      await page.getByTestId('save-listing').click();
      await page.locator('[data-testid="save-listing"][aria-pressed="true"]').waitFor();
      await page.goto('/saved');
      assert.deepEqual(await page.getByTestId('saved-title').allInnerTexts(), [title]);

      // Its host sees how many guests keep it.
      const hostContext = await newContext(browser);
      const host = await hostContext.newPage();
      await signIn(host, OLEG);
      await host.goto('/host/listings');
      const card = host.locator(`[data-testid="my-listing"][data-listing-id="${listingId}"]`);
      assert.equal(await card.getByTestId('listing-saves').innerText(), '♥ в избранном у гостей: 1');
      await hostContext.close();
      await context.close();
    },
  },
  {
    name: 'renter requests to book, the host approves in another browser, the renter sees it confirmed live',
    async run(browser) {
      const renterContext = await newContext(browser);
      const renter = await renterContext.newPage();
      const renterAccount = newAccount();
      await signUp(renter, renterAccount);
      // Lands on the profile: the renter says which languages they speak, and gives a phone (for them only).
      await renter.getByTestId('language-ru').check();
      await renter.getByTestId('language-en').check();
      await renter.getByLabel('Телефон').fill('+79161234567');
      await renter.getByRole('button', { name: 'Сохранить', exact: true }).click();
      await renter.getByTestId('form-success').waitFor();
      await renter.goto('/profile');
      assert.equal(await renter.getByLabel('Телефон').inputValue(), '+79161234567');
      assert.ok(await renter.getByTestId('language-en').isChecked());
      const bookingId = await book(renter, await demoListingId(REQUEST_LISTING), freeStay(3));
      await waitForStatus(renter, 'awaiting_approval');
      assert.match(await renter.getByTestId('countdown').innerText(), /Осталось времени на ответ: 23 ч/);
      // The trip names the flat and who hosts it, not their ids.
      assert.equal(
        await renter.getByTestId('trip-title').innerText(),
        DEMO_LISTINGS[REQUEST_LISTING].fields.title,
      );
      assert.equal(
        await renter.getByTestId('trip-other-party').locator('span').first().innerText(),
        OLEG.name,
      );
      await screenshot(renter, 'trip-awaiting');

      const hostContext = await newContext(browser);
      const host = await hostContext.newPage();
      await signIn(host, OLEG);
      await host.goto('/host/requests');
      const request = host.locator(`[data-booking-id="${bookingId}"]`);
      await request.waitFor();
      assert.match(await request.getByTestId('countdown').innerText(), /ч/);
      // The host sees who asks (first name and initial, never the whole name) and for which flat.
      const guestLine = await request.getByTestId('host-booking-guest').innerText();
      assert.ok(guestLine.includes(displayNameOf(renterAccount)), guestLine);
      assert.ok(!guestLine.includes(renterAccount.name), `the guest's whole name is not shown: ${guestLine}`);
      assert.ok(guestLine.includes('говорит: русский, английский'), guestLine);
      assert.ok(!guestLine.includes('+7916'), `the guest's phone is not shown: ${guestLine}`);
      assert.equal(
        await request.getByTestId('host-booking-listing').innerText(),
        DEMO_LISTINGS[REQUEST_LISTING].fields.title,
      );
      await screenshot(host, 'host-requests');
      await request.getByTestId('approve').click();
      await host.getByTestId('form-success').waitFor();

      // No reload: the renter's page hears it from the server-sent events.
      await waitForStatus(renter, 'confirmed');
      await renterContext.close();
      await hostContext.close();
    },
  },
  {
    name: 'admin blocks a user, whose session ends at once; admin finds a booking and its workflow link',
    async run(browser) {
      const userContext = await newContext(browser);
      const user = await userContext.newPage();
      const account = newAccount();
      await signUp(user, account);

      const adminContext = await newContext(browser);
      const admin = await adminContext.newPage();
      await signIn(admin, ADMIN);
      await admin.goto(`/admin/users?email=${encodeURIComponent(account.email)}`);
      const row = admin.locator(`[data-testid="user-row"][data-email="${account.email}"]`);
      await row.getByRole('button', { name: /Заблокировать/ }).click();
      await admin.getByTestId('form-success').waitFor();
      assert.equal(await row.getByTestId('user-state').innerText(), 'Заблокирован');
      await screenshot(admin, 'admin-users');

      await user.goto('/trips');
      await user.waitForURL('**/signin?**');

      await admin.goto('/admin/bookings');
      await screenshot(admin, 'admin-bookings');
      await userContext.close();
      await adminContext.close();
    },
  },
  {
    name: 'finance sees ledger balances and a booking’s money trail, refunds part of it and settles a dispute',
    async run(browser) {
      const guestContext = await newContext(browser);
      const guest = await guestContext.newPage();
      await signUp(guest, newAccount());
      const bookingId = await book(guest, await demoListingId(INSTANT_LISTING), freeStay(2));
      await waitForStatus(guest, 'confirmed');

      const context = await newContext(browser);
      const page = await context.newPage();
      await signIn(page, ADMIN);
      await page.goto(`/admin/bookings?id=${bookingId}`);
      const link = await page.getByTestId('workflow-link').getAttribute('href');
      assert.ok(link?.includes(encodeURIComponent(`WorkflowId="booking:${bookingId}"`)), String(link));
      assert.equal(
        await page.getByTestId('disputes-link').getAttribute('href'),
        `/finance/bookings/${bookingId}#disputes`,
      );

      await page.goto('/finance');
      await page.getByTestId('balances').waitFor();
      await page.getByTestId('bar-chart').waitFor();
      await screenshot(page, 'finance');
      await page.getByLabel('Номер бронирования').fill(bookingId);
      await page.getByRole('button', { name: 'Денежный след бронирования' }).click();
      await page.waitForURL(`**/finance/bookings/${bookingId}`);
      await page.getByTestId('trail-transaction').first().waitFor();
      await page.getByLabel('Сумма, ₽').fill('100');
      await page.getByLabel('Причина').fill('e2e: goodwill refund');
      await page.getByRole('button', { name: 'Вернуть деньги' }).click();
      assert.match(
        await page.getByTestId('form-success').innerText({ timeout: 30_000 }),
        /Возврат выполнен: 100/,
      );
      await screenshot(page, 'finance-trail');

      // The guest disputes the stay: recorded, refused a refund beyond the claim on that field, then settled
      // with part of the claim refunded through a RefundWorkflow, which the money trail shows.
      await page.getByLabel('Сумма претензии, ₽').fill('2000');
      await page.getByLabel('Суть претензии').fill('e2e: no hot water for a night');
      await page.getByRole('button', { name: 'Записать спор' }).click();
      const dispute = page.locator('[data-testid="dispute"][data-status="open"]');
      await dispute.waitFor();
      assert.match(await dispute.innerText(), /e2e: no hot water for a night/);
      await dispute.getByLabel('Вернуть гостю, ₽').fill('2500');
      await dispute.getByLabel('Решение и его основание').fill('e2e: half of the claim');
      await dispute.getByRole('button', { name: 'Урегулировать спор' }).click();
      await page.getByText('Нельзя вернуть больше, чем требует гость.').first().waitFor();
      assert.equal(await dispute.getByLabel('Вернуть гостю, ₽').getAttribute('aria-invalid'), 'true');
      await screenshot(page, 'finance-dispute-open');
      await dispute.getByLabel('Вернуть гостю, ₽').fill('1500');
      await dispute.getByRole('button', { name: 'Урегулировать спор' }).click();
      const settled = page.locator('[data-testid="dispute"][data-status="settled"]');
      await settled.waitFor({ timeout: 60_000 });
      assert.match(
        (await settled.getByTestId('dispute-outcome').innerText()).replace(/\s/g, ''),
        /Возвращеногостю:1500₽/,
      );
      assert.match(await page.getByTestId('form-success').innerText(), /Спор урегулирован/);
      assert.equal(
        await page.locator('[data-testid="trail-transaction"][data-kind="refund"]').count(),
        2,
        'the goodwill refund and the dispute’s refund are both in the trail',
      );
      await screenshot(page, 'finance-dispute-settled');
      await guestContext.close();
      await context.close();
    },
  },
  {
    name: 'an unknown page and an unknown booking show an error page in the reader’s language',
    async run(browser) {
      const context = await newContext(browser);
      const page = await context.newPage();
      const missing = await page.goto('/no-such-page');
      assert.equal(missing?.status(), 404);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Страница не найдена');
      await screenshot(page, 'not-found');
      await signUp(page, newAccount());
      const response = await page.goto(`/trips/${randomUUID()}`);
      assert.equal(response?.status(), 404);
      assert.equal(await page.getByTestId('error-message').innerText(), 'Не нашли то, что вы искали.');
      await context.close();
    },
  },
];
