import { EnvReader } from './env';

describe(EnvReader.name, () => {
  it('takes the default when a variable is unset or blank', () => {
    const sut = new EnvReader({ BLANK: '  ' });
    expect(sut.int('UNSET', 7, { min: 0 })).toBe(7);
    expect(sut.int('BLANK', 7, { min: 0 })).toBe(7);
    expect(sut.bool('UNSET', true)).toBe(true);
    expect(sut.string('UNSET')).toBeUndefined();
    expect(sut.list('BLANK', ['a'])).toEqual(['a']);
    expect(sut.done({ ok: 1 })).toEqual({ ok: 1 });
  });

  it('parses integers in range, booleans in the usual spellings, lists without blanks or repeats', () => {
    const sut = new EnvReader({ N: ' 42 ', T: 'Yes', F: 'off', L: 'a, b,,a ', LEVEL: 'DEBUG' });
    expect(sut.int('N', 0, { min: 1, max: 100 })).toBe(42);
    expect(sut.bool('T', false)).toBe(true);
    expect(sut.bool('F', true)).toBe(false);
    expect(sut.list('L', [])).toEqual(['a', 'b']);
    expect(sut.oneOf('LEVEL', ['info', 'debug'], 'info')).toBe('debug');
    expect(() => sut.done({})).not.toThrow();
  });

  it('names every bad variable of the namespace, with its rule and the value given, in one error', () => {
    const sut = new EnvReader({ LOW: '0', FRACTION: '1.5', WORD: 'maybe', LEVEL: 'loud' });
    sut.int('LOW', 1, { min: 1 });
    sut.int('FRACTION', 1, { min: 0, max: 10 });
    sut.bool('WORD', true);
    sut.oneOf('LEVEL', ['info', 'debug'], 'info');
    expect(() => sut.done({})).toThrow(
      [
        'Invalid environment configuration:',
        '  LOW: must be an integer >= 1 (got "0")',
        '  FRACTION: must be an integer from 0 to 10 (got "1.5")',
        '  WORD: must be true or false (got "maybe")',
        '  LEVEL: must be one of info, debug (got "loud")',
      ].join('\n'),
    );
  });
});
