import { buildCreateServerBody, isQuotaFault, type CreateServerRequest, type ServerFault } from './compute.models';

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

describe(buildCreateServerBody.name, () => {
  const request: CreateServerRequest = { name: 'vm', imageId: 'img', flavorId: '1', networks: 'none' };

  it('sends the launch options as Nova names them, the group hint at the top level', () => {
    const sut = buildCreateServerBody(
      { ...request, keyName: 'k', securityGroups: ['web', 'default'], configDrive: true, hostname: 'vm-1', schedulerHints: { group: 'g' } },
      '2.90',
    );
    expect(sut).toEqual({
      server: {
        name: 'vm',
        imageRef: 'img',
        flavorRef: '1',
        networks: 'none',
        key_name: 'k',
        security_groups: [{ name: 'web' }, { name: 'default' }],
        config_drive: true,
        hostname: 'vm-1',
      },
      'os:scheduler_hints': { group: 'g' },
    });
  });

  it('leaves the hostname out below 2.90, and when no microversion is given', () => {
    expect(buildCreateServerBody({ ...request, hostname: 'vm-1' }, '2.89')['server']).not.toHaveProperty('hostname');
    expect(buildCreateServerBody({ ...request, hostname: 'vm-1' })['server']).not.toHaveProperty('hostname');
  });

  it('boots from a new volume without imageRef', () => {
    const sut = buildCreateServerBody({ ...request, bootVolume: { sizeGiB: 10, deleteOnTermination: true } });
    expect(sut['server']).not.toHaveProperty('imageRef');
    expect(sut['server']).toMatchObject({
      block_device_mapping_v2: [
        { boot_index: 0, uuid: 'img', source_type: 'image', destination_type: 'volume', volume_size: 10, delete_on_termination: true },
      ],
    });
    expect(() => buildCreateServerBody({ ...request, bootVolume: { sizeGiB: 0.5, deleteOnTermination: true } })).toThrow(RangeError);
  });

  it('refuses metadata Nova’s schema would refuse, before sending anything', () => {
    expect(() => buildCreateServerBody({ ...request, metadata: { 'a/b': 'x' } })).toThrow(/Invalid server metadata key "a\/b"/);
    expect(() => buildCreateServerBody({ ...request, metadata: { k: 'v'.repeat(256) } })).toThrow(/longer than 255/);
    expect(buildCreateServerBody({ ...request, metadata: { 'peak:schedule': 'x' } })['server']).toMatchObject({
      metadata: { 'peak:schedule': 'x' },
    });
  });
});
