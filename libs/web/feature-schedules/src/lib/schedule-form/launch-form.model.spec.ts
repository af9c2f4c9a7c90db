import { FormArray, FormControl, FormGroup } from '@angular/forms';
import { LaunchOptionsDto } from '@peak/api-client';
import {
  emptyLaunchValue,
  encodedUserDataBytes,
  hostnamePrefixValidator,
  launchFieldOf,
  launchOf,
  launchValueOf,
  metadataKeyValidator,
  metadataRowsValidator,
  tagsValidator,
  userDataValidator,
} from './launch-form.model';
import { utf8Bytes } from '../shared/launch-text';

const everything: LaunchOptionsDto = {
  keyName: 'ops-key',
  securityGroups: ['default', 'web'],
  userData: '#cloud-config\npackages: [nginx]\n',
  metadata: { role: 'web', 'team:owner': 'shop' },
  tags: ['black-friday', 'web'],
  availabilityZone: 'az-2',
  serverGroup: { policy: 'soft-anti-affinity' },
  bootVolume: { sizeGiB: 40, volumeType: 'ssd', deleteOnTermination: false },
  configDrive: true,
  description: 'Shop front',
  hostnamePrefix: 'web',
};

describe('launch options of the schedule form', () => {
  describe('load balancer membership', () => {
    const member = {
      poolId: 'pool-1',
      protocolPort: 8080,
      subnetId: 'subnet-9',
      weight: 5,
      monitorAddress: '10.0.0.9',
      monitorPort: 9090,
      waitForOnline: false,
      drainSeconds: 0,
    };

    it('gives back the membership it was opened with (round trip)', () => {
      expect(launchOf(launchValueOf({ loadBalancer: member }))).toEqual({ loadBalancer: member });
      expect(launchOf(launchValueOf({ loadBalancer: { poolId: 'pool-1', protocolPort: 80 } }))).toEqual({
        loadBalancer: { poolId: 'pool-1', protocolPort: 80 },
      });
      expect(launchOf(launchValueOf({ ...everything, loadBalancer: member }))).toEqual({ ...everything, loadBalancer: member });
    });

    it('opens on the API defaults, following the pool for waiting until ONLINE', () => {
      expect(emptyLaunchValue()).toMatchObject({ loadBalancer: false, memberWeight: 1, drainSeconds: 30, waitForOnline: null });
      expect(launchValueOf({ loadBalancer: { poolId: 'pool-1', protocolPort: 80 } })).toMatchObject({
        loadBalancer: true,
        loadBalancerId: null,
        poolId: 'pool-1',
        protocolPort: 80,
        memberSubnetId: '',
        memberWeight: 1,
        waitForOnline: null,
        drainSeconds: 30,
      });
    });

    it('sends nothing while off or incomplete, and leaves the defaults to the API', () => {
      const on = { ...emptyLaunchValue(), loadBalancer: true, loadBalancerId: 'lb-1', poolId: 'pool-1', protocolPort: 443 };

      expect(launchOf({ ...on, loadBalancer: false })).toEqual({});
      expect(launchOf({ ...on, protocolPort: null })).toEqual({});
      expect(launchOf(on)).toEqual({ loadBalancer: { poolId: 'pool-1', protocolPort: 443 } });
      expect(launchOf({ ...on, waitForOnline: true, drainSeconds: 30, memberSubnetId: ' subnet-1 ' }).loadBalancer).toEqual({
        poolId: 'pool-1',
        protocolPort: 443,
        subnetId: 'subnet-1',
        waitForOnline: true,
      });
    });

    it.each([
      [['loadBalancer'], 'poolId'],
      [['loadBalancer', 'poolId'], 'poolId'],
      [['loadBalancer', 'protocolPort'], 'protocolPort'],
      [['loadBalancer', 'subnetId'], 'memberSubnetId'],
      [['loadBalancer', 'weight'], 'memberWeight'],
      [['loadBalancer', 'monitorAddress'], 'monitorAddress'],
      [['loadBalancer', 'monitorPort'], 'monitorPort'],
      [['loadBalancer', 'drainSeconds'], 'drainSeconds'],
      [['loadBalancer', 'waitForOnline'], null],
    ] as const)('puts launch.%s on %s', (path, expected) => {
      expect(launchFieldOf(path, 'none')).toBe(expected);
    });
  });

  describe('mapping', () => {
    it('gives back the launch options it was opened with (round trip)', () => {
      expect(launchOf(launchValueOf(everything))).toEqual(everything);
      expect(launchOf(launchValueOf({ spreadAcrossZones: true, serverGroup: { id: 'sg-1' } }))).toEqual({
        spreadAcrossZones: true,
        serverGroup: { id: 'sg-1' },
      });
    });

    it('sends {} for Nova defaults', () => {
      expect(launchOf(emptyLaunchValue())).toEqual({});
      expect(launchOf(launchValueOf({}))).toEqual({});
    });

    it('opens each either-or option on its mode', () => {
      expect(launchValueOf(everything)).toMatchObject({ placement: 'zone', serverGroupMode: 'new', bootVolume: true });
      expect(launchValueOf({ spreadAcrossZones: true, serverGroup: { id: 'sg-1' } })).toMatchObject({
        placement: 'spread',
        serverGroupMode: 'existing',
        serverGroupId: 'sg-1',
        bootVolume: false,
      });
      expect(launchValueOf({ bootVolume: { sizeGiB: 10 } })).toMatchObject({ deleteOnTermination: true, volumeType: null });
    });

    it('leaves out the hidden side of a mode', () => {
      const value = { ...launchValueOf(everything), placement: 'spread' as const, serverGroupMode: 'none' as const, bootVolume: false };

      const sut = launchOf(value);

      expect(sut).toMatchObject({ spreadAcrossZones: true });
      expect(sut).not.toHaveProperty('availabilityZone');
      expect(sut).not.toHaveProperty('serverGroup');
      expect(sut).not.toHaveProperty('bootVolume');
      expect(launchOf({ ...value, serverGroupMode: 'existing', serverGroupId: 'sg-9' }).serverGroup).toEqual({ id: 'sg-9' });
    });

    it.each([
      [['keyName'], 'none', 'keyName'],
      [['securityGroups', '1'], 'none', 'securityGroups'],
      [['userData'], 'none', 'userData'],
      [['metadata'], 'none', 'metadata'],
      [['serverGroup'], 'existing', 'serverGroupId'],
      [['serverGroup'], 'new', 'serverGroupPolicy'],
      [['bootVolume'], 'none', 'bootVolumeSizeGiB'],
      [['configDrive'], 'none', null],
    ] as const)('puts launch.%s (server group mode %s) on %s', (path, mode, expected) => {
      expect(launchFieldOf(path, mode)).toBe(expected);
    });
  });

  describe('user data size', () => {
    it('is the base64 size of the UTF-8 bytes', () => {
      expect(utf8Bytes('aé€😀')).toBe(1 + 2 + 3 + 4);
      expect(encodedUserDataBytes('')).toBe(0);
      expect(encodedUserDataBytes('a')).toBe(4);
      expect(encodedUserDataBytes('abc')).toBe(4);
      expect(encodedUserDataBytes('abcd')).toBe(8);
      expect(encodedUserDataBytes('€')).toBe(4);
    });

    it('accepts 49,149 bytes of text (65,532 once encoded) and refuses 49,150 (65,536)', () => {
      expect(encodedUserDataBytes('x'.repeat(49_149))).toBe(65_532);
      expect(userDataValidator(new FormControl('x'.repeat(49_149)))).toBeNull();
      expect(encodedUserDataBytes('x'.repeat(49_150))).toBe(65_536);
      expect(userDataValidator(new FormControl('x'.repeat(49_150)))).toEqual({ rule: '65,536 bytes once encoded; at most 65,535' });
    });

    it('counts multi-byte characters by their UTF-8 bytes', () => {
      // 16,383 three-byte characters are 49,149 bytes; one more ASCII byte is over.
      expect(userDataValidator(new FormControl('€'.repeat(16_383)))).toBeNull();
      expect(userDataValidator(new FormControl('€'.repeat(16_383) + 'x'))).not.toBeNull();
    });
  });

  describe('validators', () => {
    it.each([
      ['role', null],
      ['team:owner.a_b-c d', null],
      ['', { required: true }],
      ['k'.repeat(256), { rule: 'At most 255 characters' }],
      ['role/x', { rule: 'Only letters, digits, spaces and - _ : .' }],
      ['peak-run', { rule: 'Keys starting with “peak-” are the engine’s own' }],
    ])('checks the metadata key %j', (key, expected) => {
      expect(metadataKeyValidator(new FormControl(key))).toEqual(expected);
    });

    it('refuses a metadata key given twice, and more than 100 keys', () => {
      const rows = (keys: string[]) =>
        new FormArray(keys.map((key) => new FormGroup({ key: new FormControl(key), value: new FormControl('') })));

      expect(metadataRowsValidator(rows(['a', 'b']))).toBeNull();
      expect(metadataRowsValidator(rows(['a', 'a']))).toEqual({ rule: 'The key “a” is given twice' });
      expect(metadataRowsValidator(rows(Array.from({ length: 100 }, (_, i) => `k${i}`)))).toBeNull();
      expect(metadataRowsValidator(rows(Array.from({ length: 101 }, (_, i) => `k${i}`)))).toEqual({ rule: '101 keys; at most 100' });
    });

    it.each([
      [['web', 'x'.repeat(60)], null],
      [['x'.repeat(61)], `“${'x'.repeat(61)}” must be 1-60 characters`],
      [['a,b'], '“a,b” must not contain “,” or “/”'],
      [['a/b'], '“a/b” must not contain “,” or “/”'],
      [['peak-owner'], '“peak-owner”: tags starting with “peak-” are the engine’s own'],
      [Array.from({ length: 47 }, (_, i) => `t${i}`), '47 tags; at most 46'],
    ])('checks the tags %j', (tags, reason) => {
      expect(tagsValidator(new FormControl(tags))).toEqual(reason === null ? null : { rule: reason });
    });

    it.each([
      ['', true],
      ['web', true],
      ['w', true],
      ['web-01', true],
      ['a'.repeat(50), true],
      ['a'.repeat(51), false],
      ['-web', false],
      ['web-', false],
      ['Web', false],
      ['web_1', false],
    ])('checks the hostname prefix %j (valid: %s)', (prefix, valid) => {
      expect(hostnamePrefixValidator(new FormControl(prefix)) === null).toBe(valid);
    });
  });
});
