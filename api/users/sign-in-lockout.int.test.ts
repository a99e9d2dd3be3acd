import type { Express } from 'express';
import request from 'supertest';
import { startUsersStack, type UsersStack } from './test-support';

// Brute-force protection against the service directly, with two instances sharing Redis: counters must
// hold across them. Loopback is a trusted proxy, so X-Forwarded-For stands for client addresses.
let stack: UsersStack;
let first: Express;
let second: Express;

const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  stack = await startUsersStack('lockout', {
    SIGN_IN_SLOWDOWN_AFTER: '3',
    SIGN_IN_LOCK_AFTER: '5',
    SIGN_IN_ADDRESS_LOCK_AFTER: '8',
    SIGN_IN_LOCK_SECONDS: '120',
  });
  first = await stack.usersApp();
  second = await stack.usersApp();
});

afterAll(() => stack.close());

let counter = 0;
async function account(): Promise<string> {
  counter += 1;
  const email = `lock${counter}@example.com`;
  const res = await request(first).post('/users/sign-up').send({ email, password: PASSWORD, name: 'L' });
  expect(res.status).toBe(201);
  return email;
}

const signIn = (app: Express, email: string, password: string, address = '192.0.2.1') =>
  request(app).post('/users/sign-in').set('x-forwarded-for', address).send({ email, password });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('slows an account down after a few failures, even for the right password', async () => {
  const email = await account();
  for (const app of [first, second, first])
    expect((await signIn(app, email, 'wrong password')).status).toBe(401);

  const slowed = await signIn(second, email, PASSWORD);
  expect(slowed.status).toBe(429);
  expect(slowed.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(slowed.headers['retry-after']).toBe('1');

  await sleep(1_100);
  expect((await signIn(first, email, PASSWORD)).status).toBe(200);
  // Success clears the account's failures: the next mistake is not slowed.
  expect((await signIn(second, email, 'wrong password')).status).toBe(401);
  expect((await signIn(first, email, PASSWORD)).status).toBe(200);
});

it('locks an account for a while after repeated failures, across instances', async () => {
  const email = await account();
  for (let failure = 1; failure <= 5; failure += 1) {
    // Wait out each slowdown so the failures are counted, not refused.
    if (failure > 3) await sleep(2 ** (failure - 4) * 1000 + 100);
    const res = await signIn(
      failure % 2 ? first : second,
      email,
      'wrong password',
      `192.0.2.${10 + failure}`,
    );
    expect([failure, res.status]).toEqual([failure, 401]);
  }
  const locked = await signIn(second, email, PASSWORD, '192.0.2.99');
  expect(locked.status).toBe(429);
  expect(Number(locked.headers['retry-after'])).toBeGreaterThan(100);
  expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(120);
  // Other accounts are untouched.
  expect((await signIn(first, await account(), PASSWORD, '192.0.2.99')).status).toBe(200);
});

it('locks accounts that do not exist the same way, so locking reveals nothing', async () => {
  const ghost = 'ghost-lock@example.com';
  for (let failure = 1; failure <= 3; failure += 1) {
    expect((await signIn(first, ghost, 'wrong password', `192.0.2.${30 + failure}`)).status).toBe(401);
  }
  expect((await signIn(second, ghost, 'wrong password', '192.0.2.40')).status).toBe(429);
});

it('locks an address that fails on many accounts, but not other addresses', async () => {
  const address = '198.51.100.77';
  for (let failure = 1; failure <= 8; failure += 1) {
    const res = await signIn(
      failure % 2 ? first : second,
      `spray${failure}@example.com`,
      'wrong password',
      address,
    );
    expect([failure, res.status]).toEqual([failure, 401]);
  }
  const email = await account();
  const locked = await signIn(first, email, PASSWORD, address);
  expect(locked.status).toBe(429);
  expect(Number(locked.headers['retry-after'])).toBeGreaterThan(100);
  expect((await signIn(second, email, PASSWORD, '198.51.100.78')).status).toBe(200);
});
