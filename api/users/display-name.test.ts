import { displayName } from './display-name';

describe('displayName', () => {
  it('keeps the first name and shortens the rest to initials', () => {
    expect(displayName('  Иван  Сергеевич Петров ')).toBe('Иван С. П.');
    expect(displayName('анна петрова')).toBe('анна П.');
    expect(displayName('Oleg')).toBe('Oleg');
  });

  it('takes whole characters for an initial, not halves of a surrogate pair', () => {
    expect(displayName('Ann 𝒵ed')).toBe('Ann 𝒵.');
  });
});
