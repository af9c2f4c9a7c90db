import { isQuotaFault, type ServerFault } from './compute.models';

describe(isQuotaFault.name, () => {
  const fault = (message: string): ServerFault => ({ code: 500, message, created: new Date('2026-11-27T07:00:00Z') });

  it("is true for an ERROR server that the conductor's quota recheck refused (Zed's words)", () => {
    expect(
      isQuotaFault({ status: 'ERROR', fault: fault('Quota exceeded for instances: Requested 1, but already used 10 of 10 instances') }),
    ).toBe(true);
    expect(isQuotaFault({ status: 'ERROR', fault: fault('Quota exceeded for cores: Requested 4, but already used 18 of 20 cores') })).toBe(
      true,
    );
  });

  it('is false for other faults, for servers not in ERROR, and without a fault', () => {
    expect(isQuotaFault({ status: 'ERROR', fault: fault('No valid host was found. There are not enough hosts available.') })).toBe(false);
    expect(isQuotaFault({ status: 'ERROR', fault: fault('Exceeded maximum number of retries. Quota exceeded elsewhere') })).toBe(false);
    expect(isQuotaFault({ status: 'ACTIVE', fault: fault('Quota exceeded for instances: Requested 1') })).toBe(false);
    expect(isQuotaFault({ status: 'ERROR' })).toBe(false);
  });
});
