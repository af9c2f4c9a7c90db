import { type AuthIdentity, identityOf } from './auth-identity';
import { TokenCache } from './token-cache';

const T0 = Date.parse('2026-06-01T12:00:00Z');

function identity(name: string, expiresInMs = 3_600_000, now = T0): AuthIdentity {
  return identityOf(
    {
      user: { id: `${name}-id`, name },
      roles: [{ id: 'r', name: 'reader' }],
      expiresAt: new Date(now + expiresInMs),
      methods: ['password'],
      catalog: [],
    },
    { readRoles: ['reader'], writeRoles: [], adminProjects: [], allowDomainScope: false, allowSystemScope: false },
  );
}

describe(TokenCache.name, () => {
  let now: number;
  let calls: number;
  const validate = (result: AuthIdentity) => async () => {
    calls++;
    return result;
  };

  beforeEach(() => {
    now = T0;
    calls = 0;
  });

  const make = (ttlMs = 60_000, maxEntries = 100) => new TokenCache({ ttlMs, maxEntries, now: () => now });

  it('asks once per token within the TTL, and again after it', async () => {
    const sut = make(60_000);
    await sut.resolve('tok-a', validate(identity('a')));
    now += 59_999;
    await sut.resolve('tok-a', validate(identity('a')));
    expect(calls).toBe(1);
    now += 1;
    await sut.resolve('tok-a', validate(identity('a')));
    expect(calls).toBe(2);
  });

  it("never keeps an entry past the token's own expiry, even with a longer TTL", async () => {
    const sut = make(60_000);
    await sut.resolve('tok-a', validate(identity('a', 10_000)));
    now += 9_999;
    await sut.resolve('tok-a', validate(identity('a', 10_000)));
    expect(calls).toBe(1);
    now += 1;
    await sut.resolve('tok-a', validate(identity('a', 10_000)));
    expect(calls).toBe(2);
  });

  it('is bounded: past maxEntries the least recently used token is forgotten', async () => {
    const sut = make(60_000, 2);
    await sut.resolve('tok-a', validate(identity('a')));
    await sut.resolve('tok-b', validate(identity('b')));
    await sut.resolve('tok-a', validate(identity('a'))); // a is now the most recently used
    await sut.resolve('tok-c', validate(identity('c'))); // evicts b
    expect(sut.size).toBe(2);
    expect(calls).toBe(3);
    await sut.resolve('tok-a', validate(identity('a')));
    await sut.resolve('tok-c', validate(identity('c')));
    expect(calls).toBe(3);
    await sut.resolve('tok-b', validate(identity('b')));
    expect(calls).toBe(4);

    for (let i = 0; i < 1000; i++) await sut.resolve(`tok-${i}`, validate(identity(String(i))));
    expect(sut.size).toBe(2);
  });

  it('shares one validation between concurrent requests with the same token', async () => {
    const sut = make();
    let release: (value: AuthIdentity) => void = () => undefined;
    const slow = () => {
      calls++;
      return new Promise<AuthIdentity>((resolve) => (release = resolve));
    };
    const all = Promise.all([sut.resolve('tok-a', slow), sut.resolve('tok-a', slow), sut.resolve('tok-a', slow)]);
    release(identity('a'));
    expect((await all).map((i) => i.user.name)).toEqual(['a', 'a', 'a']);
    expect(calls).toBe(1);
  });

  it('does not remember failures: the next request asks again', async () => {
    const sut = make();
    const failing = async (): Promise<AuthIdentity> => {
      calls++;
      throw new Error('Could not find token');
    };
    await expect(sut.resolve('tok-a', failing)).rejects.toThrow('Could not find token');
    await expect(sut.resolve('tok-a', failing)).rejects.toThrow('Could not find token');
    expect(calls).toBe(2);
    expect(sut.size).toBe(0);
  });

  it('forgets an evicted token, also when the eviction races its validation', async () => {
    const sut = make();
    await sut.resolve('tok-a', validate(identity('a')));
    sut.evict('tok-a');
    expect(sut.size).toBe(0);

    let release: (value: AuthIdentity) => void = () => undefined;
    const pending = sut.resolve('tok-b', () => new Promise<AuthIdentity>((resolve) => (release = resolve)));
    sut.evict('tok-b');
    release(identity('b'));
    await expect(pending).resolves.toMatchObject({ user: { name: 'b' } });
    expect(sut.size).toBe(0);
  });

  it('remembers nothing with a TTL of 0', async () => {
    const sut = make(0);
    await sut.resolve('tok-a', validate(identity('a')));
    await sut.resolve('tok-a', validate(identity('a')));
    sut.remember('tok-a', identity('a'));
    expect(calls).toBe(2);
    expect(sut.size).toBe(0);
  });

  it('keys entries by a keyed hash, never by the token itself', async () => {
    const sut = make();
    const token = 'gAAAAABsecret-token-value-that-must-not-be-a-key';
    await sut.resolve(token, validate(identity('a')));
    const keys = [...(sut as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys[0]).not.toContain(token.slice(0, 12));
    // Another cache (another process) derives other keys from the same token.
    const other = make();
    await other.resolve(token, validate(identity('a')));
    expect([...(other as unknown as { entries: Map<string, unknown> }).entries.keys()]).not.toEqual(keys);
  });
});
