import { createHash } from 'node:crypto';
import { LookupKeys } from './lookup-keys';

describe(LookupKeys.name, () => {
  const token = 'gAAAAABexampleTokenThatKeystoneWouldIssue0123456789';

  it('gives one value the same key every time, and different values different keys', () => {
    const keys = new LookupKeys();
    expect(keys.of(token)).toBe(keys.of(token));
    expect(keys.of(token)).not.toBe(keys.of(`${token}x`));
    expect(keys.of('address\x00127.0.0.1')).not.toBe(keys.of('user\x00127.0.0.1'));
  });

  it('keeps neither the value nor its plain digest, and no two processes share keys', () => {
    const key = new LookupKeys().of(token);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain(token.slice(0, 12));
    expect(key).not.toBe(createHash('sha256').update(token).digest('base64url'));
    expect(new LookupKeys().of(token)).not.toBe(key);
  });
});
