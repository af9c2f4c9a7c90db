import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildCreateFlavorBody,
  buildCreateServerBody,
  buildCreateServerGroupBody,
  parseAvailabilityZoneNames,
  parseCreatedServer,
  parseKeypairBody,
  parseKeypairPage,
  parseServerGroupBody,
  parseServerGroupList,
  parseFlavorBody,
  parseFlavorPage,
  parseLimits,
  parseServerBody,
  parseServerPage,
  type CreateFlavorRequest,
  type CreateServerRequest,
} from './compute/compute.models';
import { parseVolumeBody, parseVolumePage, parseVolumeTypeList } from './block-storage/block-storage.models';
import { negotiateMicroversion, parseComputeVersionDocument } from './compute/microversion';
import { findEndpoint } from './identity/catalog';
import {
  buildCreateTrustBody,
  buildLoginBody,
  buildServiceAuthBody,
  parseTokenBody,
  parseTrustBody,
  parseTrustList,
} from './identity/identity.models';
import { splitEndpoint } from './http/url';
import { parseImage, parseImagePage } from './image/image.models';
import { parseNetworkPage, parseSecurityGroupBody, parseSecurityGroupPage, resolveSecurityGroupRefs } from './network/network.models';
import { isObject } from './http/json';
import {
  buildBatchUpdateMembersBody,
  buildCreateMemberBody,
  parseHealthMonitorBody,
  parseLoadBalancerBody,
  parseLoadBalancerStatusBody,
  parseMemberBody,
  parseMemberPage,
  parsePoolBody,
} from './load-balancer/load-balancer.models';
import { listSamples, readLibrarySample, readSample } from './testing/samples';

/** The flavor of the create samples from 2.55 on, which carry a description. */
const DESCRIBED_FLAVOR: CreateFlavorRequest = {
  name: 'test_flavor',
  ramMiB: 1024,
  vcpus: 2,
  diskGiB: 10,
  id: '10',
  description: 'test description',
};

/**
 * Every upstream sample in ../shared/openstack-api-samples goes through the code that handles it in
 * production: response bodies through our parsers, request bodies compared with what our builders send.
 */
