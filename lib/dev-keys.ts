/**
 * DEVELOPMENT ONLY. A fixed Ed25519 key pair so that the users service (which signs access tokens) and the
 * gateway (which verifies them) agree on a developer machine without any setup. It is public in this
 * repository, so anyone can mint tokens with it: `accessTokenKeysFrom` refuses it when NODE_ENV=production,
 * where JWT_PRIVATE_KEY / JWT_PUBLIC_KEY must be given.
 */
export const DEV_JWT_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIH+MzJNWfWRHQxps75kcgIOx901BFVajUs+7e6YpXZAA
-----END PRIVATE KEY-----
`;

export const DEV_JWT_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA1MlF1cNbbJip6vGEQMyS/yDkx38o0hlBNk5fkgytG24=
-----END PUBLIC KEY-----
`;
