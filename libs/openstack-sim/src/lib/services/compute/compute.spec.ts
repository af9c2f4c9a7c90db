import { type Session, call, login } from '../../../testing/http';
import { type RunningSimulator, startSimulator } from '../../simulator';
import { computeService } from './compute';

describe(computeService.name, () => {
  let sut: RunningSimulator;
  let admin: Session;

  beforeAll(async () => {
    sut = await startSimulator({ port: 0, buildDelayMs: 0, deleteDelayMs: 0 });
    admin = await login(sut.url);
  });

  afterAll(() => sut.close());

  afterEach(() => sut.control.reset());

  describe('versions', () => {
    it('lists v2.0 and v2.1 (2.1 to 2.96) at the root without a token', async () => {
      const response = await call(`${sut.url}/compute/`, 'GET');
      expect(response.status).toBe(200);
      expect(response.body.versions.map((v: { id: string; status: string; version: string }) => [v.id, v.status, v.version])).toEqual([
        ['v2.0', 'DEPRECATED', ''],
        ['v2.1', 'CURRENT', '2.96'],
      ]);
    });

    it('announces a lowered maximum when configured (like the real Zed cloud)', async () => {
      await sut.control.configure({ computeMaxMicroversion: '2.93' });
      expect((await call(`${sut.url}/compute/v2.1`, 'GET')).body.version).toMatchObject({ version: '2.93', min_version: '2.1' });
      expect((await admin.call('GET', '/compute/v2.1/flavors', { microversion: '2.96' })).status).toBe(406);
    });
  });

  describe('microversions', () => {
    it('defaults to 2.1 and echoes it in both headers with Vary', async () => {
      const response = await admin.call('GET', '/compute/v2.1/flavors');
      expect(response.headers.get('openstack-api-version')).toBe('compute 2.1');
      expect(response.headers.get('x-openstack-nova-api-version')).toBe('2.1');
      expect(response.headers.get('vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
      expect(response.headers.get('x-compute-request-id')).toBe(response.headers.get('x-openstack-request-id'));
    });

    it('honours each header alone, the modern one first, and `latest`', async () => {
      const version = async (headers: Record<string, string>) =>
        (await admin.call('GET', '/compute/v2.1/flavors', { headers })).headers.get('x-openstack-nova-api-version');
      expect(await version({ 'OpenStack-API-Version': 'compute 2.47' })).toBe('2.47');
      expect(await version({ 'X-OpenStack-Nova-API-Version': '2.60' })).toBe('2.60');
      expect(await version({ 'OpenStack-API-Version': 'compute 2.70', 'X-OpenStack-Nova-API-Version': '2.10' })).toBe('2.70');
      expect(await version({ 'OpenStack-API-Version': 'volume 3.5, compute 2.20' })).toBe('2.20');
      expect(await version({ 'OpenStack-API-Version': 'volume 3.5' })).toBe('2.1');
      expect(await version({ 'OpenStack-API-Version': 'compute latest' })).toBe('2.96');
    });

    it('answers a version outside 2.1..2.96 with 406 and a malformed one with 400', async () => {
      const tooHigh = await admin.call('GET', '/compute/v2.1/servers', { microversion: '2.97' });
      expect(tooHigh.status).toBe(406);
      expect(tooHigh.body).toEqual({
        computeFault: { code: 406, message: 'Version 2.97 is not supported by the API. Minimum is 2.1 and maximum is 2.96.' },
      });
      expect((await admin.call('GET', '/compute/v2.1/servers', { microversion: '3.0' })).status).toBe(406);
      const malformed = await admin.call('GET', '/compute/v2.1/servers', { microversion: '2.x' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.badRequest.message).toBe('API Version String 2.x is of invalid format. Must be of format MajorNum.MinorNum.');
    });
  });

  describe('faults', () => {
    it('answers unknown paths with webob’s 404, before any microversion is involved (as the real Nova)', async () => {
      const response = await admin.call('GET', '/compute/v2.1/nothing-here', { microversion: '2.60' });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        message: 'The resource could not be found.<br /><br />\n\n\n',
        code: '404 Not Found',
        title: 'Not Found',
      });
      expect(response.headers.get('openstack-api-version')).toBeNull();
      expect(response.headers.get('content-type')).toBe('application/json');
    });

    it('answers a missing item with a Nova fault (with its charset) and the microversion headers', async () => {
      const response = await admin.call('GET', '/compute/v2.1/flavors/nope', { microversion: '2.60' });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ itemNotFound: { code: 404, message: 'Flavor nope could not be found.' } });
      expect(response.headers.get('openstack-api-version')).toBe('compute 2.60');
      expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    });

    it('echoes an unsupported microversion in the 406, and gives none with a malformed one or without a token', async () => {
      const tooHigh = await admin.call('GET', '/compute/v2.1/flavors', { microversion: '2.200' });
      expect(tooHigh.status).toBe(406);
      expect(tooHigh.headers.get('openstack-api-version')).toBe('compute 2.200');
      expect(tooHigh.headers.get('x-openstack-nova-api-version')).toBe('2.200');
      const malformed = await admin.call('GET', '/compute/v2.1/flavors', { microversion: '2.x' });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('openstack-api-version')).toBeNull();
      const anonymous = await call(`${sut.url}/compute/v2.1/flavors`, 'GET', { microversion: '2.60' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('openstack-api-version')).toBeNull();
    });

    it('names a content type on answers without a body, and no request id on the version list', async () => {
      const flavor = await admin.call('POST', '/compute/v2.1/flavors', { body: { flavor: { name: 'ct', ram: 512, vcpus: 1, disk: 1 } } });
      const deleted = await admin.call('DELETE', `/compute/v2.1/flavors/${flavor.body.flavor.id}`);
      expect(deleted.status).toBe(202);
      expect(deleted.headers.get('content-type')).toBe('application/json');
      const versions = await call(`${sut.url}/compute/`, 'GET');
      expect(versions.headers.get('x-openstack-request-id')).toBeNull();
      expect(versions.headers.get('x-compute-request-id')).toBeNull();
    });

    it('renders an injected 500 as computeFault and 503 as serviceUnavailable', async () => {
      await sut.control.failNext(1, { service: 'compute', status: 500, message: 'boom' });
      expect((await admin.call('GET', '/compute/v2.1/servers')).body).toEqual({ computeFault: { code: 500, message: 'boom' } });
      await sut.control.failNext(1, { service: 'compute' });
      const unavailable = await admin.call('GET', '/compute/v2.1/servers');
      expect(unavailable.status).toBe(503);
      expect(Object.keys(unavailable.body)).toEqual(['serviceUnavailable']);
    });
  });

  describe('project id in the URL', () => {
    it('accepts the token’s project id after v2.1 and links with it', async () => {
      const response = await admin.call('GET', `/compute/v2.1/${admin.projectId}/flavors`);
      expect(response.status).toBe(200);
      expect(response.body.flavors[0].links[0].href).toBe(`${sut.url}/compute/v2.1/${admin.projectId}/flavors/1`);
    });

    it('refuses another project’s id with 400', async () => {
      const demo = await login(sut.url, 'demo', 'demo');
      const response = await admin.call('GET', `/compute/v2.1/${demo.projectId}/servers`);
      expect(response.status).toBe(400);
      expect(response.body.badRequest.message).toMatch(/^Malformed request URL: URL's project_id/);
    });
  });

  describe('availability zones', () => {
    it('lists the one zone, with hosts for admins', async () => {
      expect((await admin.call('GET', '/compute/v2.1/os-availability-zone')).body).toEqual({
        availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true }, hosts: null }],
      });
      const detail = await admin.call('GET', '/compute/v2.1/os-availability-zone/detail');
      expect(detail.body.availabilityZoneInfo.map((z: { zoneName: string }) => z.zoneName)).toEqual(['internal', 'nova']);
      expect((await (await login(sut.url, 'demo', 'demo')).call('GET', '/compute/v2.1/os-availability-zone/detail')).status).toBe(403);
    });
  });

  describe('limits and quotas', () => {
    it('reports quotas and usage by microversion', async () => {
      const at21 = (await admin.call('GET', '/compute/v2.1/limits')).body.limits.absolute;
      expect(at21).toMatchObject({
        maxTotalInstances: 10,
        maxTotalCores: 20,
        maxTotalRAMSize: 51200,
        maxPersonality: 5,
        maxSecurityGroups: -1,
      });
      const at57 = (await admin.call('GET', '/compute/v2.1/limits', { microversion: '2.57' })).body.limits.absolute;
      expect(at57).not.toHaveProperty('maxPersonality');
      expect(at57).not.toHaveProperty('maxSecurityGroups');
      expect(at57).not.toHaveProperty('maxImageMeta');
    });

    it('updates a project’s quotas through os-quota-sets (admin only)', async () => {
      const demo = await login(sut.url, 'demo', 'demo');
      const update = await admin.call('PUT', `/compute/v2.1/os-quota-sets/${demo.projectId}`, {
        body: { quota_set: { instances: 3, cores: 6 } },
      });
      expect(update.status).toBe(200);
      expect(update.body.quota_set).toMatchObject({ instances: 3, cores: 6, ram: 51200 });
      expect((await demo.call('GET', '/compute/v2.1/limits')).body.limits.absolute).toMatchObject({
        maxTotalInstances: 3,
        maxTotalCores: 6,
      });
      const denied = await demo.call('PUT', `/compute/v2.1/os-quota-sets/${demo.projectId}`, { body: { quota_set: { instances: 99 } } });
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed." },
      });
    });

    it('counts the servers and server groups of the project in its limits, and shows another project’s to admins only', async () => {
      const demo = await login(sut.url, 'demo', 'demo');
      await admin.call('PUT', `/compute/v2.1/os-quota-sets/${demo.projectId}`, { body: { quota_set: { instances: 10, cores: 20 } } });
      const network = (await demo.call('GET', '/network/v2.0/networks?name=private')).body.networks[0].id;
      const image = (await demo.call('GET', '/image/v2/images?name=cirros-0.6.2-x86_64-disk')).body.images[0].id;
      const created = await demo.call('POST', '/compute/v2.1/servers', {
        body: { server: { name: 'counted', imageRef: image, flavorRef: '2', networks: [{ uuid: network }] } },
      });
      expect(created.status).toBe(202);
      const group = await demo.call('POST', '/compute/v2.1/os-server-groups', {
        body: { server_group: { name: 'counted', policies: ['anti-affinity'] } },
      });
      expect(group.status).toBe(200);

      const limits = (await demo.call('GET', '/compute/v2.1/limits')).body.limits.absolute;
      expect(limits).toMatchObject({ totalInstancesUsed: 1, totalCoresUsed: 1, totalRAMUsed: 2048, totalServerGroupsUsed: 1 });
      expect((await admin.call('GET', `/compute/v2.1/limits?tenant_id=${demo.projectId}`)).body.limits.absolute).toMatchObject({
        totalInstancesUsed: 1,
        totalServerGroupsUsed: 1,
      });
      expect((await admin.call('GET', '/compute/v2.1/limits')).body.limits.absolute).toMatchObject({ totalInstancesUsed: 0 });

      const denied = await demo.call('GET', `/compute/v2.1/limits?tenant_id=${admin.projectId}`);
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        forbidden: { code: 403, message: "Policy doesn't allow os_compute_api:limits:other_project to be performed." },
      });
      await demo.call('DELETE', `/compute/v2.1/servers/${created.body.server.id}`);
      await demo.call('DELETE', `/compute/v2.1/os-server-groups/${group.body.server_group.id}`);
    });

    it('shows quota details with usage', async () => {
      const response = await admin.call('GET', `/compute/v2.1/os-quota-sets/${admin.projectId}/detail`);
      expect(response.body.quota_set.instances).toEqual({ in_use: 0, limit: 10, reserved: 0 });
    });
  });
});
