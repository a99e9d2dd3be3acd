/**
 * Russian → Latin as GeoNames spells Russian places (BGN/PCGN without its diacritics: Нижний → Nizhniy,
 * Тольятти → Tol’yatti, Ессентуки → Yessentuki), so a Cyrillic query finds a Russian city that the gazetteer
 * only has in Latin. GOST 7.79 or ICAO (Юж → Iuzh, Й → I) would miss those names.
 */
const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  // Ukrainian and Belarusian letters, so their place names transliterate too.
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
};

/** After these (or at a word start) е and ё are iotated: Ессентуки → Yessentuki, Подъём → Podyem. */
const IOTATING = /[аеёиоуыэюяіїєъь]/;
const CYRILLIC = /[\u0400-\u04ff]/;

export function hasCyrillic(text: string): boolean {
  return CYRILLIC.test(text);
}

export function transliterate(text: string): string {
  const lower = text.normalize('NFC').toLowerCase();
  let latin = '';
  for (let index = 0; index < lower.length; index++) {
    const letter = lower[index]!;
    const previous = lower[index - 1];
    if (
      (letter === 'е' || letter === 'ё') &&
      (previous === undefined || !CYRILLIC.test(previous) || IOTATING.test(previous))
    ) {
      latin += 'ye';
    } else {
      latin += CYRILLIC_TO_LATIN[letter] ?? letter;
    }
  }
  return latin;
}

const PLAIN_ASCII_NAME = /^[A-Za-z0-9]+( [A-Za-z0-9]+)*$/;

/** Latin letters that Unicode does not decompose into a base letter and a mark. */
const UNDECOMPOSABLE: Record<string, string> = {
  ß: 'ss',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  æ: 'ae',
  œ: 'oe',
  ı: 'i',
  þ: 'th',
};

/**
 * The form names are compared in: lower case, without diacritics (São → sao, Orël → orel, ё → е), without
 * apostrophes (Tol’yatti → tolyatti), with hyphens and other punctuation as single spaces. Cyrillic stays
 * Cyrillic; й loses its breve like any other mark, on both sides of the comparison alike.
 */
export function searchKey(text: string): string {
  // Most names are plain ASCII letters: the Unicode work below is what makes loading the gazetteer slow.
  if (PLAIN_ASCII_NAME.test(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßøłđæœıþ]/g, (letter) => UNDECOMPOSABLE[letter]!)
    .replace(/['’ʼ`ʹ]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
