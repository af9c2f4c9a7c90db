import { type Json, login } from '../testing/http';
import { OPENSTACK_CLI, openstackCliAvailable, openstackJson, runOpenstack } from '../testing/openstack-cli';
import { type RunningSimulator, startSimulator } from './simulator';

/**
 * Fidelity against the real client: Debian's `openstack` CLI 6.0 (openstacksdk, keystoneauth, novaclient) drives the
 * simulator. It runs under CI (where .ci/run installs it); elsewhere it is skipped with a message when missing.
 */
const cliPresent = openstackCliAvailable();
const mustRun = process.env['CI'] === 'true';
if (!cliPresent && !mustRun) {
  console.warn(`Skipping the openstack CLI tests: ${OPENSTACK_CLI} is missing (apt-get install python3-openstackclient).`);
}
const describeCli = cliPresent || mustRun ? describe : describe.skip;
// Each CLI run starts Python (about 1 s); `--wait` polls every 5 s.
jest.setTimeout(60_000);

interface CliServer {
  id: string;
  name: string;
  status: string;
  addresses: Record<string, string[]>;
  flavor: string;
  image: string;
}

describeCli('the openstack CLI against the simulator', () => {
  let sim: RunningSimulator;
  let adminProjectId: string;
  let serverId: string;
  const cli = <T = Json>(args: string[], username = 'admin', project = 'admin') =>
    openstackJson<T>(sim.authUrl, args, { username, project });

  beforeAll(async () => {
    if (!cliPresent) throw new Error(`CI=true but ${OPENSTACK_CLI} is missing: .ci/run installs python3-openstackclient`);
    // A short BUILD so `server create --wait` sees it and polls (every 5 s in OSC). Deletion is immediate: OSC's
    // `--wait` for it is a plain poll for 404 and would only add 5 s; the deleting state is covered over HTTP.
    sim = await startSimulator({
      port: 0,
      buildDelayMs: 300,
      deleteDelayMs: 0,
    });
    adminProjectId = (await login(sim.url)).projectId;
  });

  afterAll(() => sim?.close());

  // Commands that change nothing.
  describe('reading', () => {
    it('token issue', async () => {
      const token = await cli<{
        id: string;
        project_id: string;
        user_id: string;
        expires: string;
      }>(['token', 'issue']);
      expect(token.id).toMatch(/^gAAAAAB/);
      expect(token.project_id).toBe(adminProjectId);
      expect(token.user_id).toMatch(/^[0-9a-f]{32}$/);
      const ttlMs = Date.parse(token.expires) - Date.now();
      expect(ttlMs).toBeGreaterThan(3500_000);
      expect(ttlMs).toBeLessThanOrEqual(3600_000);
    });

    it('token issue with a wrong password fails as Keystone does', async () => {
      const result = await runOpenstack(sim.authUrl, ['token', 'issue'], {
        username: 'admin',
        project: 'admin',
        password: 'wrong',
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('The request you have made requires authentication. (HTTP 401)');
    });

    it('flavor list', async () => {
      const flavors = await cli<Json[]>(['flavor', 'list']);
      expect(flavors).toEqual([
        {
          ID: '1',
          Name: 'm1.tiny',
          RAM: 512,
          Disk: 1,
          Ephemeral: 0,
          VCPUs: 1,
          'Is Public': true,
        },
        {
          ID: '2',
          Name: 'm1.small',
          RAM: 2048,
          Disk: 20,
          Ephemeral: 0,
          VCPUs: 1,
          'Is Public': true,
        },
        {
          ID: '3',
          Name: 'm1.medium',
          RAM: 4096,
          Disk: 40,
          Ephemeral: 0,
          VCPUs: 2,
          'Is Public': true,
        },
        {
          ID: '4',
          Name: 'm1.large',
          RAM: 8192,
          Disk: 80,
          Ephemeral: 0,
          VCPUs: 4,
          'Is Public': true,
        },
        {
          ID: '5',
          Name: 'm1.xlarge',
          RAM: 16384,
          Disk: 160,
          Ephemeral: 0,
          VCPUs: 8,
          'Is Public': true,
        },
      ]);
    });

    it('image list', async () => {
      const images = await cli<Json[]>(['image', 'list']);
      expect(images.map((i) => [i.Name, i.Status])).toEqual([
        ['cirros-0.6.2-x86_64-disk', 'active'],
        ['ubuntu-24.04', 'active'],
      ]);
    });

    it('network list', async () => {
      const networks = await cli<Json[]>(['network', 'list']);
      expect(networks.map((n) => n.Name).sort()).toEqual(['private', 'public']);
      for (const network of networks) expect(network.Subnets).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    });

    it('network list as a project member (demo)', async () => {
      const networks = await cli<Json[]>(['network', 'list'], 'demo', 'demo');
      expect(networks.map((n) => n.Name).sort()).toEqual(['private', 'public']);
    });

    it('server create as a reader is refused with Nova’s 403', async () => {
      const denied = await runOpenstack(
        sim.authUrl,
        ['server', 'create', '--image', 'cirros-0.6.2-x86_64-disk', '--flavor', 'm1.tiny', '--network', 'public', 'nope'],
        {
          username: 'viewer',
          project: 'admin',
        },
      );
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain("Policy doesn't allow os_compute_api:servers:create to be performed. (HTTP 403)");
    });
  });

  // Commands that change the cloud, in order.
  describe('writing', () => {
    it('flavor create, then 409 on the same name', async () => {
      const flavor = await cli([
        'flavor',
        'create',
        'standard',
        '--vcpus',
        '2',
        '--ram',
        '4096',
        '--disk',
        '40',
        '--property',
        'hw:cpu_policy=shared',
      ]);
      expect(flavor).toMatchObject({
        name: 'standard',
        vcpus: 2,
        ram: 4096,
        disk: 40,
        'os-flavor-access:is_public': true,
      });
      expect(flavor.properties).toEqual({ 'hw:cpu_policy': 'shared' });
      const created = await (await login(sim.url)).call('GET', `/compute/v2.1/flavors/${flavor.id}/os-extra_specs`);
      expect(created.body).toEqual({
        extra_specs: { 'hw:cpu_policy': 'shared' },
      });

      const again = await runOpenstack(sim.authUrl, ['flavor', 'create', 'standard', '--vcpus', '1', '--ram', '512', '--disk', '1']);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain('Flavor with name standard already exists.');
    });

    it('server create --wait reaches ACTIVE', async () => {
      const server = await cli<CliServer>([
        'server',
        'create',
        '--image',
        'cirros-0.6.2-x86_64-disk',
        '--flavor',
        'm1.tiny',
        '--network',
        'public',
        '--property',
        'peak=yes',
        '--wait',
        'cli-vm',
      ]);
      expect(server).toMatchObject({
        name: 'cli-vm',
        status: 'ACTIVE',
        flavor: 'm1.tiny (1)',
      });
      expect(server.addresses['public']).toEqual([expect.stringMatching(/^172\.24\.4\.\d+$/)]);
      expect(server.image).toMatch(/^cirros-0\.6\.2-x86_64-disk \(/);
      serverId = server.id;
      // It polled through BUILD: at least two GETs of the server after the POST.
      const polls = await sim.control.requests({
        method: 'GET',
        path: `/compute/v2.1/servers/${serverId}`,
      });
      expect(polls.length).toBeGreaterThanOrEqual(2);
      expect((await sim.control.servers({ name: 'cli-vm' }))[0]).toMatchObject({
        status: 'ACTIVE',
        metadata: { peak: 'yes' },
      });
    });

    it('server list', async () => {
      const servers = await cli<Json[]>(['server', 'list']);
      expect(servers).toEqual([
        {
          ID: serverId,
          Name: 'cli-vm',
          Status: 'ACTIVE',
          Networks: { public: [expect.any(String)] },
          Image: 'cirros-0.6.2-x86_64-disk',
          Flavor: 'm1.tiny',
        },
      ]);
    });

    it('limits show --absolute counts the server', async () => {
      const limits = Object.fromEntries(
        (await cli<{ Name: string; Value: number }[]>(['limits', 'show', '--absolute'])).map((l) => [l.Name, l.Value]),
      );
      expect(limits).toMatchObject({
        maxTotalInstances: 10,
        maxTotalCores: 20,
        maxTotalRAMSize: 51200,
        totalInstancesUsed: 1,
        totalCoresUsed: 1,
        totalRAMUsed: 512,
      });
    });

    it("server create over quota fails with Nova's 403", async () => {
      await sim.control.setQuotas({ instances: 1 }, 'admin');
      try {
        const result = await runOpenstack(sim.authUrl, [
          'server',
          'create',
          '--image',
          'cirros-0.6.2-x86_64-disk',
          '--flavor',
          'm1.tiny',
          '--network',
          'public',
          'too-many',
        ]);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain('Quota exceeded for instances: Requested 1, but already used 1 of 1 instances (HTTP 403)');
      } finally {
        await sim.control.setQuotas({ instances: 10 }, 'admin');
      }
    });

    it('server delete --wait', async () => {
      const result = await runOpenstack(sim.authUrl, ['server', 'delete', '--wait', 'cli-vm']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      // --wait returned, so Nova answered 404 for it: it is gone, not just deleting.
      expect(await sim.control.servers()).toEqual([]);
    });
  });
});
