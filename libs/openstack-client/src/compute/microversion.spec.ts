import { compareMicroversions, negotiateMicroversion, parseComputeVersionDocument } from './microversion';

describe(negotiateMicroversion.name, () => {
  const wanted = { min: '2.52', preferred: '2.75' };

  it('speaks the preferred microversion on newer clouds', () => {
    expect(negotiateMicroversion({ minVersion: '2.1', maxVersion: '2.104' }, wanted)).toEqual({ ok: true, microversion: '2.75' });
    // The real Zed harness (2.93) and the simulator (2.96).
    expect(negotiateMicroversion({ minVersion: '2.1', maxVersion: '2.93' }, wanted)).toEqual({ ok: true, microversion: '2.75' });
  });

  it("speaks the server's maximum when it is between our minimum and preference", () => {
    expect(negotiateMicroversion({ minVersion: '2.1', maxVersion: '2.60' }, wanted)).toEqual({ ok: true, microversion: '2.60' });
    expect(negotiateMicroversion({ minVersion: '2.1', maxVersion: '2.52' }, wanted)).toEqual({ ok: true, microversion: '2.52' });
  });

  it('refuses clouds below 2.52 with a clear reason', () => {
    expect(negotiateMicroversion({ minVersion: '2.1', maxVersion: '2.38' }, wanted)).toEqual({
      ok: false,
      reason: 'the compute API supports microversions 2.1 to 2.38; at least 2.52 is needed (server tags)',
    });
    expect(negotiateMicroversion({ minVersion: '', maxVersion: '' }, wanted)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('legacy v2.0'),
    });
  });

  it('speaks the oldest supported one on a cloud that dropped our preference', () => {
    expect(negotiateMicroversion({ minVersion: '2.80', maxVersion: '2.110' }, wanted)).toEqual({ ok: true, microversion: '2.80' });
  });

  it('honours a pinned microversion within both ranges only', () => {
    const server = { minVersion: '2.1', maxVersion: '2.93' };
    expect(negotiateMicroversion(server, { ...wanted, pinned: '2.90' })).toEqual({ ok: true, microversion: '2.90' });
    expect(negotiateMicroversion(server, { ...wanted, pinned: '2.95' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('outside the server'),
    });
    expect(negotiateMicroversion(server, { ...wanted, pinned: '2.40' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('below the 2.52'),
    });
  });
});

describe(compareMicroversions.name, () => {
  it('compares numerically, not as text', () => {
    expect(compareMicroversions('2.9', '2.52')).toBeLessThan(0);
    expect(compareMicroversions('2.100', '2.93')).toBeGreaterThan(0);
    expect(compareMicroversions('2.52', '2.52')).toBe(0);
  });
});

describe(parseComputeVersionDocument.name, () => {
  it('prefers the CURRENT microversioned entry of a list', () => {
    expect(
      parseComputeVersionDocument({
        versions: [
          { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '' },
          { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' },
        ],
      }),
    ).toMatchObject({ id: 'v2.1', maxVersion: '2.93' });
  });

  it('rejects a body that is no version document', () => {
    expect(() => parseComputeVersionDocument({ servers: [] })).toThrow(/neither "version" nor "versions"/);
  });
});
