import registered from './search-attributes.json';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from './search-attributes';

const SERVER_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

it('registers exactly the search attributes the code uses, with the same types', () => {
  const fromCode = Object.fromEntries(
    ALL_SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, SERVER_TYPE_NAMES[key.type]]),
  );
  expect(fromCode).toEqual(registered);
});
