import { z } from 'zod';
import { listingPageSchema, type listingViewSchema } from '@kvartirnsk/api-listings/openapi';

// The public API as the demo and seed scripts and the browser journeys use it: accounts and a host's own
// listings, through the gateway like any client.

export type ListingView = z.infer<typeof listingViewSchema>;

export interface AccountDetails {
  email: string;
  name: string;
  password: string;
}

export interface Session {
  userId: string;
  email: string;
  roles: string[];
  accessToken: string;
  refreshToken: string;
}

const tokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  user: z.object({ id: z.string(), email: z.string(), roles: z.array(z.string()) }),
});

export class GatewayError extends Error {
  override readonly name = 'GatewayError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`);
  }

  /** The fields an RFC 9457 problem's `errors` name. */
  fields(): string[] {
    try {
      const problem = JSON.parse(this.body) as { errors?: Array<{ field?: unknown }> };
      return (problem.errors ?? []).map((error) => String(error.field));
    } catch {
      return [];
    }
  }
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  form?: FormData;
}

export class Gateway {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  /** Calls `/api<path>` and returns the parsed JSON body; any status other than 2xx throws a GatewayError. */
  async call<T>(method: string, path: string, schema: z.ZodType<T>, options: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}/api${path}`, {
      method,
      headers,
      body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new GatewayError(method, path, res.status, text);
    return schema.parse(text ? JSON.parse(text) : null);
  }

  /**
   * Signs the account up, or in when it exists already. Signing up first keeps a fresh stack's many new
   * accounts from counting as failed sign-ins, which the users service throttles per address.
   */
  async account(details: AccountDetails): Promise<Session> {
    let tokens: z.infer<typeof tokenResponse>;
    try {
      tokens = await this.call('POST', '/users/sign-up', tokenResponse, { body: details });
    } catch (err) {
      if (!(err instanceof GatewayError && err.status === 409)) throw err;
      tokens = await this.call('POST', '/users/sign-in', tokenResponse, {
        body: { email: details.email, password: details.password },
      });
    }
    return sessionOf(tokens);
  }

  /** The account as a host: adds the role if it lacks it and refreshes the session so its token carries it. */
  async host(details: AccountDetails): Promise<Session> {
    const session = await this.account(details);
    if (session.roles.includes('host')) return session;
    await this.call('POST', '/users/me/host', z.unknown(), { token: session.accessToken });
    return sessionOf(
      await this.call('POST', '/users/refresh', tokenResponse, {
        body: { refreshToken: session.refreshToken },
      }),
    );
  }

  async signIn(email: string, password: string): Promise<Session> {
    return sessionOf(await this.call('POST', '/users/sign-in', tokenResponse, { body: { email, password } }));
  }

  /** Every listing of the signed-in host, oldest id first. */
  async myListings(session: Session): Promise<ListingView[]> {
    const listings: ListingView[] = [];
    let after: string | null = null;
    do {
      const query: URLSearchParams = new URLSearchParams({ limit: '100', ...(after ? { after } : {}) });
      const page: z.infer<typeof listingPageSchema> = await this.call(
        'GET',
        `/listings/mine?${query.toString()}`,
        listingPageSchema,
        {
          token: session.accessToken,
        },
      );
      listings.push(...page.items);
      after = page.next;
    } while (after);
    return listings;
  }

  /** The host's listing with this title, if there is one. */
  async myListingTitled(session: Session, title: string): Promise<ListingView | undefined> {
    return (await this.myListings(session)).find((listing) => listing.title === title);
  }
}

function sessionOf(tokens: z.infer<typeof tokenResponse>): Session {
  return {
    userId: tokens.user.id,
    email: tokens.user.email,
    roles: tokens.user.roles,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
  };
}
