// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '#lib/locale.ts';
import type { SessionUser } from '#lib/server/gateway.ts';

declare global {
  namespace App {
    interface Locals {
      locale: Locale;
      user: SessionUser | null;
    }
    interface Error {
      message: string;
      /** Set when the message is already in the reader's language. */
      localised?: boolean;
    }
  }
}

export {};