const checks: Record<string, () => void> = {
  // ---- identity -------------------------------------------------------------------------------------------
  'identity/auth/responses/project-scoped-password.json': () => {
    const sut = parseTokenBody(readSample('identity/auth/responses/project-scoped-password.json'));
    expect(sut).toMatchObject({
      expiresAt: new Date('2015-11-07T02:58:43.578Z'),
      issuedAt: new Date('2015-11-07T01:58:43.578Z'),
      methods: ['password'],
      user: { id: 'ee4dfb6e5540447cb3741905149d9b6e', name: 'admin', domain: { id: 'default', name: 'Default' } },
      project: { id: 'a6944d763bf64ee6a275f1263fae0352', name: 'admin', domain: { id: 'default', name: 'Default' } },
      roles: [{ id: '51cc68287d524c759f47c811e6463340', name: 'admin' }],
    });
    expect(findEndpoint(sut.catalog, { type: 'identity', interface: 'internal', region: 'RegionOne' })).toBe('http://example.com/identity');
    expect(() => findEndpoint(sut.catalog, { type: 'compute', interface: 'public' })).toThrow(
      /no public compute endpoint \(no compute service at all\)/,
    );
  },
  'identity/admin/auth-password-project-scoped-response.json': () => {
    const sut = parseTokenBody(readSample('identity/admin/auth-password-project-scoped-response.json'));
    expect(sut.catalog.map((s) => s.type)).toEqual(expect.arrayContaining(['identity', 'compute', 'image', 'network', 'compute_legacy']));
    const compute = findEndpoint(sut.catalog, { type: 'compute', interface: 'public', region: 'RegionOne' });
    expect(compute).toBe('http://23.253.248.171:8774/v2.1/a6944d763bf64ee6a275f1263fae0352');
    expect(splitEndpoint(compute)).toEqual({
      root: 'http://23.253.248.171:8774',
      version: 'v2.1',
      suffix: '/a6944d763bf64ee6a275f1263fae0352',
    });
    expect(splitEndpoint(findEndpoint(sut.catalog, { type: 'image', interface: 'public' }))).toEqual({
      root: 'http://23.253.248.171:9292',
      suffix: '',
    });
    expect(splitEndpoint(findEndpoint(sut.catalog, { type: 'network', interface: 'admin' }))).toEqual({
      root: 'http://23.253.248.171:9696',
      suffix: '',
    });
    expect(() => findEndpoint(sut.catalog, { type: 'compute', interface: 'public', region: 'RegionTwo' })).toThrow(
      /no public compute endpoint in region RegionTwo \(it has admin@RegionOne, internal@RegionOne, public@RegionOne\)/,
    );
  },
  'identity/admin/auth-application-credential-response.json': () => {
    const sut = parseTokenBody(readSample('identity/admin/auth-application-credential-response.json'));
    expect(sut).toMatchObject({
      methods: ['application_credential'],
      applicationCredential: { id: '423f19a4ac1e4f48bbb4180756e6eb6c', name: 'monitoring', restricted: true },
      project: { id: '231c62fb0fbd485b995e8b060c3f0d98', name: 'demo' },
      user: { id: 'fd786d56402c4d1691372e7dee0d00b5', name: 'demo' },
      roles: [{ name: 'Member' }],
      expiresAt: new Date('2018-01-15T22:14:05Z'),
    });
  },
  'identity/auth/requests/project-name-password.json': () => {
    const body = buildServiceAuthBody({
      type: 'password',
      authUrl: 'http://example.com/identity/v3',
      userId: 'ee4dfb6e5540447cb3741905149d9b6e',
      password: 'devstacker',
      projectName: 'admin',
      projectDomainId: 'default',
    });
    expect(body).toEqual(readSample('identity/auth/requests/project-name-password.json'));
  },
  'identity/admin/auth-password-unscoped-request-with-domain.json': () => {
    const body = buildLoginBody({ username: 'admin', password: 'devstacker', userDomainName: 'Default' });
    expect(body).toEqual(readSample('identity/admin/auth-password-unscoped-request-with-domain.json'));
  },
  'identity/admin/auth-application-credential-id-request.json': () => {
    const body = buildServiceAuthBody({
      type: 'applicationCredential',
      authUrl: 'http://k/v3',
      applicationCredentialId: '423f19a4ac1e4f48bbb4180756e6eb6c',
      applicationCredentialSecret: 'rEaqvJka48mpv',
    });
    expect(body).toEqual(readSample('identity/admin/auth-application-credential-id-request.json'));
    // A tool's login through the API sends the same body.
    const login = buildLoginBody({
      applicationCredentialId: '423f19a4ac1e4f48bbb4180756e6eb6c',
      applicationCredentialSecret: 'rEaqvJka48mpv',
    });
    expect(login).toEqual(body);
  },
  'identity/admin/auth-application-credential-name-request.json': () => {
    const body = buildServiceAuthBody({
      type: 'applicationCredential',
      authUrl: 'http://k/v3',
      applicationCredentialName: 'monitoring',
      applicationCredentialSecret: 'rEaqvJka48mpv',
      userId: '423f19a4ac1e4f48bbb4180756e6eb6c',
    });
    expect(body).toEqual(readSample('identity/admin/auth-application-credential-name-request.json'));
    const login = buildLoginBody({
      applicationCredentialName: 'monitoring',
      applicationCredentialSecret: 'rEaqvJka48mpv',
      userId: '423f19a4ac1e4f48bbb4180756e6eb6c',
    });
    expect(login).toEqual(body);
  },
  // Keystone is addressed at `<OS_AUTH_URL>/v3` directly (normalizeAuthUrl); its version documents are not read.
  'identity/admin/identity-version-response.json': unused,
  'identity/admin/identity-versions-response.json': unused,

  // ---- compute: versions -----------------------------------------------------------------------------------
  'compute/versions/v21-version-get-resp.json': () => {
    const sut = parseComputeVersionDocument(readSample('compute/versions/v21-version-get-resp.json'));
    expect(sut).toEqual({ id: 'v2.1', status: 'CURRENT', minVersion: '2.1', maxVersion: '2.104' });
    expect(negotiateMicroversion(sut, { min: '2.52', preferred: '2.75' })).toEqual({ ok: true, microversion: '2.75' });
  },
  'compute/versions/versions-get-resp.json': () => {
    const sut = parseComputeVersionDocument(readSample('compute/versions/versions-get-resp.json'));
    // The deprecated v2.0 entry (empty range) is skipped for the microversioned v2.1.
    expect(sut).toEqual({ id: 'v2.1', status: 'CURRENT', minVersion: '2.1', maxVersion: '2.104' });
  },

  // ---- compute: flavors ------------------------------------------------------------------------------------
  'compute/flavors/flavors-detail-resp.json': () => {
    const sut = parseFlavorPage(readSample('compute/flavors/flavors-detail-resp.json'));
    expect(sut.items).toHaveLength(6);
    expect(sut.items[0]).toEqual({
      id: '1',
      name: 'm1.tiny',
      vcpus: 1,
      ramMiB: 512,
      diskGiB: 1,
      ephemeralGiB: 0,
      swapMiB: 0, // "" before 2.75
      isPublic: true,
      isDisabled: false,
      description: undefined,
      extraSpecs: {},
    });
    expect(sut.next).toBeUndefined();
  },
  'compute/flavors/v2.75/flavors-detail-resp.json': () => {
    const sut = parseFlavorPage(readSample('compute/flavors/v2.75/flavors-detail-resp.json'));
    expect(sut.items.map((f) => f.name)).toContain('m1.small.description');
    expect(sut.items.find((f) => f.id === '7')).toMatchObject({
      description: 'test description',
      extraSpecs: { 'hw:cpu_policy': 'shared', 'hw:numa_nodes': '1' },
      swapMiB: 0,
    });
  },
  'compute/flavors/v2.102/flavors-detail-resp.json': () => {
    const sut = parseFlavorPage(readSample('compute/flavors/v2.102/flavors-detail-resp.json'));
    expect(sut.items).toHaveLength(7);
    // OS-FLV-DISABLED:disabled is gone from 2.102: not disabled.
    expect(sut.items.every((f) => !f.isDisabled && f.isPublic)).toBe(true);
    expect(sut.items.find((f) => f.id === '6')?.extraSpecs).toEqual({ 'hw:numa_nodes': '1' });
  },
  'compute/flavor-manage/flavor-create-post-resp.json': () => {
    expect(parseFlavorBody(readSample('compute/flavor-manage/flavor-create-post-resp.json'))).toMatchObject({
      id: '10',
      name: 'test_flavor',
      vcpus: 2,
      ramMiB: 1024,
      diskGiB: 10,
      swapMiB: 0,
    });
  },
  'compute/flavor-manage/v2.75/flavor-create-post-resp.json': () => {
    expect(parseFlavorBody(readSample('compute/flavor-manage/v2.75/flavor-create-post-resp.json'))).toMatchObject({
      id: '10',
      description: 'test description',
      extraSpecs: {},
    });
  },
  // rxtx_factor is deprecated and refused from 2.102: our body never carries it, otherwise it is the sample's.
  'compute/flavor-manage/flavor-create-post-req.json': () => {
    const sample = readSample('compute/flavor-manage/flavor-create-post-req.json');
    expect(buildCreateFlavorBody({ name: 'test_flavor', ramMiB: 1024, vcpus: 2, diskGiB: 10, id: '10' })).toEqual(withoutRxtx(sample));
  },
  'compute/flavor-manage/v2.75/flavor-create-post-req.json': () => {
    const sample = readSample('compute/flavor-manage/v2.75/flavor-create-post-req.json');
    expect(buildCreateFlavorBody(DESCRIBED_FLAVOR)).toEqual(withoutRxtx(sample));
  },
  'compute/flavor-manage/v2.102/flavor-create-post-req.json': () => {
    expect(buildCreateFlavorBody(DESCRIBED_FLAVOR)).toEqual(readSample('compute/flavor-manage/v2.102/flavor-create-post-req.json'));
  },

  // ---- compute: servers ------------------------------------------------------------------------------------
  'compute/servers/server-create-req.json': () => {
    const body = buildCreateServerBody({ ...sampleServerRequest(), networks: 'auto' });
    expect(body).toEqual({ server: { ...serverFieldsOf('compute/servers/server-create-req.json'), networks: 'auto' } });
  },
  'compute/servers/v2.37/server-create-req.json': () => {
    const body = buildCreateServerBody({
      name: 'auto-allocate-network',
      imageId: '70a599e0-31e7-49b7-b260-868f441e862b',
      flavorId: 'http://openstack.example.com/flavors/1',
      networks: 'auto',
    });
    expect(body).toEqual(readSample('compute/servers/v2.37/server-create-req.json'));
  },
  'compute/servers/v2.52/server-create-req.json': () => {
    const body = buildCreateServerBody({
      ...sampleServerRequest(),
      flavorId: 'http://openstack.example.com/flavors/1',
      networks: 'auto',
      tags: ['tag1', 'tag2'],
    });
    expect(body).toEqual({ server: serverFieldsOf('compute/servers/v2.52/server-create-req.json') });
  },
  'compute/servers/server-create-resp.json': () => {
    const sut = parseCreatedServer(readSample('compute/servers/server-create-resp.json'));
    // adminPass is in the sample and deliberately not in our result.
    expect(sut).toEqual({ id: 'f5dc173b-6804-445a-a6d8-c705dad5b5eb' });
  },
  'compute/servers/v2.52/server-create-resp.json': () => {
    expect(parseCreatedServer(readSample('compute/servers/v2.52/server-create-resp.json'))).toEqual({
      id: '97108291-2fd7-4dc2-a909-eaae0306a6a9',
    });
  },
  'compute/servers/server-get-resp.json': () => {
    const sut = parseServerBody(readSample('compute/servers/server-get-resp.json'));
    expect(sut).toEqual({
      id: '0e44cc9c-e052-415d-afbf-469b0d384170',
      name: 'new-server-test',
      status: 'ACTIVE',
      tags: [],
      metadata: { 'My Server Name': 'Apache1' },
      fault: undefined,
      created: new Date('2013-09-03T04:01:32Z'),
      updated: new Date('2013-09-03T04:01:33Z'),
      flavorId: '1',
      flavorName: undefined,
      imageId: '70a599e0-31e7-49b7-b260-868f441e862b',
      addresses: { private: [{ addr: '192.168.1.30', version: 4, type: 'fixed', mac: '00:0c:29:0d:11:74' }] },
      projectId: '6f70656e737461636b20342065766572',
      userId: 'admin',
      availabilityZone: 'us-west',
      taskState: undefined,
      vmState: 'active',
      powerState: 1,
      progress: 0,
      description: undefined,
      keyName: undefined,
      securityGroups: ['default'],
      hostname: undefined,
      volumeIds: ['volume_id1', 'volume_id2'],
      configDrive: false,
      serverGroupIds: undefined,
    });
  },
  'compute/servers/servers-details-resp.json': () => {
    const sut = parseServerPage(readSample('compute/servers/servers-details-resp.json'));
    expect(sut.items.map((s) => [s.id, s.status, s.flavorId])).toEqual([['f5dc173b-6804-445a-a6d8-c705dad5b5eb', 'ACTIVE', '1']]);
    // The next link is replayed on our own base URL: only its query matters.
    expect(Object.fromEntries(sut.next ?? [])).toEqual({ limit: '1', marker: 'f5dc173b-6804-445a-a6d8-c705dad5b5eb' });
  },
  'compute/servers/v2.73/servers-details-resp.json': () => {
    const [server] = parseServerPage(readSample('compute/servers/v2.73/servers-details-resp.json')).items;
    // From 2.47 the flavor is embedded, without id.
    expect(server).toMatchObject({
      id: '2ce4c5b3-2866-4972-93ce-77a2ea46a7f9',
      flavorId: undefined,
      flavorName: 'm1.tiny',
      tags: [],
      description: undefined,
    });
  },
  'compute/servers/v2.100/servers-details-resp.json': () => {
    const page = parseServerPage(readSample('compute/servers/v2.100/servers-details-resp.json'));
    expect(page.items[0]).toMatchObject({
      flavorName: 'm1.tiny',
      description: '',
      status: 'ACTIVE',
      created: new Date('2013-09-03T04:01:32Z'),
    });
    expect(page.next?.get('marker')).toBe('f5dc173b-6804-445a-a6d8-c705dad5b5eb');
  },
  'compute/servers/servers-list-resp.json': () => {
    // We always list with details; the short form still parses into partial servers.
    const page = parseServerPage(readSample('compute/servers/servers-list-resp.json'));
    expect(page.items).toEqual([
      expect.objectContaining({ id: '22c91117-08de-4894-9aa9-6ef382400985', name: 'new-server-test', status: 'UNKNOWN' }),
    ]);
    expect(page.next?.get('marker')).toBe('22c91117-08de-4894-9aa9-6ef382400985');
  },

  // ---- compute: limits -------------------------------------------------------------------------------------
  'compute/limits/limit-get-resp.json': () => {
    expect(parseLimits(readSample('compute/limits/limit-get-resp.json'))).toEqual({
      instances: { limit: 10, used: 0, remaining: 10 },
      cores: { limit: 20, used: 0, remaining: 20 },
      ramMiB: { limit: 51200, used: 0, remaining: 51200 },
      serverGroups: { limit: 10, used: 0, remaining: 10 },
      maxServerMetadataItems: 128,
      maxKeypairs: 100,
    });
  },
  'compute/limits/v2.57/limit-get-resp.json': () => {
    expect(parseLimits(readSample('compute/limits/v2.57/limit-get-resp.json'))).toMatchObject({
      instances: { limit: 10, used: 0 },
      cores: { limit: 20, used: 0 },
      ramMiB: { limit: 51200, used: 0 },
    });
  },
  // Quotas come with their usage from GET /limits; os-quota-sets (limits without usage) is not called.
  'compute/os-quota-sets/v2.57/quotas-show-get-resp.json': unused,

  // ---- image -----------------------------------------------------------------------------------------------
  'image/v2/images-list-response.json': () => {
    const page = parseImagePage(readSample('image/v2/images-list-response.json'));
    expect(page.items.map((i) => i.name)).toEqual(['cirros-0.3.2-x86_64-disk', 'F17-x86_64-cfntools']);
    expect(page.items[1]).toMatchObject({
      id: '781b3762-9469-4cec-b58d-3349e5de4e9c',
      sizeBytes: 476704768,
      visibility: 'public',
      diskFormat: 'qcow2',
    });
    expect(page.next).toBeUndefined();
  },
  'image/v2/image-show-response.json': () => {
    expect(parseImage(readSample('image/v2/image-show-response.json'))).toEqual({
      id: '1bea47ed-f6a9-463b-b423-14b9cca9ad27',
      name: 'cirros-0.3.2-x86_64-disk',
      status: 'active',
      visibility: 'public',
      minDiskGiB: 0,
      minRamMiB: 0,
      sizeBytes: 13167616,
      diskFormat: 'qcow2',
      containerFormat: 'bare',
      tags: [],
      ownerId: '5ef70662f8b34079a6eddb8da9d75fe8',
      isProtected: false,
      isHidden: false,
      createdAt: new Date('2014-05-05T17:15:10Z'),
      updatedAt: new Date('2014-05-05T17:15:11Z'),
    });
  },
  // Glance v2 is addressed directly under the catalog root; its version list is not read.
  'image/versions/image-versions-response.json': unused,

  // ---- network ---------------------------------------------------------------------------------------------
  'network/networks/networks-list-response.json': () => {
    const page = parseNetworkPage(readSample('network/networks/networks-list-response.json'));
    expect(page.items[0]).toEqual({
      id: 'd32019d3-bc6e-4319-9c1d-6722fc136a22',
      name: 'net1',
      status: 'ACTIVE',
      shared: false,
      external: false,
      subnets: ['54d6f61d-db07-451c-9ab3-b9609b6b6f0b'],
      projectId: '4fd44f30292945e481c7b8a0c8908869',
      adminStateUp: true,
      mtu: 1500,
      description: '',
      // Neutron's timestamps carry no zone: they are UTC.
      createdAt: new Date('2016-03-08T20:19:41Z'),
      updatedAt: new Date('2016-03-08T20:19:41Z'),
    });
    expect(page.items.map((n) => n.name)).toEqual(['net1', 'net2']);
    expect(page.next).toBeUndefined();
  },
  // Neutron v2.0 is addressed directly under the catalog root; its version documents are not read.
  'network/networks/versions-list-response.json': unused,
  'network/networks/version-show-response.json': unused,
};

