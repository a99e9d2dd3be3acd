import request from 'supertest';
import {
  decodeJwtPayload,
  insertAdmin,
  lastMailedToken,
  startUsersStack,
  type UsersStack,
} from './test-support';

// The users service behind the real gateway, on its own database and Redis key space.
let stack: UsersStack;
let adminToken: string;

const ADMIN = { email: 'admin@kvartirnsk.test', password: 'admin-password-1' };

beforeAll(async () => {
  stack = await startUsersStack('accounts');
  await insertAdmin(stack, ADMIN.email, ADMIN.password);
  const signIn = await api().post('/api/users/sign-in').send(ADMIN);
  expect(signIn.status).toBe(200);
  adminToken = signIn.body.accessToken;
});

afterAll(() => stack.close());

const api = () => request(stack.gateway);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let counter = 0;
interface SignedUp {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
  email: string;
  password: string;
}

async function signUp(overrides: { email?: string } = {}): Promise<SignedUp> {
  counter += 1;
  const body = {
    email: overrides.email ?? `user${counter}@example.com`,
    password: 'correct horse battery',
    name: `User ${counter}`,
  };
  const res = await api().post('/api/users/sign-up').send(body);
  expect(res.status).toBe(201);
  return {
    ...(res.body as Omit<SignedUp, 'email' | 'password'>),
    email: body.email,
    password: body.password,
  };
}

