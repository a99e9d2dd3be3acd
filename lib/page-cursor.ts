import type { z } from 'zod';
import { badRequest } from './problem';

/**
 * An opaque keyset-pagination cursor: the sort key of a page's last row, as base64url JSON. A cursor that does
 * not decode to `schema` (forged, truncated, from another list) is a 400 naming the `cursor` field.
 */
export function pageCursor<Key extends z.ZodType<Record<string, unknown>>>(schema: Key) {
  return {
    encode(key: z.input<Key>): string {
      return Buffer.from(JSON.stringify(key)).toString('base64url');
    },
    decode(cursor: string): z.output<Key> {
      try {
        return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
      } catch {
        throw badRequest('cursor is not one this service issued', [
          { field: 'cursor', pointer: '/cursor', detail: 'is not a valid page cursor' },
        ]);
      }
    },
  };
}