function unused(): void {
  // Listed so that a new sample cannot go unnoticed; see the comment above each.
}

function withoutRxtx(sample: unknown): unknown {
  if (!isObject(sample) || !isObject(sample['flavor'])) throw new Error('not a flavor body');
  const { rxtx_factor: _dropped, ...flavor } = sample['flavor'];
  return { flavor };
}

/** The sample's server body, minus what we never send: personality (gone in 2.57), access IPs and disk config. */
function serverFieldsOf(path: string): Record<string, unknown> {
  const sample = readSample(path);
  if (!isObject(sample) || !isObject(sample['server'])) throw new Error('not a server body');
  const { personality: _p, accessIPv4: _a4, accessIPv6: _a6, 'OS-DCF:diskConfig': _dc, ...rest } = sample['server'];
  return rest;
}

function sampleServerRequest(): CreateServerRequest {
  return {
    name: 'new-server-test',
    imageId: '70a599e0-31e7-49b7-b260-868f441e862b',
    flavorId: '1',
    networks: 'none',
    availabilityZone: 'us-west',
    metadata: { 'My Server Name': 'Apache1' },
    securityGroups: ['default'],
    userData: '#!/bin/bash\n/bin/su\necho "I am in you!"\n',
  };
}

describe('OpenStack API samples', () => {
  it('has a check for every sample file, and no check without its file', () => {
    expect(Object.keys(checks).sort()).toEqual(listSamples());
  });

  it.each(Object.keys(checks).filter((path) => checks[path] !== unused))('%s', (path) => {
    checks[path]?.();
  });
});

