import request from 'supertest';
import { startUsersStack, type UsersStack } from './test-support';

// Token lifecycle end to end: the users service issues, the real gateway verifies, Redis is shared.
// Tokens live their usual time here; the expiry test has its own stack whose tokens live two seconds.
let stack: UsersStack;
let shortLived: UsersStack;

beforeAll(async () => {
  [stack, shortLived] = await Promise.all([
    startUsersStack('sessions'),
    // JWT times are whole seconds, so a token with a TTL of N seconds lives between N-1 and N: two seconds
    // is the shortest TTL whose token surely outlives the request right after it is issued.
    startUsersStack('sessions-short', { ACCESS_TOKEN_TTL_SECONDS: '2' }),
  ]);
});

afterAll(() => Promise.all([stack.close(), shortLived.close()]));

const api = (on = stack) => request(on.gateway);
const me = (token: string, on = stack) =>
  api(on).get('/api/users/me').set('authorization', `Bearer ${token}`);
const refresh = (refreshToken: string, on = stack) =>
  api(on).post('/api/users/refresh').send({ refreshToken });

let counter = 0;
async function newSession(on = stack) {
  counter += 1;
  const res = await api(on)
    .post('/api/users/sign-up')
    .send({ email: `session${counter}@example.com`, password: 'correct horse battery', name: 'S' });
  expect(res.status).toBe(201);
  return res.body as { accessToken: string; refreshToken: string; expiresIn: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('expires access tokens after their TTL; a refresh gives a working one', async () => {
  const session = await newSession(shortLived);
  expect(session.expiresIn).toBe(2);
  expect((await me(session.accessToken, shortLived)).status).toBe(200);
  await sleep(2_100);
  expect((await me(session.accessToken, shortLived)).status).toBe(401);
  const renewed = await refresh(session.refreshToken, shortLived);
  expect(renewed.status).toBe(200);
  expect((await me(renewed.body.accessToken, shortLived)).status).toBe(200);
});

it('rotates the refresh token on every use', async () => {
  const session = await newSession();
  const first = await refresh(session.refreshToken);
  const second = await refresh(first.body.refreshToken);
  expect(second.status).toBe(200);
  expect(new Set([session.refreshToken, first.body.refreshToken, second.body.refreshToken]).size).toBe(3);
});

it('revokes the whole family when an already used refresh token comes back', async () => {
  const session = await newSession();
  const rotated = await refresh(session.refreshToken);
  expect(rotated.status).toBe(200);
  expect((await me(rotated.body.accessToken)).status).toBe(200);

  // Someone replays the first token (a stolen copy): the family ends for everyone holding it.
  const replay = await refresh(session.refreshToken);
  expect(replay.status).toBe(401);
  expect(replay.body.detail).toMatch(/already used/);
  expect((await refresh(rotated.body.refreshToken)).status).toBe(401);
  expect((await me(rotated.body.accessToken)).status).toBe(401);
});

it('signs out: the refresh token and the access token stop at once; other sessions go on', async () => {
  const session = await newSession();
  const other = await api()
    .post('/api/users/sign-in')
    .send({ email: `session${counter}@example.com`, password: 'correct horse battery' });

  const out = await api().post('/api/users/sign-out').send({ refreshToken: session.refreshToken });
  expect(out.status).toBe(204);
  expect((await me(session.accessToken)).status).toBe(401);
  expect((await refresh(session.refreshToken)).status).toBe(401);
  expect((await api().post('/api/users/sign-out').send({ refreshToken: session.refreshToken })).status).toBe(
    204,
  );
  expect((await me(other.body.accessToken)).status).toBe(200);
});

it('rejects made-up refresh tokens without touching real sessions', async () => {
  const session = await newSession();
  const [sessionId] = session.refreshToken.split('.');
  const guessed = await refresh(`${sessionId}.${'A'.repeat(43)}`);
  expect(guessed.status).toBe(401);
  expect((await refresh('garbage')).status).toBe(401);
  expect((await refresh(session.refreshToken)).status).toBe(200);
});
