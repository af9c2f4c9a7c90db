import { randomBytes } from 'node:crypto';
import { keyIdOf, parseSecretKey, SecretBox, SecretUnavailableError } from './secret-box';

describe('SecretBox', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = '3d1ce24a-4a62-4b7a-a899-d4ccec090e9d';

  it('seals with AES-GCM under the current key, and opens what it sealed', () => {
    const box = new SecretBox(k1);
    const stored = box.seal(secret, id);
    expect(stored).toMatch(new RegExp(`^sealed:v1:${keyIdOf(k1)}:`));
    expect(stored).not.toContain(secret.slice(6));
    expect(box.seal(secret, id)).not.toBe(stored); // a fresh IV each time
    expect(box.open(stored, id)).toBe(secret);
    expect(box.needsResealing(stored)).toBe(false);
  });

  it('binds a sealed secret to its webhook: copied to another id, it does not open', () => {
    const box = new SecretBox(k1);
    expect(() => box.open(box.seal(secret, id), '00000000-0000-4000-8000-000000000000')).toThrow(/auth/i);
  });

  it('opens what a previous key sealed, and asks for it to be sealed again', () => {
    const old = new SecretBox(k1).seal(secret, id);
    const rotated = new SecretBox(k2, [k1]);
    expect(rotated.open(old, id)).toBe(secret);
    expect(rotated.needsResealing(old)).toBe(true);
    expect(rotated.needsResealing(rotated.seal(secret, id))).toBe(false);
  });

  it('names the key it lacks', () => {
    const old = new SecretBox(k1).seal(secret, id);
    expect(() => new SecretBox(k2).open(old, id)).toThrow(SecretUnavailableError);
    expect(() => new SecretBox(null).open(old, id)).toThrow(keyIdOf(k1));
  });

  it('without a key, stores and reads secrets in clear; with one, asks to seal clear ones', () => {
    const none = new SecretBox(null);
    expect(none.sealing).toBe(false);
    expect(none.seal(secret, id)).toBe(secret);
    expect(none.open(secret, id)).toBe(secret);
    expect(none.needsResealing(secret)).toBe(false);
    expect(new SecretBox(k1).needsResealing(secret)).toBe(true);
    expect(new SecretBox(k1).open(secret, id)).toBe(secret);
  });

  it('takes keys of 32 bytes as base64 or hex, and says why it refuses others', () => {
    expect(parseSecretKey(k1.toString('base64'))).toEqual(k1);
    expect(parseSecretKey(k1.toString('hex'))).toEqual(k1);
    expect(parseSecretKey(randomBytes(16).toString('base64'))).toMatch(/must be 32 bytes/);
    expect(parseSecretKey('not a key at all')).toMatch(/must be 32 bytes/);
  });
});
