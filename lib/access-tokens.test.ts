import { generateKeyPair } from 'jose';
import {
  type AccessClaims,
  cachingTokenVerifier,
  signAccessToken,
  signingKeyFrom,
  verificationKeyFrom,
  verifyAccessToken,
} from './access-tokens';

const CLAIMS: AccessClaims = { userId: 'user-1', roles: ['guest'], tokenVersion: 3, sessionId: 'family-1' };
const DEV = { NODE_ENV: 'test' };

describe('access tokens', () => {
  it('verify with the matching key only', async () => {
    const token = await signAccessToken(await signingKeyFrom(DEV), CLAIMS, 60);
    const other = await generateKeyPair('EdDSA');

    expect(await verifyAccessToken(await verificationKeyFrom(DEV), token)).toEqual(CLAIMS);
    expect(await verifyAccessToken(other.publicKey, token)).toBeUndefined();
    expect(await verifyAccessToken(await verificationKeyFrom(DEV), `${token}x`)).toBeUndefined();
  });
});

describe('cachingTokenVerifier', () => {
  afterEach(() => jest.useRealTimers());

  it('keeps accepting a verified token until it expires, then refuses it', async () => {
    const token = await signAccessToken(await signingKeyFrom(DEV), CLAIMS, 60);
    const verify = cachingTokenVerifier(await verificationKeyFrom(DEV));

    expect(await verify(token)).toEqual(CLAIMS);
    expect(await verify(token)).toEqual(CLAIMS);
    jest.useFakeTimers({
      now: Date.now() + 61_000,
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    expect(await verify(token)).toBeUndefined();
  });

  it('never remembers a token that failed', async () => {
    const token = await signAccessToken(await signingKeyFrom(DEV), CLAIMS, 60);
    const forged = `${token.slice(0, -4)}AAAA`;
    const verify = cachingTokenVerifier(await verificationKeyFrom(DEV));

    expect(await verify(forged)).toBeUndefined();
    expect(await verify(forged)).toBeUndefined();
    expect(await verify(token)).toEqual(CLAIMS);
  });
});
