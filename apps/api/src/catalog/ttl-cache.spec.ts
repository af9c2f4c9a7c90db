import { ManualClock } from '../common/clock';
import { TtlCache } from './ttl-cache';

describe(TtlCache.name, () => {
  const clock = new ManualClock(new Date('2026-11-27T10:00:00Z'));
  let calls: number;
  const load = async () => ++calls;

  beforeEach(() => (calls = 0));

  it('reuses a value until its time is up, then loads again', async () => {
    const sut = new TtlCache<number>(5000, clock);
    expect(await sut.get('k', load)).toBe(1);
    clock.advance(4999);
    expect(await sut.get('k', load)).toBe(1);
    clock.advance(1);
    expect(await sut.get('k', load)).toBe(2);
  });

  it('shares one in-flight load between concurrent callers', async () => {
    const sut = new TtlCache<number>(5000, clock);
    const results = await Promise.all([sut.get('k', load), sut.get('k', load), sut.get('k', load)]);
    expect(results).toEqual([1, 1, 1]);
    expect(calls).toBe(1);
  });

  it('bypasses the cached value on refresh', async () => {
    const sut = new TtlCache<number>(5000, clock);
    await sut.get('k', load);
    expect(await sut.get('k', load, { refresh: true })).toBe(2);
    expect(await sut.get('k', load)).toBe(2);
  });

  it('does not cache failures', async () => {
    const sut = new TtlCache<number>(5000, clock);
    await expect(sut.get('k', () => Promise.reject(new Error('cloud down')))).rejects.toThrow('cloud down');
    expect(await sut.get('k', load)).toBe(1);
  });

  it('with a zero TTL, always loads', async () => {
    const sut = new TtlCache<number>(0, clock);
    await sut.get('k', load);
    expect(await sut.get('k', load)).toBe(2);
  });

  it('keeps keys apart, and drops expired keys when it stores another', async () => {
    const sut = new TtlCache<string>(5000, clock);
    expect(await sut.get('project:a', async () => 'a-list')).toBe('a-list');
    expect(await sut.get('project:b', async () => 'b-list')).toBe('b-list');
    expect(await sut.get('project:a', async () => 'other')).toBe('a-list');
    clock.advance(5000);
    await sut.get('project:c', async () => 'c-list');
    expect((sut as unknown as { entries: Map<string, unknown> }).entries.size).toBe(1);
  });
});