/**
 * Keystone's OS-TRUST samples, kept in this library until they are vendored with the others (then these move into
 * `checks`, which the completeness test above will demand).
 */
describe('OpenStack API samples: identity OS-TRUST', () => {
  const sample = (name: string) => readLibrarySample(`identity/OS-TRUST/${name}`);

  it('trust-create-request.json', () => {
    const body = buildCreateTrustBody({
      trustorUserId: 'a0fdfd',
      trusteeUserId: '86c0d5',
      projectId: 'ddef321',
      roles: ['member'],
      impersonation: true,
      expiresAt: new Date('2013-02-27T18:30:59.999999Z'),
    });
    // We never allow redelegation, and send milliseconds (Keystone accepts any ISO 8601 instant).
    const { allow_redelegation: _never, ...expected } = (sample('trust-create-request.json') as { trust: Record<string, unknown> }).trust;
    expect(body).toEqual({ trust: { ...expected, expires_at: '2013-02-27T18:30:59.999Z' } });
  });

  it('trust-create-response.json', () => {
    expect(parseTrustBody(sample('trust-create-response.json'))).toEqual({
      id: '1ff900',
      trustorUserId: 'a0fdfd',
      trusteeUserId: '86c0d5',
      projectId: 'ddef321',
      impersonation: true,
      expiresAt: new Date('2013-02-27T18:30:59.999Z'),
      remainingUses: null,
      redelegationCount: 10,
      roles: [{ id: 'ed7b78', name: 'member' }],
    });
  });

  it('trust-get-response.json', () => {
    expect(parseTrustBody(sample('trust-get-response.json'))).toEqual({
      id: '987fe8',
      trustorUserId: '56ae32',
      trusteeUserId: 'be34d1',
      projectId: '0f1233',
      impersonation: true,
      expiresAt: new Date('2013-02-27T18:30:59.999Z'),
      remainingUses: null,
      redelegationCount: undefined,
      roles: [{ id: 'ed7b78', name: 'member' }],
    });
  });

  it('trust-list-response.json', () => {
    const sut = parseTrustList(sample('trust-list-response.json'));
    expect(sut.map((t) => [t.id, t.trustorUserId, t.trusteeUserId, t.impersonation, t.expiresAt?.toISOString() ?? null])).toEqual([
      ['1ff900', 'a0fdfd', '86c0d5', true, '2013-02-27T18:30:59.999Z'],
      ['f4513a', '3cd2ce', '86c0d5', false, null],
    ]);
    expect(sut.every((t) => t.roles.length === 0 && t.projectId === '0f1233')).toBe(true);
  });

  it('trust-auth-request.json', () => {
    // forTrust logs in with the service account's password rather than a token; the scope is the sample's.
    const body = buildServiceAuthBody(
      { type: 'password', authUrl: 'http://example.com/identity/v3', userId: '0ca8f6', password: 'x' },
      'de0945a',
    );
    expect((body as { auth: { scope: unknown } }).auth.scope).toEqual(
      (sample('trust-auth-request.json') as { auth: { scope: unknown } }).auth.scope,
    );
  });

  it('trust-auth-trust-response.json', () => {
    expect(parseTokenBody(sample('trust-auth-trust-response.json'))).toMatchObject({
      user: { id: '0ca8f6', name: 'Joe', domain: { id: '1789d1', name: 'example.com' } },
      project: undefined,
      roles: [],
      trust: { id: 'fe0aef', impersonation: false, trusteeUserId: '0ca8f6', trustorUserId: 'bd263c' },
    });
  });
});

