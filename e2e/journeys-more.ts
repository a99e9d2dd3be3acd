import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { ADMIN, type Account, displayNameOf, newAccount, signIn, signUp } from './accounts';
import { newContext, screenshot } from './browser';
import { mailTo } from '../lib/testing-mail';
import type { Journey } from './journeys';

// Host listings and moderation, messages, and reconciliation, against the real stack (web app, gateway,
// services, Temporal workers, search indexer). New accounts are signed up through the UI with unique
// addresses; the admin is the local one (api/users/create-admin.ts), who may also do finance's work.

/** The link to `page` in the newest mail to `address` whose subject matches, once the mail has arrived. */
async function linkInMail(address: string, subject: RegExp, page: string): Promise<string> {
  const until = Date.now() + 30_000;
  for (;;) {
    const mail = (await mailTo(address)).filter((found) => subject.test(found.Subject)).at(-1);
    const link = mail?.Text.match(new RegExp(`https?://\\S+${page}\\?token=[\\w-]+`))?.[0];
    if (link) return link;
    if (Date.now() > until)
      throw new Error(`no mail "${subject.source}" with a link to ${page} for ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Reloads until the check passes: for what other processes do in their own time (workers, indexer). */
async function eventually(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 45_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(1000);
    await page.reload();
  }
}

/** Opens `url` until the check passes: for a page showing the answer to a form, which a reload would resubmit. */
async function eventuallyAt(
  page: Page,
  url: string,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 45_000,
) {
  const until = Date.now() + timeoutMs;
  await page.goto(url);
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(1000);
    await page.goto(url);
  }
}

/** Three distinct photos, large enough for moderation (each side at least 320 px). */
async function testPhotos() {
  const colours = [
    { r: 180, g: 70, b: 50 },
    { r: 40, g: 110, b: 170 },
    { r: 60, g: 150, b: 80 },
  ];
  return Promise.all(
    colours.map(async (background, i) => ({
      name: `room-${i + 1}.jpg`,
      mimeType: 'image/jpeg',
      buffer: await sharp({ create: { width: 800, height: 600, channels: 3, background } })
        .jpeg()
        .toBuffer(),
    })),
  );
}

interface PublishedListing {
  listingId: string;
  title: string;
  host: Account;
}

let published: PublishedListing | undefined;

/** The UTC calendar date `days` after `from` (today by default), as the bookings API counts dates. */
function utcDay(days: number, from?: string): string {
  const start = from ? Date.parse(`${from}T00:00:00Z`) : Date.now();
  return new Date(start + days * 86_400_000).toISOString().slice(0, 10);
}

/** Gives `stars` out of 5 in the star rating whose legend is `legend` (a radio group of five labelled stars). */
async function rate(form: Locator, legend: string, stars: number) {
  await form
    .getByRole('group', { name: legend })
    .locator('label')
    .nth(stars - 1)
    .click();
}

/**
 * The host journey: sign up, become a host, create a listing with a map pin and three photos, wait for its
 * automated checks; the admin approves it in the moderation queue. Screenshots are taken on the way.
 */
async function publishListing(browser: Browser): Promise<PublishedListing> {
  const hostContext = await newContext(browser);
  const host = await hostContext.newPage();
  const account = newAccount();
  await signUp(host, account);
  await host.getByRole('button', { name: 'Стать хозяином' }).click();
  await host.getByTestId('host-status').waitFor();

  await host.goto('/host/listings');
  await host.getByRole('link', { name: 'Новое объявление' }).click();
  await host.waitForURL('**/host/listings/new');
  // The account's random tag tells this run's listing apart; its digits become letters, because a tag of eight
  // digits is a phone number to moderation's contact-details check (it happened: 1 tag in ~40 is all digits).
  const tag = account.email.slice(4, 12).replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)]!);
  const title = `Квартира у Кремля ${tag}`;
  await host.getByLabel('Название (по-русски)').fill(title);
  await host.getByLabel('Название (по-английски, необязательно)').fill('Flat by the Kremlin');
  await host
    .getByLabel('Описание (по-русски)')
    .fill('Светлая квартира в центре Казани: пять минут пешком до Кремля, тихий двор, быстрый интернет.');
  const city = host.getByRole('combobox', { name: 'Город' });
  await city.fill('Каза');
  await host.getByRole('option', { name: /Казань/ }).waitFor();
  await city.press('ArrowDown');
  await city.press('Enter');
  assert.equal(await city.inputValue(), 'Казань');
  await host.getByLabel('Адрес').fill('ул. Баумана, 10');
  const map = host.locator('[data-testid="pin-map"][data-ready="true"]');
  await map.waitFor();
  // The map shows the chosen city; a click in its middle puts the pin there.
  await host.waitForTimeout(400);
  await map.click();
  await host.locator('[data-testid="pin-map"][data-pin]').waitFor();
  assert.match(await host.getByTestId('pin-state').innerText(), /^Метка: 55\.\d+, 49\.\d+$/);
  await host.getByLabel('Гостей').fill('3');
  await host.getByLabel('Wi-Fi').check();
  await host.getByLabel('Кухня').check();
  await host.getByLabel('Цена за ночь, ₽').fill('4500');
  await host.getByLabel('Цена в пятницу и субботу, ₽ (необязательно)').fill('5200');
  await host.getByLabel('Уборка, ₽').fill('800');
  // Check-out by midnight: a stay from yesterday to today is already over when booked, so the reviews
  // journey has a completed stay without waiting for a clock (the booking flow ends at check-out).
  await host.getByLabel('Выезд до', { exact: true }).fill('00:00');
  await host.getByRole('radio', { name: /Гибкие/ }).check();
  await host.getByRole('checkbox', { name: /Мгновенное бронирование/ }).check();
  await screenshot(host, 'host-listing-new');
  await host.getByRole('button', { name: 'Создать и отправить на проверку' }).click();
  await host.waitForURL('**/host/listings/*?created');
  const listingId = new URL(host.url()).pathname.split('/').at(-1)!;

  await host.locator('#photo-input').setInputFiles(await testPhotos());
  await host.getByRole('button', { name: 'Загрузить' }).click();
  await host.getByTestId('form-success').waitFor({ timeout: 30_000 });
  assert.equal(await host.getByTestId('photo').count(), 3);

  // The last photo made a new revision; its checks pass, and a new host's listing waits for a moderator.
  const status = host.getByTestId('moderation-state').locator('[data-moderation-status]');
  await eventually(host, 'the listing to await review', async () => {
    return (await status.getAttribute('data-moderation-status')) === 'awaiting_review';
  });
  const failures = host.getByTestId('check-failures');
  assert.ok(
    await host.getByTestId('checks-passed').isVisible(),
    `every automated check passed, not: ${(await failures.isVisible()) ? await failures.innerText() : 'nothing shown'}`,
  );
  await screenshot(host, 'host-listing-edit');
  await host.goto('/host/listings');
  await host.locator(`[data-testid="my-listing"][data-listing-id="${listingId}"]`).waitFor();
  await screenshot(host, 'host-listings');

  const adminContext = await newContext(browser);
  const admin = await adminContext.newPage();
  await signIn(admin, ADMIN);
  await admin.goto('/admin/moderation');
  const item = admin.locator(`[data-testid="moderation-item"][data-listing-id="${listingId}"]`);
  await item.waitFor();
  const link = await item.getByTestId('moderation-workflow-link').getAttribute('href');
  assert.ok(link?.includes(encodeURIComponent(`WorkflowId="listing-moderation:${listingId}:`)), String(link));
  await screenshot(admin, 'admin-moderation');
  await item.getByTestId('approve-listing').click();
  assert.equal(await admin.getByTestId('form-success').innerText(), 'Объявление одобрено и опубликовано.');

  await host.goto(`/host/listings/${listingId}`);
  assert.equal(await status.getAttribute('data-moderation-status'), 'approved');
  await hostContext.close();
  await adminContext.close();
  return { listingId, title, host: account };
}

async function publishedListing(browser: Browser): Promise<PublishedListing> {
  published ??= await publishListing(browser);
  return published;
}

export const moreJourneys: Journey[] = [
  {
    name: 'host creates a listing with 3 photos and a map pin, admin approves it, it appears on the search map',
    async run(browser) {
      const { listingId, title } = await publishedListing(browser);
      const context = await newContext(browser);
      const page = await context.newPage();
      await page.goto('/search?city=Казань');
      // The search indexer hears of the publication from the event bus, in its own time.
      const pin = page.locator(`[data-testid="price-pin"][data-listing-id="${listingId}"]`);
      await eventually(page, 'the listing on the search map', async () => {
        await page.locator('[data-testid="search-map"][data-ready="true"]').waitFor();
        return (await pin.count()) > 0;
      });
      assert.match(await pin.innerText(), /4,5\s*тыс\.\s*₽/);
      await screenshot(page, 'search-new-listing');
      await page.goto(`/listings/${listingId}`);
      assert.equal(await page.getByTestId('listing-title').innerText(), title);
      assert.equal(await page.getByRole('list', { name: 'Фотографии' }).getByRole('img').count(), 3);
      await page.locator('[data-testid="pin-map"][data-pin]').waitFor();
      assert.match(await page.getByTestId('listing-reviews').innerText(), /Отзывов пока нет/);
      await screenshot(page, 'listing-full');
      await context.close();
    },
  },
  {
    name: 'guest asks the host a question, the host sees it live and replies, the guest sees the reply live',
    async run(browser) {
      const { listingId, host: hostAccount } = await publishedListing(browser);
      const hostContext = await newContext(browser);
      const host = await hostContext.newPage();
      await signIn(host, hostAccount);
      await host.goto('/messages');

      const guestContext = await newContext(browser);
      const guest = await guestContext.newPage();
      const guestAccount = newAccount();
      await signUp(guest, guestAccount);
      // The phone number is hidden until a booking is confirmed.
      const question = 'Здравствуйте! Свободно ли в мае? Мой телефон +7 912 345-67-89';
      // Messaging learns of a new listing from its published event, moments after search does: until then the
      // question is refused (404) and the guest asks again.
      for (let attempt = 1; ; attempt++) {
        await guest.goto(`/listings/${listingId}`);
        // Whom they ask: the host by first name and initial.
        assert.match(
          await guest.getByTestId('listing-host').innerText(),
          new RegExp(`^Хозяин: ${displayNameOf(hostAccount)}`),
        );
        await guest.getByLabel('Ваш вопрос').fill(question);
        await guest.getByTestId('ask-host').click();
        try {
          await guest.waitForURL('**/messages/**', { timeout: 10_000 });
          break;
        } catch (err) {
          if (attempt === 6) throw err;
        }
      }
      assert.ok(
        await guest.getByTestId('masked-notice').isVisible(),
        'the sender is told contacts were hidden',
      );
      const sent = await guest.getByTestId('chat-text').last().innerText();
      assert.ok(sent.startsWith('Здравствуйте! Свободно ли в мае?') && !sent.includes('345-67-89'), sent);
      await guest.locator('[data-testid="live-state"][data-live="true"]').waitFor();

      // No reload on the host's side: the conversation list and the navigation's badge hear of it live.
      const conversation = host.locator('[data-testid="conversation"][data-unread="1"]');
      await conversation.waitFor();
      await host.getByTestId('unread-messages').filter({ hasText: /^1$/ }).waitFor();
      await screenshot(host, 'messages');
      await conversation.getByRole('link').click();
      await host.waitForURL('**/messages/**');
      assert.equal(await host.getByTestId('chat-text').last().innerText(), sent);
      // Each side sees who they talk to, by first name and initial.
      assert.equal(
        await host.getByTestId('conversation-with').innerText(),
        `Гость: ${displayNameOf(guestAccount)}`,
      );
      assert.equal(
        await guest.getByTestId('conversation-with').innerText(),
        `Хозяин: ${displayNameOf(hostAccount)}`,
      );
      // Opened, so read: the badge goes.
      await host.getByTestId('unread-messages').waitFor({ state: 'detached' });
      // The host opened it: the guest's message shows as read, live.
      await guest.locator('[data-testid="receipt"][data-read="true"]').waitFor();

      const answer = 'Добрый день! Да, в мае свободно, бронируйте.';
      await host.locator('[data-testid="live-state"][data-live="true"]').waitFor();
      await host.getByLabel('Сообщение').fill(answer);
      await host.getByTestId('send-message').click();
      await guest.getByTestId('chat-text').filter({ hasText: answer }).waitFor();
      await host.locator('[data-testid="receipt"][data-read="true"]').last().waitFor();
      await screenshot(guest, 'conversation');
      await hostContext.close();
      await guestContext.close();
    },
  },
  {
    name: 'finance runs a reconciliation now and sees the report, its differences and the CSV',
    async run(browser) {
      // A confirmed booking today gives the reconciliation money movements to check.
      const { listingId } = await publishedListing(browser);
      const guestContext = await newContext(browser);
      const guest = await guestContext.newPage();
      const guestAccount = newAccount();
      await signUp(guest, guestAccount);
      const checkIn = new Date(Date.now() + (90 + Math.floor(Math.random() * 2000)) * 86_400_000);
      const day = (date: Date) => date.toISOString().slice(0, 10);
      const checkOut = new Date(checkIn.getTime() + 2 * 86_400_000);
      await guest.goto(`/listings/${listingId}?checkIn=${day(checkIn)}&checkOut=${day(checkOut)}&guests=2`);
      await guest.getByTestId('book-button').click();
      await guest.waitForURL('**/trips/**');
      await guest
        .locator('[data-testid="booking-status"] [data-status="confirmed"]')
        .waitFor({ timeout: 30_000 });
      await guestContext.close();

      const context = await newContext(browser);
      const page = await context.newPage();
      await signIn(page, ADMIN);
      await page.goto('/finance');
      await page.getByRole('link', { name: 'Отчёты сверки' }).click();
      await page.waitForURL('**/finance/reconciliation');
      await page.getByTestId('run-reconciliation').click();
      await page.waitForURL('**/finance/reconciliation/*?ran', { timeout: 60_000 });
      assert.equal(await page.getByTestId('form-success').innerText(), 'Сверка выполнена.');
      assert.ok(Number(await page.getByTestId('checked-ledgerTransactions').innerText()) >= 1);
      const count = Number(await page.getByTestId('difference-count').innerText());
      if (count === 0) assert.ok(await page.getByTestId('no-differences').isVisible());
      else assert.equal(await page.getByTestId('difference').count(), Math.min(count, 200));
      const csv = await page.request.get((await page.getByTestId('report-csv').getAttribute('href'))!);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'] ?? '', /text\/csv/);
      await screenshot(page, 'reconciliation-report');
      await page.goto('/finance/reconciliation');
      assert.ok((await page.getByTestId('report-row').count()) >= 1);
      await screenshot(page, 'reconciliation-reports');
      await context.close();
    },
  },
  {
    name: 'host sees booked nights on the listing calendar, and the payouts page',
    async run(browser) {
      const { listingId, host: hostAccount } = await publishedListing(browser);
      const guestContext = await newContext(browser);
      const guest = await guestContext.newPage();
      const guestAccount = newAccount();
      await signUp(guest, guestAccount);
      // Within the two months the calendar shows; each run has a listing of its own, so the dates are free.
      const checkIn = utcDay(14);
      const checkOut = utcDay(2, checkIn);
      await guest.goto(`/listings/${listingId}?checkIn=${checkIn}&checkOut=${checkOut}&guests=2`);
      await guest.getByTestId('book-button').click();
      await guest.waitForURL('**/trips/**');
      const bookingId = new URL(guest.url()).pathname.split('/').at(-1)!;
      await guest
        .locator('[data-testid="booking-status"] [data-status="confirmed"]')
        .waitFor({ timeout: 30_000 });
      await guestContext.close();

      const hostContext = await newContext(browser);
      const host = await hostContext.newPage();
      await signIn(host, hostAccount);
      await host.goto(`/host/listings/${listingId}`);
      const stay = host.locator(`[data-testid="booked-stay"][data-booking-id="${bookingId}"]`);
      await stay.waitFor();
      assert.ok(await stay.locator('[data-status="confirmed"]').isVisible(), 'the stay shows as confirmed');
      assert.equal(await stay.getByRole('link').getAttribute('href'), `/trips/${bookingId}`);
      for (const night of [checkIn, utcDay(1, checkIn)]) {
        assert.equal(
          await host
            .locator(`[data-testid="host-calendar"] [data-night="${night}"]`)
            .getAttribute('data-state'),
          'booked',
          `the night of ${night} is booked on the calendar`,
        );
      }
      await screenshot(host, 'host-calendar');
      await stay.getByRole('link').click();
      await host.waitForURL(`**/trips/${bookingId}`);

      await host.getByRole('link', { name: 'Выплаты' }).first().click();
      await host.waitForURL('**/host/payouts');
      assert.equal(await host.getByRole('heading', { level: 1 }).innerText(), 'Выплаты');
      await screenshot(host, 'host-payouts');
      await hostContext.close();
    },
  },
  {
    name: 'guest reviews a completed stay, the host reviews the guest and replies to the review',
    async run(browser) {
      const { listingId, title, host: hostAccount } = await publishedListing(browser);
      // Yesterday to today at a listing that checks out by midnight: the stay is over once confirmed.
      const guestContext = await newContext(browser);
      const guest = await guestContext.newPage();
      const guestAccount = newAccount();
      await signUp(guest, guestAccount);
      await guest.goto(`/listings/${listingId}?checkIn=${utcDay(-1)}&checkOut=${utcDay(0)}&guests=1`);
      await guest.getByTestId('book-button').click();
      await guest.waitForURL('**/trips/**');
      const bookingId = new URL(guest.url()).pathname.split('/').at(-1)!;
      await guest
        .locator('[data-testid="booking-status"] [data-status="completed"]')
        .waitFor({ timeout: 45_000 });
      await guest.getByTestId('write-review').click();
      await guest.waitForURL(`**/reviews/${bookingId}`);
      // The review window is opened by the review workers once the stay is over.
      await eventually(
        guest,
        'the review window to open',
        async () => (await guest.getByTestId('review-form').count()) > 0,
      );
      const guestForm = guest.getByTestId('review-form');
      for (const legend of [
        'Общая оценка',
        'Чистота',
        'Соответствие описанию',
        'Расположение',
        'Общение',
        'Заселение',
        'Цена и качество',
      ]) {
        await rate(guestForm, legend, 5);
      }
      const guestText = 'Чисто, тихо, до Кремля пять минут пешком. Хозяин на связи, заселение без вопросов.';
      await guest.getByLabel('Текст отзыва').fill(guestText);
      await screenshot(guest, 'review-form');
      await guest.getByRole('button', { name: 'Отправить отзыв' }).click();
      assert.equal(await guest.getByTestId('form-success').innerText(), 'Спасибо! Отзыв сохранён.');
      // Double-blind: hidden until the host has written theirs.
      assert.ok(await guest.getByTestId('review-held').isVisible(), 'the review waits for the other side');

      const hostContext = await newContext(browser);
      const host = await hostContext.newPage();
      await signIn(host, hostAccount);
      await host.goto('/host/requests?show=all');
      await host
        .locator(`[data-testid="host-booking"][data-booking-id="${bookingId}"]`)
        .getByRole('link', { name: 'Отзыв о госте' })
        .click();
      await host.waitForURL(`**/reviews/${bookingId}`);
      await rate(host.getByTestId('review-form'), 'Оценка гостя', 5);
      await host
        .getByLabel('Текст отзыва')
        .fill('Аккуратный гость, всё оставил в порядке. Будем рады снова.');
      await host.getByRole('button', { name: 'Отправить отзыв' }).click();
      assert.equal(await host.getByTestId('form-success').innerText(), 'Спасибо! Отзыв сохранён.');
      // Both have written, so the review window publishes both: each side sees the other's review.
      const guestReview = host.getByTestId('review').filter({ hasText: 'Чисто, тихо' });
      await eventuallyAt(
        host,
        `/reviews/${bookingId}`,
        "the guest's review published",
        async () => (await guestReview.count()) > 0,
      );

      await host.goto(`/host/listings/${listingId}`);
      const review = host.getByTestId('review').filter({ hasText: 'Чисто, тихо' });
      await eventually(host, 'the review on the listing', async () => (await review.count()) > 0);
      const reply = 'Спасибо, что выбрали нас! Ждём снова.';
      await host.getByLabel('Ваш ответ').first().fill(reply);
      await host.getByRole('button', { name: 'Ответить' }).first().click();
      assert.equal(await host.getByTestId('form-success').innerText(), 'Ответ опубликован.');
      await hostContext.close();

      await guest.goto(`/listings/${listingId}`);
      assert.equal(await guest.getByTestId('listing-title').innerText(), title);
      const shown = guest
        .getByTestId('listing-reviews')
        .getByTestId('review')
        .filter({ hasText: 'Чисто, тихо' });
      assert.match(await shown.innerText(), /Ответ хозяина\s+Спасибо, что выбрали нас!/);
      await screenshot(guest, 'listing-review-reply');
      await guestContext.close();
    },
  },
  {
    name: 'admin sees the analytics charts: funnel, revenue, occupancy, searches',
    async run(browser) {
      const context = await newContext(browser);
      const page = await context.newPage();
      await signIn(page, ADMIN);
      await page.getByRole('link', { name: 'Аналитика' }).first().click();
      await page.waitForURL('**/analytics');
      for (const section of ['funnel', 'revenue', 'occupancy', 'searches']) {
        await page.getByTestId(section).waitFor();
      }
      // Charts for what has data, each an image with a title and its numbers as a table.
      await page.getByTestId('revenue-chart').waitFor();
      assert.equal(await page.getByRole('img', { name: /Выручка и сборы по дням/ }).count(), 1);
      await page.getByTestId('revenue-chart').getByText('Данные графика таблицей').click();
      assert.ok((await page.getByTestId('revenue-chart').getByRole('row').count()) >= 31, 'a row per day');
      await screenshot(page, 'analytics');
      await page.goto('/analytics?from=2026-02-01&to=2025-01-01');
      assert.match(await page.getByTestId('range-error').innerText(), /^по: /);
      await context.close();
    },
  },
  {
    name: 'a new user confirms the email from the mail, resets a forgotten password from the mail, chooses what to get by mail',
    async run(browser) {
      const context = await newContext(browser);
      const page = await context.newPage();
      const account = newAccount();
      await signUp(page, account);
      assert.equal(await page.getByTestId('profile-email-state').innerText(), 'Почта не подтверждена');

      await page.goto(await linkInMail(account.email, /^Подтвердите адрес почты/, '/verify-email'));
      await page.getByTestId('confirm-email').click();
      await page.getByTestId('email-confirmed').waitFor();
      await page.goto('/profile');
      assert.equal(await page.getByTestId('profile-email-state').innerText(), 'Почта подтверждена');

      await page.getByRole('button', { name: 'Выйти' }).click();
      await page.waitForURL('**/signin?signedOut');
      await page.getByRole('link', { name: 'Забыли пароль?' }).click();
      await page.waitForURL('**/forgot-password');
      await page.getByLabel('Электронная почта').fill(account.email);
      await page.getByRole('button', { name: 'Прислать ссылку' }).click();
      await page.getByTestId('reset-link-sent').waitFor();
      await screenshot(page, 'forgot-password');

      await page.goto(await linkInMail(account.email, /^Новый пароль/, '/reset-password'));
      await page.getByLabel('Новый пароль', { exact: true }).fill('short');
      await page.getByRole('button', { name: 'Сохранить пароль' }).click();
      assert.match(await page.locator('#field-newPassword-error').innerText(), /не короче 10 символов/);
      const newPassword = `${account.password}-new`;
      await page.getByLabel('Новый пароль', { exact: true }).fill(newPassword);
      await page.getByRole('button', { name: 'Сохранить пароль' }).click();
      await page.waitForURL('**/signin?passwordReset');
      await page.getByTestId('password-reset-done').waitFor();
      await screenshot(page, 'password-reset-done');

      await page.getByLabel('Электронная почта').fill(account.email);
      await page.getByLabel('Пароль').fill(account.password);
      await page.getByRole('button', { name: 'Войти' }).click();
      assert.equal(await page.getByTestId('form-error').innerText(), 'Неверная почта или пароль.');
      await signIn(page, { email: account.email, password: newPassword });

      // What comes by mail is the user's choice, kind by kind, and so is its language.
      await page.goto('/notifications');
      await page.getByTestId('notification-settings').click();
      await page.waitForURL('**/notifications/settings');
      assert.ok(await page.getByTestId('email-booking_confirmed').isChecked());
      await page.getByTestId('email-booking_confirmed').uncheck();
      await page.getByTestId('mail-locale').selectOption('en');
      await page.getByTestId('save-settings').click();
      await page.getByTestId('form-success').waitFor();
      // Opened anew (a reload would post the form again): the choice was kept.
      await page.goto('/notifications/settings');
      assert.equal(await page.getByTestId('form-success').count(), 0);
      assert.ok(!(await page.getByTestId('email-booking_confirmed').isChecked()));
      assert.ok(await page.getByTestId('email-booking_cancelled').isChecked());
      assert.equal(await page.getByTestId('mail-locale').inputValue(), 'en');
      await screenshot(page, 'notification-settings');
      await context.close();
    },
  },
];
