import { z } from 'zod';
import { ConfigError, flag, loadConfig, port } from './config';

describe('loadConfig', () => {
  const shape = { PORT: port(4000), DEBUG: flag(false), NAME: z.string().min(1) };

  it('applies defaults and coerces values', () => {
    expect(loadConfig(shape, { NAME: 'x', PORT: '5000' })).toEqual({ PORT: 5000, DEBUG: false, NAME: 'x' });
    expect(loadConfig(shape, { NAME: 'x', DEBUG: '1' }).DEBUG).toBe(true);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(shape, { PORT: '99999', DEBUG: 'yes' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DEBUG');
    expect(message).toContain('NAME');
  });
});
