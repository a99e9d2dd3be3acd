/**
 * Until a booking between them is confirmed, guest and host may not swap contact details: payments stay on
 * the platform, where the guest is protected. Masking is deliberately broad (a false positive costs a
 * rephrase; a miss costs a guest their money).
 */
export type ContactKind = 'email' | 'phone' | 'link' | 'handle';

const PATTERNS: ReadonlyArray<readonly [ContactKind, RegExp]> = [
  [
    'email',
    /[\p{L}\p{N}._%+-]+\s*(?:@|\(at\)|\[at\]|\s собака\s)\s*[\p{L}\p{N}-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\sточка\s)\s*[\p{L}\p{N}-]+)+/giu,
  ],
  // Links, with or without a scheme: t.me/..., wa.me/..., example.ru, vk.com/...
  [
    'link',
    /\b(?:https?:\/\/|www\.)\S+|\b[\p{L}\p{N}-]+\s*\.\s*(?:ru|рф|com|net|org|me|io|su|info|biz|online|site|link|ly)\b(?:\/\S*)?/giu,
  ],
  // @handles (Telegram, Instagram) of four or more characters; short ones are too often just "@ 5".
  ['handle', /(?<![\p{L}\p{N}])@[A-Za-z0-9_]{4,}/gu],
  // Seven or more digits, allowing the separators people type: +7 (912) 345-67-89, 8 912 345 67 89.
  ['phone', /\+?\d(?:[\s().-]*\d){6,}/gu],
];

export const MASK = '•••';

export interface MaskResult {
  text: string;
  /** What was hidden, so the sender can be told why. Empty when nothing was. */
  masked: ContactKind[];
}

export function maskContactDetails(text: string): MaskResult {
  const masked = new Set<ContactKind>();
  let result = text;
  for (const [kind, pattern] of PATTERNS) {
    result = result.replace(pattern, () => {
      masked.add(kind);
      return MASK;
    });
  }
  return { text: result, masked: [...masked] };
}
