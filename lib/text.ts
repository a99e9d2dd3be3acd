import type { z } from 'zod';

/** Postgres text cannot hold NUL, so text with one is refused as bad input rather than failing the query. */
// eslint-disable-next-line no-control-regex
const NO_NUL = /^[^\u0000]*$/;

export function withoutNul<Schema extends z.ZodString | z.ZodURL>(schema: Schema): Schema {
  // zod's checks return the same schema type they are called on; TypeScript loses that across the union.
  return schema.regex(NO_NUL, 'must not contain NUL characters') as Schema;
}
