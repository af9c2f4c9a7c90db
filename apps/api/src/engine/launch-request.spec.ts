import { runServerGroupName, serverRequest, zoneForSlot } from './launch-request';
import type { Launch } from './planner';

const BASE: Launch = { imageId: 'img', flavorId: 'flv', networkIds: ['net-a', 'net-b'], trustId: null, project: null, options: {} };
const PLACEMENT = {
  name: 'exam-20261201-0700-2',
  slot: 2,
  tags: ['peak-scheduler', 'peak-run:r1'],
  metadata: { 'peak-scheduler:slot': '2' },
};

describe(serverRequest.name, () => {
  it('sends only what the options set: Nova defaults for the rest', () => {
    expect(serverRequest(BASE, PLACEMENT)).toEqual({
      name: 'exam-20261201-0700-2',
      imageId: 'img',
      flavorId: 'flv',
      networks: [{ networkId: 'net-a' }, { networkId: 'net-b' }],
      tags: ['peak-scheduler', 'peak-run:r1'],
      metadata: { 'peak-scheduler:slot': '2' },
    });
  });

  it('passes every option as openstack server create would, the engine’s marks after the user’s', () => {
    const launch: Launch = {
      ...BASE,
      options: {
        keyName: 'ops',
        securityGroups: ['default', 'web'],
        userData: '#cloud-config\n',
        metadata: { role: 'worker', 'peak-scheduler:slot': '9' },
        tags: ['exams', 'peak-scheduler'],
        configDrive: true,
        description: 'worker',
        hostnamePrefix: 'exam',
        bootVolume: { sizeGiB: 20, volumeType: 'ssd' },
      },
    };
    const request = serverRequest(launch, { ...PLACEMENT, serverGroupId: 'g1', availabilityZone: 'az2' });
    expect(request).toMatchObject({
      keyName: 'ops',
      securityGroups: ['default', 'web'],
      userData: '#cloud-config\n',
      configDrive: true,
      description: 'worker',
      hostname: 'exam-2',
      availabilityZone: 'az2',
      schedulerHints: { group: 'g1' },
      bootVolume: { sizeGiB: 20, volumeType: 'ssd', deleteOnTermination: true },
    });
    // The engine's own metadata wins, and its tags are not repeated.
    expect(request.metadata).toEqual({ role: 'worker', 'peak-scheduler:slot': '2' });
    expect(request.tags).toEqual(['peak-scheduler', 'peak-run:r1', 'exams']);
  });

  it('keeps a boot volume the user asked to keep', () => {
    const request = serverRequest({ ...BASE, options: { bootVolume: { sizeGiB: 5, deleteOnTermination: false } } }, PLACEMENT);
    expect(request.bootVolume).toEqual({ sizeGiB: 5, deleteOnTermination: false });
  });
});

describe(zoneForSlot.name, () => {
  it('spreads slots round-robin over the zones in name order, so a replacement keeps its slot’s zone', () => {
    const zones = ['az3', 'az1', 'az2'];
    expect([1, 2, 3, 4, 5].map((slot) => zoneForSlot(zones, slot))).toEqual(['az1', 'az2', 'az3', 'az1', 'az2']);
    expect(zoneForSlot(['nova'], 7)).toBe('nova');
    expect(zoneForSlot([], 1)).toBeUndefined();
  });
});

describe(runServerGroupName.name, () => {
  it('names a run’s group after the run, so a new leader finds one whose id was never saved', () => {
    expect(runServerGroupName('9b1c')).toBe('peak-run-9b1c');
  });
});