/**
 * The launch options' samples (key pairs, server groups, availability zones, boot from volume, hostname, scheduler
 * hints, Neutron security groups), kept in this library until they are vendored with the others, like the OS-TRUST ones.
 */
describe('OpenStack API samples: launch options', () => {
  const sample = (path: string) => readLibrarySample(path);

  it('compute/os-keypairs/v2.35/keypairs-list-resp.json', () => {
    const page = parseKeypairPage(sample('compute/os-keypairs/v2.35/keypairs-list-resp.json'));
    expect(page.items).toEqual([
      {
        name: 'keypair-5d935425-31d5-48a7-a0f1-e76e9813f2c3',
        type: 'ssh',
        fingerprint: '7e:eb:ab:24:ba:d1:e1:88:ae:9a:fb:66:53:df:d3:bd',
        publicKey: expect.stringMatching(/^ssh-rsa AAAAB3NzaC1yc2E.* Generated-by-Nova\n$/),
        userId: undefined,
        createdAt: undefined,
      },
    ]);
    expect(Object.fromEntries(page.next ?? [])).toEqual({ limit: '1', marker: 'keypair-5d935425-31d5-48a7-a0f1-e76e9813f2c3' });
  });

  it('compute/os-keypairs/v2.10/keypairs-get-resp.json', () => {
    expect(parseKeypairBody(sample('compute/os-keypairs/v2.10/keypairs-get-resp.json'))).toMatchObject({
      name: 'keypair-6638abdb-c4e8-407c-ba88-c8dd7cc3c4f1',
      type: 'ssh',
      fingerprint: '44:fe:29:6e:23:14:b9:53:5b:65:82:58:1c:fe:5a:c3',
      userId: 'fake',
      // Nova's naive timestamps are UTC.
      createdAt: new Date('2014-05-07T12:06:13.681Z'),
    });
  });

  it('compute/os-keypairs/v2.92/keypairs-import-post-resp.json (and 2.35’s generated one)', () => {
    expect(parseKeypairBody(sample('compute/os-keypairs/v2.92/keypairs-import-post-resp.json'))).toMatchObject({
      type: 'ssh',
      fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/),
    });
    // The private key of a generated pair is not kept anywhere.
    expect(parseKeypairBody(sample('compute/os-keypairs/v2.35/keypairs-post-resp.json'))).not.toHaveProperty('privateKey');
  });

  it('compute/os-server-groups/v2.64 samples', () => {
    const expected = {
      id: expect.any(String),
      name: 'test',
      policy: 'anti-affinity',
      maxServerPerHost: 3,
      members: [],
      projectId: '6f70656e737461636b20342065766572',
      userId: 'fake',
    };
    expect(parseServerGroupList(sample('compute/os-server-groups/v2.64/server-groups-list-resp.json'))).toEqual([expected]);
    expect(parseServerGroupBody(sample('compute/os-server-groups/v2.64/server-groups-get-resp.json'))).toEqual(expected);
    expect(parseServerGroupBody(sample('compute/os-server-groups/v2.64/server-groups-post-resp.json'))).toEqual(expected);
    expect(buildCreateServerGroupBody({ name: 'test', policy: 'anti-affinity', rules: { maxServerPerHost: 3 } }, '2.75')).toEqual(
      sample('compute/os-server-groups/v2.64/server-groups-post-req.json'),
    );
    // A pinned microversion below 2.64 gets the older body.
    expect(buildCreateServerGroupBody({ name: 'test', policy: 'affinity' }, '2.60')).toEqual({
      server_group: { name: 'test', policies: ['affinity'] },
    });
  });

  it('compute/os-availability-zone/availability-zone-list-resp.json', () => {
    expect(parseAvailabilityZoneNames(sample('compute/os-availability-zone/availability-zone-list-resp.json'))).toEqual(['nova']);
  });

  it('compute/servers/v2.67/server-create-req.json: boot from a new volume of a type, without imageRef', () => {
    const body = buildCreateServerBody(
      {
        name: 'bfv-server-with-volume-type',
        imageId: '70a599e0-31e7-49b7-b260-868f441e862b',
        flavorId: 'http://openstack.example.com/flavors/1',
        networks: [{ networkId: '3cb9bc59-5699-4588-a4b1-b87f96708bc6' }],
        bootVolume: { sizeGiB: 1, volumeType: 'lvm-1', deleteOnTermination: false },
      },
      '2.75',
    );
    // We send no device tags, a numeric size (Nova takes both) and always say what happens to the volume.
    const { server } = sample('compute/servers/v2.67/server-create-req.json') as { server: Record<string, unknown> };
    expect(body).toEqual({
      server: {
        ...server,
        networks: [{ uuid: '3cb9bc59-5699-4588-a4b1-b87f96708bc6' }],
        block_device_mapping_v2: [
          {
            uuid: '70a599e0-31e7-49b7-b260-868f441e862b',
            source_type: 'image',
            destination_type: 'volume',
            boot_index: 0,
            volume_size: 1,
            volume_type: 'lvm-1',
            delete_on_termination: false,
          },
        ],
      },
    });
  });

  it.each(['compute/servers/v2.90/server-create-req.json', 'compute/servers/v2.100/server-create-req.json'])(
    '%s: hostname from 2.90',
    (path) => {
      const { server } = sample(path) as { server: Record<string, unknown> };
      const request: CreateServerRequest = {
        ...sampleServerRequest(),
        networks: 'auto',
        hostname: String(server['hostname']),
        configDrive: undefined,
      };
      const { personality: _p, accessIPv4: _a4, accessIPv6: _a6, 'OS-DCF:diskConfig': _dc, ...rest } = server;
      expect(buildCreateServerBody(request, '2.90')).toEqual({ server: { ...rest, networks: 'auto' } });
      // Below 2.90 the hostname is left out.
      expect(buildCreateServerBody(request, '2.75')).toEqual({ server: { ...rest, networks: 'auto', hostname: undefined } });
    },
  );

  it('scheduler hints go top level as os:scheduler_hints (the samples spell the alias OS-SCH-HNT:scheduler_hints)', () => {
    const body = buildCreateServerBody({ ...sampleServerRequest(), schedulerHints: { group: '616fb98f-46ca-475e-917e-2563e5a8cd19' } });
    expect(body['os:scheduler_hints']).toEqual({ group: '616fb98f-46ca-475e-917e-2563e5a8cd19' });
  });

  it('compute/servers/v2.100/server-get-resp.json', () => {
    expect(parseServerBody(sample('compute/servers/v2.100/server-get-resp.json'))).toMatchObject({
      keyName: undefined,
      securityGroups: ['default'],
      hostname: 'new-server-test',
      volumeIds: ['volume_id1', 'volume_id2'],
      configDrive: false,
      serverGroupIds: [],
      availabilityZone: 'us-west',
      metadata: { 'My Server Name': 'Apache1' },
      tags: [],
      fault: undefined,
    });
  });

  it('network/security-groups/security-groups-list-response.json', () => {
    const page = parseSecurityGroupPage(sample('network/security-groups/security-groups-list-response.json'));
    expect(page.items).toEqual([
      {
        id: '85cc3048-abc3-43cc-89b3-377341426ac5',
        name: 'default',
        description: 'default',
        projectId: 'e4f50856753b4dc6afee5fa6b9b6c550',
        stateful: true,
      },
    ]);
    expect(resolveSecurityGroupRefs(page.items, ['default', 'web'])).toEqual({ found: page.items, missing: ['web'], ambiguous: [] });
  });

  it('block-storage/volume_type/volume-types-list-response.json', () => {
    const sut = parseVolumeTypeList(sample('block-storage/volume_type/volume-types-list-response.json'));
    expect(sut.map((t) => t.name)).toEqual(['vol-type-002', 'vol-type-001', '__DEFAULT__']);
    expect(sut[2]).toEqual({
      id: '7a56b996-b73f-4233-9f00-dd6a68b49b27',
      name: '__DEFAULT__',
      description: 'Default Volume Type',
      isPublic: true,
    });
  });

  it.each([
    'block-storage/volumes/volume-show-response.json',
    'block-storage/volumes/v3.69/volume-show-response.json',
    'block-storage/volumes/volume-create-response.json',
    'block-storage/volumes/v3.69/volume-create-response.json',
  ])('%s', (path) => {
    const sut = parseVolumeBody(sample(path));
    expect(sut).toMatchObject({
      name: '',
      status: 'creating',
      sizeGiB: 10,
      bootable: false,
      volumeType: '__DEFAULT__',
      attachedServerIds: [],
      availabilityZone: 'nova',
      metadata: {},
    });
    expect(sut.createdAt).toBeInstanceOf(Date);
    // The list of volumes with details holds the same bodies.
    expect(parseVolumePage({ volumes: [(sample(path) as { volume: unknown }).volume] }).items).toEqual([sut]);
  });

  // block-storage/volumes/volume-create-request.json is not used: volumes are never created here, Nova makes the boot
  // volume from the server's block device mapping.

  it('finds Cinder under block-storage or, on older clouds, volumev3', () => {
    const token = parseTokenBody(readSample('identity/admin/auth-password-project-scoped-response.json'));
    // This sample's Cinder is v2 (`volumev2`); published as `volumev3`, it would be found by the alias.
    const volumev3 = token.catalog.map((service) => (service.type === 'volumev2' ? { ...service, type: 'volumev3' } : service));
    const query = { type: 'block-storage', aliases: ['volumev3'], interface: 'public', region: 'RegionOne' } as const;
    expect(findEndpoint(volumev3, query)).toBe('http://23.253.248.171:8776/v2/a6944d763bf64ee6a275f1263fae0352');
    expect(() => findEndpoint(parseTokenBody(readSample('identity/auth/responses/project-scoped-password.json')).catalog, query)).toThrow(
      /no public block-storage endpoint in region RegionOne \(no block-storage or volumev3 service at all\)/,
    );
  });

  it('network/security-groups/security-group-create-response.json', () => {
    expect(parseSecurityGroupBody(sample('network/security-groups/security-group-create-response.json'))).toEqual({
      id: '2076db17-a522-4506-91de-c6dd8e837028',
      name: 'new-webservers',
      description: 'security group for webservers',
      projectId: 'e4f50856753b4dc6afee5fa6b9b6c550',
      stateful: true,
    });
  });
});