describe('sign-up and sign-in', () => {
  it('creates a guest account, signs it in and mails a verification token', async () => {
    const res = await api()
      .post('/api/users/sign-up')
      .send({ email: '  Olga@Example.COM ', password: 'correct horse battery', name: 'Ольга', locale: 'en' });

    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({
      email: 'olga@example.com',
      name: 'Ольга',
      locale: 'en',
      roles: ['guest'],
      emailVerified: false,
      blocked: false,
    });
    expect(res.body.tokenType).toBe('Bearer');
    expect(decodeJwtPayload(res.body.accessToken)).toMatchObject({ sub: res.body.user.id, roles: ['guest'] });
    expect(await lastMailedToken(stack, 'olga@example.com', 'email-verification')).toMatch(/^[\w-]{43}$/);
    const stored = await stack.testDb.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', 'olga@example.com')
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a second account for the same email, whatever its case', async () => {
    const { email } = await signUp();
    const res = await api()
      .post('/api/users/sign-up')
      .send({ email: email.toUpperCase(), password: 'another long password', name: 'Twin' });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('https://kvartirnsk.ru/problems/email-taken');
  });

  it('signs in with the right password only', async () => {
    const { email, password } = await signUp();
    const wrong = await api().post('/api/users/sign-in').send({ email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.type).toBe('https://kvartirnsk.ru/problems/invalid-credentials');
    const unknown = await api().post('/api/users/sign-in').send({ email: 'nobody@example.com', password });
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    const right = await api().post('/api/users/sign-in').send({ email, password });
    expect(right.status).toBe(200);
    expect(right.body.refreshToken).toEqual(expect.any(String));
  });
});

describe('profile', () => {
  it('reads and updates the profile', async () => {
    const { accessToken } = await signUp();
    const patched = await api()
      .patch('/api/users/me')
      .set(bearer(accessToken))
      .send({
        name: 'Анна Петрова',
        phone: '+79161234567',
        avatarUrl: 'https://cdn.example.com/a.png',
        languages: ['ru', 'en'],
        locale: 'en',
      });
    expect(patched.status).toBe(200);
    const me = await api().get('/api/users/me').set(bearer(accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      name: 'Анна Петрова',
      phone: '+79161234567',
      avatarUrl: 'https://cdn.example.com/a.png',
      languages: ['ru', 'en'],
      locale: 'en',
    });
    const cleared = await api().patch('/api/users/me').set(bearer(accessToken)).send({ phone: null });
    expect(cleared.body.phone).toBeNull();
    expect(cleared.body.name).toBe('Анна Петрова');
  });

  it('makes a guest a host, and the refreshed token says so', async () => {
    const { accessToken, refreshToken } = await signUp();
    const host = await api().post('/api/users/me/host').set(bearer(accessToken)).send({});
    expect(host.status).toBe(200);
    expect(host.body.user.roles).toEqual(['guest', 'host']);
    const again = await api().post('/api/users/me/host').set(bearer(accessToken)).send({});
    expect(again.body.user.roles).toEqual(['guest', 'host']);
    const refreshed = await api().post('/api/users/refresh').send({ refreshToken });
    expect(decodeJwtPayload(refreshed.body.accessToken).roles).toEqual(['guest', 'host']);
  });
});

describe('public profiles', () => {
  it("shows other users a user's first name and initials, never the email, phone or full name", async () => {
    const guest = await signUp();
    await api()
      .patch('/api/users/me')
      .set(bearer(guest.accessToken))
      .send({ name: 'Анна Сергеевна Петрова', phone: '+79161234567', languages: ['ru', 'en'] });
    const host = await signUp();
    await api().post('/api/users/me/host').set(bearer(host.accessToken)).send({});
    await api().patch('/api/users/me').set(bearer(host.accessToken)).send({ name: 'Олег' });
    const unknown = '00000000-0000-4000-8000-000000000000';

    const res = await api()
      .get(`/api/users/profiles?ids=${unknown},${host.user.id},${guest.user.id},${host.user.id}`)
      .set(bearer(guest.accessToken));

    expect(res.status).toBe(200);
    // Asked-for order, each once, the unknown id left out.
    expect(res.body.items.map((profile: { id: string }) => profile.id)).toEqual([
      host.user.id,
      guest.user.id,
    ]);
    const [hostProfile, guestProfile] = res.body.items;
    expect(hostProfile).toMatchObject({ displayName: 'Олег', isHost: true, emailVerified: false });
    expect(guestProfile).toEqual({
      id: guest.user.id,
      displayName: 'Анна С. П.',
      avatarUrl: null,
      languages: ['ru', 'en'],
      emailVerified: false,
      isHost: false,
      memberSince: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Петрова|\+7916|@example\.com/);
  });

  it('are for signed-in users only', async () => {
    const { user } = await signUp();
    const res = await api().get(`/api/users/profiles?ids=${user.id}`);
    expect(res.status).toBe(401);
  });
});

describe('mail recipients (internal)', () => {
  it('tells services on the internal network where and in which language to mail users', async () => {
    const { user, email, accessToken } = await signUp();
    await api().patch('/api/users/me').set(bearer(accessToken)).send({ locale: 'en' });
    const res = await request(await stack.usersApp()).get(`/internal/mail-recipients?ids=${user.id}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ id: user.id, email, locale: 'en', blocked: false }]);
  });

  it('is not reachable through the gateway', async () => {
    const { user, accessToken } = await signUp();
    for (const path of ['/api/internal/mail-recipients', '/api/users/../internal/mail-recipients']) {
      const res = await api().get(`${path}?ids=${user.id}`).set(bearer(accessToken));
      expect(res.status).toBe(404);
    }
  });
});

describe('email verification', () => {
  it('verifies the address with the mailed token, once', async () => {
    const { accessToken, email } = await signUp();
    const token = await lastMailedToken(stack, email, 'email-verification');
    const confirmed = await api().post('/api/users/email-verification/confirm').send({ token });
    expect(confirmed.status).toBe(204);
    expect((await api().get('/api/users/me').set(bearer(accessToken))).body.emailVerified).toBe(true);
    const reused = await api().post('/api/users/email-verification/confirm').send({ token });
    expect(reused.status).toBe(400);
    expect(reused.body.errors[0].field).toBe('token');
    const resend = await api().post('/api/users/me/email-verification').set(bearer(accessToken)).send({});
    expect(resend.status).toBe(409);
  });

  it('mails a new token on request', async () => {
    const { accessToken, email } = await signUp();
    const first = await lastMailedToken(stack, email, 'email-verification');
    const res = await api().post('/api/users/me/email-verification').set(bearer(accessToken)).send({});
    expect(res.status).toBe(202);
    const second = await lastMailedToken(stack, email, 'email-verification');
    expect(second).toMatch(/^[\w-]{43}$/);
    expect(second).not.toBe(first);
  });
});

describe('passwords', () => {
  it('changes the password, ending every other session', async () => {
    const { accessToken, refreshToken, email, password } = await signUp();
    const wrong = await api()
      .post('/api/users/me/password')
      .set(bearer(accessToken))
      .send({ currentPassword: 'not it at all', newPassword: 'a brand new password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('currentPassword');

    const changed = await api()
      .post('/api/users/me/password')
      .set(bearer(accessToken))
      .send({ currentPassword: password, newPassword: 'a brand new password' });
    expect(changed.status).toBe(200);
    expect((await api().get('/api/users/me').set(bearer(accessToken))).status).toBe(401);
    expect((await api().post('/api/users/refresh').send({ refreshToken })).status).toBe(401);
    expect((await api().get('/api/users/me').set(bearer(changed.body.accessToken))).status).toBe(200);
    expect((await api().post('/api/users/sign-in').send({ email, password })).status).toBe(401);
    expect(
      (await api().post('/api/users/sign-in').send({ email, password: 'a brand new password' })).status,
    ).toBe(200);
  });

  it('resets a forgotten password with the mailed token, and says nothing about unknown addresses', async () => {
    const { accessToken, email } = await signUp();
    const unknown = await api().post('/api/users/password-reset').send({ email: 'ghost@example.com' });
    expect(unknown.status).toBe(202);
    expect(await lastMailedToken(stack, 'ghost@example.com', 'password-reset')).toBeUndefined();

    const requested = await api().post('/api/users/password-reset').send({ email });
    expect(requested.status).toBe(202);
    expect(requested.body).toEqual(unknown.body);
    const token = await lastMailedToken(stack, email, 'password-reset');
    const confirmed = await api()
      .post('/api/users/password-reset/confirm')
      .send({ token, newPassword: 'reset to something long' });
    expect(confirmed.status).toBe(204);
    expect((await api().get('/api/users/me').set(bearer(accessToken))).status).toBe(401);
    expect(
      (await api().post('/api/users/sign-in').send({ email, password: 'reset to something long' })).status,
    ).toBe(200);
    const again = await api()
      .post('/api/users/password-reset/confirm')
      .send({ token, newPassword: 'and once more, again' });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].field).toBe('token');
  });
});

describe('administration', () => {
  it('lists users page by page and filters them', async () => {
    const a = await signUp({ email: 'filter-a@list.example' });
    await signUp({ email: 'filter-b@list.example' });
    await signUp({ email: 'filter-c@list.example' });
    await api().post('/api/users/me/host').set(bearer(a.accessToken)).send({});

    const first = await api().get('/api/users?email=@list.example&limit=2').set(bearer(adminToken));
    expect(first.status).toBe(200);
    expect(first.body.items.map((u: { email: string }) => u.email)).toEqual([
      'filter-a@list.example',
      'filter-b@list.example',
    ]);
    const second = await api()
      .get(`/api/users?email=@list.example&limit=2&cursor=${first.body.nextCursor}`)
      .set(bearer(adminToken));
    expect(second.body.items.map((u: { email: string }) => u.email)).toEqual(['filter-c@list.example']);
    expect(second.body.nextCursor).toBeNull();

    const hosts = await api().get('/api/users?role=host&email=list.example').set(bearer(adminToken));
    expect(hosts.body.items.map((u: { email: string }) => u.email)).toEqual(['filter-a@list.example']);
  });

  it('blocks a user, whose tokens stop at once, and unblocks them', async () => {
    const victim = await signUp();
    expect((await api().get('/api/users/me').set(bearer(victim.accessToken))).status).toBe(200);

    const blocked = await api().post(`/api/users/${victim.user.id}/block`).set(bearer(adminToken)).send({});
    expect(blocked.status).toBe(200);
    expect(blocked.body.blocked).toBe(true);
    expect((await api().get('/api/users/me').set(bearer(victim.accessToken))).status).toBe(403);
    expect((await api().post('/api/users/refresh').send({ refreshToken: victim.refreshToken })).status).toBe(
      401,
    );
    const signIn = await api()
      .post('/api/users/sign-in')
      .send({ email: victim.email, password: victim.password });
    expect(signIn.status).toBe(403);
    expect(signIn.body.type).toBe('https://kvartirnsk.ru/problems/account-blocked');
    const listed = await api().get('/api/users?blocked=true').set(bearer(adminToken));
    expect(listed.body.items.map((u: { id: string }) => u.id)).toContain(victim.user.id);

    const unblocked = await api()
      .post(`/api/users/${victim.user.id}/unblock`)
      .set(bearer(adminToken))
      .send({});
    expect(unblocked.body.blocked).toBe(false);
    // Tokens from before the block stay dead; signing in again works.
    expect((await api().get('/api/users/me').set(bearer(victim.accessToken))).status).toBe(401);
    const back = await api()
      .post('/api/users/sign-in')
      .send({ email: victim.email, password: victim.password });
    expect(back.status).toBe(200);
    expect((await api().get('/api/users/me').set(bearer(back.body.accessToken))).status).toBe(200);
  });

  it('does not let an admin block themselves, and 404s unknown users', async () => {
    const me = await api().get('/api/users/me').set(bearer(adminToken));
    expect((await api().post(`/api/users/${me.body.id}/block`).set(bearer(adminToken)).send({})).status).toBe(
      409,
    );
    const missing = await api()
      .post('/api/users/00000000-0000-4000-8000-000000000000/block')
      .set(bearer(adminToken))
      .send({});
    expect(missing.status).toBe(404);
  });

  it('refuses admin routes to non-admins in the service too, not only at the gateway', async () => {
    const guest = await signUp();
    const app = await stack.usersApp();
    const res = await request(app).get('/users').set('x-user-id', guest.user.id).set('x-user-roles', 'guest');
    expect(res.status).toBe(403);
  });
});

describe('bad input is a 400 problem naming the field', () => {
  const validToken = 'A'.repeat(43);
  const cases: Array<[method: 'post' | 'patch' | 'get', path: string, body: unknown, field: string]> = [
    ['post', '/api/users/sign-up', { email: 'not-an-email', password: 'long enough pw', name: 'A' }, 'email'],
    ['post', '/api/users/sign-up', { email: 'a@example.com', password: 'short', name: 'A' }, 'password'],
    ['post', '/api/users/sign-up', { email: 'a@example.com', password: 'long enough pw', name: '' }, 'name'],
    [
      'post',
      '/api/users/sign-up',
      { email: 'a@example.com', password: 'long enough pw', name: 'A', locale: 'de' },
      'locale',
    ],
    [
      'post',
      '/api/users/sign-up',
      { email: 'a@example.com', password: 'long enough pw', name: 'A', roles: ['admin'] },
      'roles',
    ],
    ['post', '/api/users/sign-in', { email: 'a@example.com' }, 'password'],
    ['post', '/api/users/refresh', {}, 'refreshToken'],
    ['post', '/api/users/sign-out', { refreshToken: 42 }, 'refreshToken'],
    ['patch', '/api/users/me', { phone: '8 916 123' }, 'phone'],
    ['patch', '/api/users/me', { avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
    ['patch', '/api/users/me', { languages: ['russian'] }, 'languages.0'],
    ['patch', '/api/users/me', { languages: ['ru', 'ru'] }, 'languages'],
    ['patch', '/api/users/me', { locale: 'fr' }, 'locale'],
    ['patch', '/api/users/me', { email: 'new@example.com' }, 'email'],
    ['patch', '/api/users/me', {}, ''],
    ['post', '/api/users/me/password', { currentPassword: 'x', newPassword: 'short' }, 'newPassword'],
    ['post', '/api/users/password-reset', { email: 'nope' }, 'email'],
    ['post', '/api/users/password-reset/confirm', { token: 'abc', newPassword: 'long enough pw' }, 'token'],
    ['post', '/api/users/password-reset/confirm', { token: validToken, newPassword: 'x' }, 'newPassword'],
    ['post', '/api/users/email-verification/confirm', { token: '' }, 'token'],
    ['get', '/api/users?limit=1000', undefined, 'limit'],
    ['get', '/api/users?role=owner', undefined, 'role'],
    ['get', '/api/users?cursor=bm9wZQ', undefined, 'cursor'],
    ['get', '/api/users?sort=email', undefined, 'sort'],
    ['get', '/api/users/profiles', undefined, 'ids'],
    ['get', `/api/users/profiles?ids=${crypto.randomUUID()},not-a-uuid`, undefined, 'ids.1'],
    [
      'get',
      `/api/users/profiles?ids=${Array.from({ length: 101 }, () => crypto.randomUUID()).join(',')}`,
      undefined,
      'ids',
    ],
    ['post', '/api/users/not-a-uuid/block', {}, 'id'],
    ['post', '/api/users/not-a-uuid/unblock', {}, 'id'],
  ];

  let userToken: string;
  beforeAll(async () => {
    userToken = (await signUp()).accessToken;
  });

  it.each(cases)('%s %s %j → %s', async (method, path, body, field) => {
    const token = path.startsWith('/api/users?') || path.includes('block') ? adminToken : userToken;
    const req = api()[method](path).set(bearer(token));
    const res = body === undefined ? await req : await req.send(body as object);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await api()
      .post('/api/users/sign-in')
      .set('content-type', 'application/json')
      .send('{"email":');
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('https://kvartirnsk.ru/problems/malformed-body');
  });
});