/**
 * Octavia's samples (openstack/octavia 0e6ea11c2992ce2746bb0cf0fb5cb3e81d5b94ba, `api-ref/source/v2/examples`), kept in
 * this library until they are vendored with the others, like the OS-TRUST ones. All 14 are listed here.
 */
describe('OpenStack API samples: load balancer (Octavia)', () => {
  const sample = (name: string) => readLibrarySample(`load-balancer/${name}`);

  it('checks each of the 14 samples (every file of the copy is named in a test below)', () => {
    const files = readdirSync(resolve(__dirname, 'testing/fixtures/openstack-api-samples/load-balancer')).sort();
    expect(files).toHaveLength(14);
    const source = readFileSync(__filename, 'utf8');
    expect(files.filter((file) => !source.includes(`'${file}'`))).toEqual([]);
  });

  it.each(['loadbalancer-create-response.json', 'loadbalancer-show-response.json'])('%s', (name) => {
    const sut = parseLoadBalancerBody(sample(name));
    expect(sut).toMatchObject({
      name: 'best_load_balancer',
      description: 'My favorite load balancer',
      projectId: 'e3cd678b11784734bc366148aa37580e',
      vipAddress: '203.0.113.50',
      vipSubnetId: 'd4af86e1-0051-488c-b7a0-527f97490c9a',
      vipNetworkId: 'd0d217df-3958-4fbf-a3c2-8dad2908c709',
      vipPortId: 'b4ca07d1-a31e-43e2-891a-7d14f419f342',
      provider: 'octavia',
      availabilityZone: 'my_az',
      adminStateUp: true,
      provisioningStatus: 'PENDING_CREATE',
      poolIds: [],
      listenerIds: [],
      // Octavia's timestamps carry no zone: they are UTC.
      createdAt: new Date('2017-02-28T00:41:44Z'),
      updatedAt: new Date('2017-02-28T00:43:30Z'),
    });
    expect(sut.operatingStatus).toBe(name.includes('create') ? 'OFFLINE' : 'ONLINE');
    expect(sut.tags).toEqual(name.includes('create') ? ['test_tag'] : []);
  });

  // The load balancer create request is not used: this client does not create load balancers.
  it('loadbalancer-create-request.json (not sent by this client: its answer parses)', () => {
    const request = sample('loadbalancer-create-request.json') as { loadbalancer: Record<string, unknown> };
    expect(parseLoadBalancerBody(sample('loadbalancer-create-response.json')).vipSubnetId).toBe(request.loadbalancer['vip_subnet_id']);
  });

  it('a status tree as the real Zed Octavia sends it: pools under their listener, the monitor as health_monitor', () => {
    const pool = { id: 'p', name: 'peak-pool', provisioning_status: 'ACTIVE', operating_status: 'OFFLINE', members: [] };
    const monitor = { id: 'hm', name: 'peak-hm', type: 'HTTP', provisioning_status: 'ACTIVE', operating_status: 'ONLINE' };
    const sut = parseLoadBalancerStatusBody({
      statuses: {
        loadbalancer: {
          id: 'lb',
          name: 'peak-lb',
          provisioning_status: 'ACTIVE',
          operating_status: 'OFFLINE',
          listeners: [
            {
              id: 'l',
              name: 'peak-listener',
              provisioning_status: 'ACTIVE',
              operating_status: 'OFFLINE',
              pools: [{ ...pool, health_monitor: monitor }],
            },
          ],
        },
      },
    });
    expect(sut.pools).toEqual([]);
    expect(sut.listeners[0]?.pools[0]?.healthMonitor).toEqual({ id: 'hm', name: 'peak-hm', type: 'HTTP', provisioningStatus: 'ACTIVE' });
  });

  it('loadbalancer-status-response.json', () => {
    const sut = parseLoadBalancerStatusBody(sample('loadbalancer-status-response.json'));
    const httpPool = {
      id: '89a47f78-cf81-480b-ad74-bba4177eeb81',
      name: 'HTTP_pool',
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'DEGRADED',
      healthMonitor: { id: '0b608787-ea2d-48c7-89a1-8b8c24fa3b17', name: 'HTTP_healthmonitor', type: 'HTTP', provisioningStatus: 'ACTIVE' },
      members: [
        {
          id: '3c6857f4-057a-405a-9134-bdeaa8796c8a',
          name: '',
          address: '192.0.2.20',
          protocolPort: 80,
          provisioningStatus: 'ACTIVE',
          operatingStatus: 'ERROR',
        },
        {
          id: 'f7495909-1706-4c91-83b4-641dab6962ac',
          name: '',
          address: '192.0.2.21',
          protocolPort: 80,
          provisioningStatus: 'ACTIVE',
          operatingStatus: 'ONLINE',
        },
      ],
    };
    expect(sut).toEqual({
      id: '84faceee-cb97-48d0-93df-9e41d40d4cb4',
      name: 'excellent_load_balancer',
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'DEGRADED',
      listeners: [
        {
          id: '78febaf6-1e63-47c6-af5f-7b5e23fd7094',
          name: 'HTTP_listener',
          provisioningStatus: 'ACTIVE',
          operatingStatus: 'DEGRADED',
          pools: [httpPool],
        },
        {
          id: '1341fbaf-ad4f-4cfe-a943-ad5e14e664cb',
          name: 'redirect_listener',
          provisioningStatus: 'ACTIVE',
          operatingStatus: 'ONLINE',
          pools: [],
        },
      ],
      pools: [
        httpPool,
        // `"healthmonitor": {}` is a pool without one.
        {
          id: '8189d6a9-646e-4d23-b742-548dab991951',
          name: 'source_ip_pool',
          provisioningStatus: 'ACTIVE',
          operatingStatus: 'ONLINE',
          healthMonitor: undefined,
          members: [],
        },
      ],
    });
  });

  it.each(['pool-create-response.json', 'pool-show-response.json'])('%s', (name) => {
    expect(parsePoolBody(sample(name))).toEqual({
      id: '4029d267-3983-4224-a3d0-afb3fe16a2cd',
      name: 'super-pool',
      description: 'Super Round Robin Pool',
      projectId: 'e3cd678b11784734bc366148aa37580e',
      protocol: 'HTTP',
      lbAlgorithm: 'ROUND_ROBIN',
      loadBalancerIds: ['607226db-27ef-4d41-ae89-f2a800e9c2db'],
      listenerIds: ['023f2e34-7806-443b-bfae-16c324569a3d'],
      memberIds: [],
      healthMonitorId: undefined,
      adminStateUp: true,
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      tags: ['test_tag'],
      createdAt: new Date('2017-05-10T18:14:44Z'),
      updatedAt: new Date('2017-05-10T23:08:12Z'),
    });
  });

  // The pool create request is not used: this client does not create pools.
  it('pool-create-request.json (not sent by this client: its answer parses)', () => {
    const request = sample('pool-create-request.json') as { pool: Record<string, unknown> };
    expect(parsePoolBody(sample('pool-create-response.json')).listenerIds).toEqual([request.pool['listener_id']]);
  });

  const member = {
    id: '957a1ace-1bd2-449b-8455-820b6e4b63f3',
    name: 'web-server-1',
    projectId: 'e3cd678b11784734bc366148aa37580e',
    address: '192.0.2.16',
    protocolPort: 80,
    weight: 20,
    backup: false,
    adminStateUp: true,
    subnetId: 'bbb35f84-35cc-4b2f-84c2-a6a29bba68aa',
    monitorAddress: undefined,
    monitorPort: 8080,
    provisioningStatus: 'ACTIVE',
    operatingStatus: 'NO_MONITOR',
    tags: ['test_tag'],
    createdAt: new Date('2017-05-11T17:21:34Z'),
    updatedAt: new Date('2017-05-11T17:21:37Z'),
  };

  it.each(['member-create-response.json', 'member-show-response.json'])('%s', (name) => {
    expect(parseMemberBody(sample(name))).toEqual(member);
  });

  it('members-list-response.json', () => {
    expect(parseMemberPage(sample('members-list-response.json'))).toEqual({ items: [member], next: undefined });
  });

  it('member-create-request.json', () => {
    const body = buildCreateMemberBody({
      name: 'web-server-1',
      weight: 20,
      adminStateUp: true,
      subnetId: 'bbb35f84-35cc-4b2f-84c2-a6a29bba68aa',
      address: '192.0.2.16',
      protocolPort: 80,
      monitorPort: 8080,
      backup: false,
      tags: ['test_tag'],
    });
    // The sample spells two numbers as strings (Octavia takes both); we send numbers.
    const { member: expected } = sample('member-create-request.json') as { member: Record<string, unknown> };
    expect(body).toEqual({ member: { ...expected, weight: 20, protocol_port: 80 } });
  });

  it('member-batch-update-request.json', () => {
    const web = (n: number, weight: number) => ({
      name: `web-server-${n}`,
      weight,
      adminStateUp: true,
      subnetId: 'bbb35f84-35cc-4b2f-84c2-a6a29bba68aa',
      address: `192.0.2.${15 + n}`,
      protocolPort: 80,
      monitorPort: 8080,
      tags: ['updated_tag'],
    });
    expect(buildBatchUpdateMembersBody([web(1, 20), web(2, 10)])).toEqual(sample('member-batch-update-request.json'));
  });

  it('healthmonitor-create-response.json', () => {
    expect(parseHealthMonitorBody(sample('healthmonitor-create-response.json'))).toEqual({
      id: '8ed3c5ac-6efa-420c-bedb-99ba14e58db5',
      name: 'super-pool-health-monitor',
      projectId: 'e3cd678b11784734bc366148aa37580e',
      type: 'HTTP',
      poolIds: ['4029d267-3983-4224-a3d0-afb3fe16a2cd'],
      delaySeconds: 10,
      timeoutSeconds: 5,
      maxRetries: 1,
      maxRetriesDown: 3,
      httpMethod: 'GET',
      urlPath: '/',
      expectedCodes: '200',
      adminStateUp: true,
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      tags: ['test_tag'],
      createdAt: new Date('2017-05-11T23:53:47Z'),
      updatedAt: new Date('2017-05-11T23:53:47Z'),
    });
  });

  // The health monitor create request is not used: this client does not create health monitors.
  it('healthmonitor-create-request.json (not sent by this client: its answer parses)', () => {
    const request = sample('healthmonitor-create-request.json') as { healthmonitor: Record<string, unknown> };
    expect(parseHealthMonitorBody(sample('healthmonitor-create-response.json')).poolIds).toEqual([request.healthmonitor['pool_id']]);
  });
});
