import { existsSync } from 'node:fs';
import { join } from 'node:path';
// The built API as a real child process (SIGKILL included), and the tests' PostgreSQL.
import { adminUrl, type ApiProcess, canConnect, createTestDatabase, startApiProcess, withClient } from '@peak/testing';
import { openstackJson } from '../support/cli';
import { type Json, waitFor } from '../support/http';
import { sweepLeftovers } from '../support/leftovers';
import { type CloudTarget, DEMO, realCloudTarget, type Session, TEST_PREFIX } from '../support/target';

/**
 * How long each peak's window lasts. Every check made while the VMs are up must finish inside it, also on a loaded
 * machine where the real Nova takes tens of seconds to make a VM ACTIVE (the end of a window deletes them). The first
 * peak waits for its end, to check the teardown at a window's end; the others stop their window as soon as their
 * checks are done (the console's "stop now"), so the window's length costs time only once, and never correctness.
 */
const WINDOW_MS = 120_000;

const MAIN = join(__dirname, '../../../../dist/apps/api/main.js');
/** The engine's tags (apps/api/src/engine/ownership.ts). */
const OWNER_TAG = 'peak-scheduler';
const SCHEDULE_TAG = (id: string) => `peak-schedule:${id}`;
const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM5++SFzkqMBUUcgyrQM4XrFbgvBP5OtPTLxBa6q1fyQ peak@cloudtest';
const MANAGED = { standard: { vcpus: 1, ram: 1024, disk: 10 }, large: { vcpus: 4, ram: 8192, disk: 40 } } as const;

/**
 * The product against the real cloud: the built API (`nx build api`), started with the harness's `OS_*` variables
 * on a fresh PostgreSQL database, two replicas at once. It bootstraps `standard` and `large` in the real Nova once,
 * lists the harness's images, flavors and networks, runs a whole peak (N VMs ACTIVE with our tags, removed after
 * the end), and a peak whose leader is SIGKILLed mid-provisioning still ends with exactly N.
 */
describe('the product against the real cloud', () => {
  let target: CloudTarget;
  let admin: Session;
  let db: { url: string; drop(): Promise<void> };
  let env: Record<string, string>;
  const processes: ApiProcess[] = [];
  const run = Date.now().toString(36);
  let bootable: { imageId: string; flavorId: string; networkIds: string[] };

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run through \`npx nx run cloud-tests:test-cloud\`, which builds the API first`);
    const pg = adminUrl();
    if (!(await canConnect(pg))) throw new Error(`the product part needs PostgreSQL at ${pg} (TEST_DATABASE_URL)`);
    target = await realCloudTarget();
    admin = await target.login();
    await sweepLeftovers(admin);
    // The bootstrap is what is tested: the managed flavors must not exist yet (a crashed run may have left them).
    await deleteManagedFlavors();
    db = await createTestDatabase({ adminUrl: pg, embedded: false }, 'cloud_product');
    env = {
      ...target.osEnv(),
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      // A quick failover and tight polling, so a killed leader is replaced within seconds.
      ENGINE_LEASE_TTL_MS: '3000',
      ENGINE_LEASE_RENEW_MS: '500',
      ENGINE_POLL_INTERVAL_MS: '1000',
      ENGINE_CHANGE_POLL_MS: '500',
      ENGINE_SAFETY_INTERVAL_MS: '3000',
      // One create at a time, so a SIGKILL lands between creates of one peak.
      ENGINE_CONCURRENCY: '1',
      ENGINE_CREATE_GRACE_MS: '10000',
      // Octavia's default policies (Zed) want load-balancer_member for pools and members: a trust with only member
      // gets 403 from Octavia (found here), so the engine could not manage a demo schedule's pool membership.
      TRUST_ROLES: 'member,load-balancer_member',
    };
  });

  afterAll(async () => {
    for (const p of processes.splice(0)) await p.kill();
    if (admin) {
      await sweepLeftovers(admin);
      await deleteManagedFlavors();
    }
    await db?.drop();
    await target?.close();
  });

  async function deleteManagedFlavors(): Promise<void> {
    const flavors = (await admin.call('compute', 'GET', 'flavors?is_public=None')).body.flavors as Json[];
    for (const flavor of flavors.filter((f) => f.name in MANAGED)) await admin.call('compute', 'DELETE', `flavors/${flavor.id}`);
  }

  async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${base}/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-auth-token': admin.token },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function start(): Promise<ApiProcess> {
    const p = await startApiProcess(env);
    processes.push(p);
    return p;
  }

  /** The servers of a schedule on the real cloud (not being deleted), by the engine's tag. */
  async function serversOf(scheduleId: string): Promise<Json[]> {
    const response = await admin.call('compute', 'GET', `servers/detail?tags=${OWNER_TAG},${SCHEDULE_TAG(scheduleId)}`, {
      microversion: '2.93',
    });
    return (response.body.servers as Json[]).filter((s) => s['OS-EXT-STS:task_state'] !== 'deleting');
  }

  async function createSchedule(base: string, name: string, instanceCount: number, startInMs: number, durationMs: number) {
    const startAt = new Date(Math.ceil((Date.now() + startInMs) / 1000) * 1000);
    const endAt = new Date(startAt.getTime() + durationMs);
    const created = await api(base, 'POST', '/schedules', {
      name,
      ...bootable,
      instanceCount,
      timeZone: 'UTC',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
    });
    if (created.status !== 201) throw new Error(`POST /v1/schedules: ${created.status} ${JSON.stringify(created.body)}`);
    return { id: created.body.id as string, startAt, endAt };
  }

  /** Waits for exactly `n` ACTIVE servers of a schedule, then checks that nothing more appears for a while. */
  async function expectExactlyActive(scheduleId: string, n: number): Promise<Json[]> {
    await waitFor(
      `${n} ACTIVE servers of schedule ${scheduleId}`,
      async () => {
        const servers = await serversOf(scheduleId);
        return servers.length === n && servers.every((s) => s.status === 'ACTIVE') ? true : undefined;
      },
      180_000,
      1000,
    );
    // A few more engine passes: nothing may be added.
    await new Promise((r) => setTimeout(r, 5000));
    const servers = await serversOf(scheduleId);
    expect(servers).toHaveLength(n);
    const slots = servers.map((s) => Number(s.metadata['peak-scheduler:slot'])).sort((a, b) => a - b);
    expect(slots).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    for (const server of servers) {
      expect(server.tags).toEqual(expect.arrayContaining([OWNER_TAG, SCHEDULE_TAG(scheduleId)]));
      expect(server.flavor.original_name).toBe('standard');
    }
    return servers;
  }

  /**
   * Waits for the servers of a schedule to be deleted and its run to close in `state`: `completed` at the window's end,
   * `stopped` after {@link stopNow}.
   */
  async function expectTornDown(
    base: string,
    schedule: { id: string; endAt: Date },
    state: 'completed' | 'stopped' = 'completed',
  ): Promise<void> {
    await waitFor(
      `the servers of schedule ${schedule.id} to be deleted`,
      async () =>
        (await admin.call('compute', 'GET', `servers?tags=${SCHEDULE_TAG(schedule.id)}`)).body.servers.length === 0 ? true : undefined,
      schedule.endAt.getTime() - Date.now() + 120_000,
      1000,
    );
    const runs = await waitFor(
      `the run to close ${state}`,
      async () => {
        const r = await api(base, 'GET', `/schedules/${schedule.id}/runs`);
        return r.body.items[0]?.state === state ? r.body.items : undefined;
      },
      60_000,
      1000,
    );
    expect(runs).toHaveLength(1);
  }

  let a: ApiProcess;
  let b: ApiProcess;

  it('two API instances started at once bootstrap standard and large in the real Nova exactly once', async () => {
    [a, b] = await Promise.all([start(), start()]);
    const ready = await Promise.all(
      [a, b].map((p) =>
        waitFor(
          `${p.url} to be ready`,
          async () => {
            // The flavors' detail is for a cloud admin; readiness no longer waits for them, so wait for their phase.
            const response = await fetch(`${p.url}/v1/health/ready`, { headers: { 'x-auth-token': admin.token } });
            const body = response.status === 200 ? ((await response.json()) as Json) : undefined;
            return body?.details?.flavors?.phase === 'done' ? body : undefined;
          },
          120_000,
          1000,
        ),
      ),
    );
    for (const role of ['standard', 'large'] as const) {
      const states = ready.map((r) => r.details.flavors.flavors.find((f: Json) => f.role === role));
      // One replica created it; the other found it (or lost the race to Nova's 409 and read it back).
      expect(states.map((s) => s.state).sort()).toEqual(['created', 'existing']);
      expect(new Set(states.map((s) => s.id)).size).toBe(1);
      const inNova = ((await admin.call('compute', 'GET', 'flavors/detail?is_public=None')).body.flavors as Json[]).filter(
        (f) => f.name === role,
      );
      expect(inNova).toHaveLength(1);
      expect(inNova[0]).toMatchObject({ id: states[0].id, ...MANAGED[role], 'os-flavor-access:is_public': true });
    }
  });

  it("lists the harness's images, flavors (the managed ones marked) and networks", async () => {
    const images = await api(a.url, 'GET', '/images');
    expect(images.status).toBe(200);
    const cirros = (images.body as Json[]).find((i) => i.name === 'cirros-tiny');
    expect(cirros).toBeDefined();
    const flavors = await api(b.url, 'GET', '/flavors');
    expect(flavors.status).toBe(200);
    const byName = new Map((flavors.body as Json[]).map((f) => [f.name, f]));
    expect(byName.get('m1.tiny')).toMatchObject({ id: '1', vcpus: 1, ramMiB: 512, diskGiB: 1 });
    expect(byName.get('m1.tiny')?.managed).toBeUndefined();
    expect(byName.get('standard')).toMatchObject({ managed: 'standard', vcpus: 1, ramMiB: 1024, diskGiB: 10 });
    expect(byName.get('large')).toMatchObject({ managed: 'large', vcpus: 4, ramMiB: 8192, diskGiB: 40 });
    const networks = await api(a.url, 'GET', '/networks');
    expect(networks.status).toBe(200);
    const publicNet = (networks.body as Json[]).find((n) => n.name === 'public');
    expect(publicNet).toBeDefined();
    bootable = { imageId: cirros.id, flavorId: byName.get('standard').id, networkIds: [publicNet.id] };
  });

  it('runs a whole peak: N VMs ACTIVE with our tags, removed after the end, none left over', async () => {
    const n = 3;
    const schedule = await createSchedule(a.url, `${TEST_PREFIX}peak-${run}`, n, 8_000, WINDOW_MS);
    const servers = await expectExactlyActive(schedule.id, n);
    expect(servers.every((s) => s.name.startsWith(`${TEST_PREFIX}peak-${run}-`))).toBe(true);
    await expectTornDown(b.url, schedule);
  });

  it('a SIGKILL of the leader during provisioning still leaves exactly N VMs, and none once stopped', async () => {
    const n = 4;
    const schedule = await createSchedule(b.url, `${TEST_PREFIX}kill-${run}`, n, 8_000, WINDOW_MS);
    const created = await waitFor(
      'provisioning under way',
      async () => {
        const count = (await serversOf(schedule.id)).length;
        return count >= 1 ? count : undefined;
      },
      schedule.startAt.getTime() - Date.now() + 60_000,
      200,
    );
    // Kill whichever replica leads (its pid is in the lease); the other one takes over when the lease expires.
    const holder = await withClient(
      db.url,
      async (c) => (await c.query<{ holder: string }>('SELECT holder FROM engine_lease')).rows[0]?.holder,
    );
    const leader = [a, b].find((p) => holder?.split(':')[1] === String(p.child.pid));
    if (!leader) throw new Error(`no replica holds the engine lease (${holder})`);
    await leader.kill();
    // The kill really interrupted provisioning: fewer than N existed when the leader died.
    expect(created).toBeLessThan(n);
    expect((await serversOf(schedule.id)).length).toBeLessThan(n);
    const survivor = leader === a ? b : a;
    await expectExactlyActive(schedule.id, n);
    // The survivor, now the leader, removes them when the window is stopped.
    await stopNow(callerOf(survivor.url, admin.token), schedule.id);
    await expectTornDown(survivor.url, schedule, 'stopped');
  });

  it('a member of demo schedules VMs without any admin: they are made in project demo, through a trust deleted with the schedule', async () => {
    const live = [a, b].find((p) => p.child.exitCode === null && p.child.signalCode === null);
    if (!live) throw new Error('no API process left');
    const demo = await target.login(DEMO);
    const asDemo = callerOf(live.url, demo.token);
    const privateNet = ((await demo.call('network', 'GET', 'networks?name=private')).body.networks as Json[])[0];
    if (!privateNet) throw new Error("the harness's demo project has no network named private");
    const startAt = new Date(Math.ceil((Date.now() + 8_000) / 1000) * 1000);
    const endAt = new Date(startAt.getTime() + WINDOW_MS);
    const created = await asDemo('POST', '/schedules', {
      name: `${TEST_PREFIX}demo-${run}`,
      imageId: bootable.imageId,
      flavorId: bootable.flavorId,
      networkIds: [privateNet.id],
      instanceCount: 2,
      timeZone: 'UTC',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
    });
    if (created.status !== 201) throw new Error(`POST /v1/schedules as demo: ${created.status} ${JSON.stringify(created.body)}`);
    expect(created.body).toMatchObject({ projectId: demo.projectId, projectName: 'demo', createdBy: { name: 'demo' } });
    const scheduleId = created.body.id as string;
    const inDemo = async () =>
      (
        (
          await admin.call('compute', 'GET', `servers/detail?all_tenants=True&tags=${OWNER_TAG},${SCHEDULE_TAG(scheduleId)}`, {
            microversion: '2.93',
          })
        ).body.servers as Json[]
      ).filter((s) => s['OS-EXT-STS:task_state'] !== 'deleting');
    const servers = await waitFor(
      '2 ACTIVE servers of the demo schedule',
      async () => {
        const found = await inDemo();
        return found.length === 2 && found.every((s) => s.status === 'ACTIVE') ? found : undefined;
      },
      180_000,
      1000,
    );
    // In the schedule's project, made as its creator (the trust impersonates the trustor).
    expect(servers.map((s) => s.tenant_id)).toEqual([demo.projectId, demo.projectId]);
    expect(servers.map((s) => s.user_id)).toEqual([demo.userId, demo.userId]);
    // The member stops their own window; the engine deletes the VMs through the same trust.
    await stopNow(asDemo, scheduleId);
    await waitFor('the demo VMs removed once stopped', async () => ((await inDemo()).length === 0 ? true : undefined), 180_000, 1000);
    const closed = await waitFor(
      'the demo run to close stopped',
      async () => {
        const latest = (await asDemo('GET', `/schedules/${scheduleId}/runs`)).body.items[0];
        return latest?.state === 'stopped' ? latest : undefined;
      },
      60_000,
      1000,
    );
    expect(closed.stoppedBy).toMatchObject({ name: 'demo' });
    const trustId = await withClient(
      db.url,
      async (c) => (await c.query<{ trust_id: string }>('SELECT trust_id FROM schedule WHERE id = $1', [scheduleId])).rows[0]?.trust_id,
    );
    expect(trustId).toEqual(expect.any(String));
    expect((await asDemo('DELETE', `/schedules/${scheduleId}`)).status).toBe(204);
    expect((await demo.call('identity', 'GET', `OS-TRUST/trusts/${trustId}`)).status).toBe(404);
  });
  /**
   * `launch.loadBalancer` against the real Octavia (tools/cloud/octavia/up.sh: no-op drivers, `peak-pool` of project
   * demo behind `peak-lb`). Its members never go ONLINE (no amphora reports health), hence `waitForOnline: false`.
   * Servers, then members, are sampled all along: a member of ours must never outlive its VM (a member seen in a
   * sample had its VM, not being deleted, in the sample just before), and in the end neither is left.
   */
  it('puts the VMs of a demo schedule in the real Octavia pool at their addresses, and removes the members before the VMs when stopped', async () => {
    const live = [a, b].find((p) => p.child.exitCode === null && p.child.signalCode === null);
    if (!live) throw new Error('no API process left');
    const demo = await target.login(DEMO);
    const asDemo = callerOf(live.url, demo.token);
    const pool = ((await demo.call('load-balancer', 'GET', 'lbaas/pools?name=peak-pool')).body.pools as Json[])[0];
    if (!pool) throw new Error('no pool peak-pool in project demo: tools/cloud/octavia/up.sh makes it');
    const privateNet = ((await demo.call('network', 'GET', 'networks?name=private')).body.networks as Json[])[0];
    const subnetId = String(privateNet.subnets[0]);
    const name = `${TEST_PREFIX}lb-${run}`;
    const startAt = new Date(Math.ceil((Date.now() + 8_000) / 1000) * 1000);
    const endAt = new Date(startAt.getTime() + WINDOW_MS);
    const created = await asDemo('POST', '/schedules', {
      name,
      imageId: bootable.imageId,
      flavorId: bootable.flavorId,
      networkIds: [privateNet.id],
      instanceCount: 2,
      timeZone: 'UTC',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
      launch: { loadBalancer: { poolId: pool.id, protocolPort: 80, subnetId, waitForOnline: false, drainSeconds: 5 } },
    });
    if (created.status !== 201) throw new Error(`POST /v1/schedules as demo: ${created.status} ${JSON.stringify(created.body)}`);
    const scheduleId = created.body.id as string;

    const serversNow = async () =>
      (
        (
          await admin.call('compute', 'GET', `servers/detail?all_tenants=True&tags=${OWNER_TAG},${SCHEDULE_TAG(scheduleId)}`, {
            microversion: '2.93',
          })
        ).body.servers as Json[]
      ).filter((s) => s.name.startsWith(`${name}-`));
    const membersNow = async () =>
      ((await demo.call('load-balancer', 'GET', `lbaas/pools/${pool.id}/members`)).body.members as Json[]).filter(
        (m) => (m.tags as string[]).includes(OWNER_TAG) && String(m.name).startsWith(`${name}-`),
      );
    const addressesOf = (server: Json) =>
      Object.values(server.addresses as Record<string, Json[]>).flatMap((list) => list.map((x) => x.addr));

    const violations: string[] = [];
    let seenBoth: { servers: Json[]; members: Json[]; portIps: Map<string, string | undefined> } | undefined;
    /** The VM's fixed IP on the subnet, as its Neutron port has it (read while the VMs exist). */
    const portIp = async (serverId: string) => {
      const ports = (await admin.call('network', 'GET', `ports?device_id=${serverId}`)).body.ports as Json[];
      return ports.flatMap((p) => p.fixed_ips as Json[]).find((f) => f.subnet_id === subnetId)?.ip_address as string | undefined;
    };
    let samples = 0;
    let last = '';
    const cycle = waitFor(
      'the members and then the VMs of the load-balanced schedule to come and go',
      async () => {
        // Servers first, then members: a member still listed after the servers were read existed when they were.
        const servers = await serversNow();
        const members = await membersNow();
        samples++;
        last = JSON.stringify({
          servers: servers.map((s) => [s.name, s.status, s['OS-EXT-STS:task_state']]),
          members: members.map((m) => [m.name, m.address, m.provisioning_status]),
        });
        for (const member of members) {
          const vm = servers.find((s) => addressesOf(s).includes(member.address));
          if (!vm) violations.push(`member ${member.name} (${member.address}) listed while no VM of ours had that address`);
          else if (vm['OS-EXT-STS:task_state'] === 'deleting') violations.push(`VM ${vm.name} being deleted while its member is listed`);
        }
        const active = servers.filter((s) => s.status === 'ACTIVE' && s['OS-EXT-STS:task_state'] !== 'deleting');
        if (!seenBoth && active.length === 2 && members.length === 2 && members.every((m) => m.provisioning_status === 'ACTIVE')) {
          seenBoth = {
            servers: active,
            members,
            portIps: new Map(await Promise.all(active.map(async (v) => [v.id, await portIp(v.id)] as const))),
          };
          // Both members seen: stop the window, and keep sampling while the engine drains, removes and deletes.
          await stopNow(asDemo, scheduleId);
        }
        return seenBoth && servers.length === 0 && members.length === 0 ? true : undefined;
      },
      endAt.getTime() - Date.now() + 240_000,
      500,
    );
    await cycle.catch(async (error: unknown) => {
      const runs = (await asDemo('GET', `/schedules/${scheduleId}/runs`)).body;
      throw new Error(`${String(error)}; last sample ${last}; runs ${JSON.stringify(runs).slice(0, 2000)}`);
    });
    expect(violations).toEqual([]);
    if (!seenBoth) throw new Error('never saw both VMs ACTIVE with their members');
    expect(samples).toBeGreaterThan(10);
    // Each member is at its VM's fixed IP on the subnet: Neutron's port of the VM, and Nova's view of it.
    for (const server of seenBoth.servers) {
      const ip = seenBoth.portIps.get(server.id);
      expect(ip).toEqual(expect.any(String));
      expect(addressesOf(server)).toContain(ip);
      const member = seenBoth.members.find((m) => m.address === ip);
      expect(member).toMatchObject({ protocol_port: 80, subnet_id: subnetId, weight: 1, name: server.name });
      expect(member.tags).toEqual(expect.arrayContaining([OWNER_TAG, 'peak-slot:' + server.metadata['peak-scheduler:slot']]));
    }
    const runs = await waitFor(
      'the load-balanced run to close stopped',
      async () => {
        const r = await asDemo('GET', `/schedules/${scheduleId}/runs`);
        return r.body.items[0]?.state === 'stopped' ? r.body.items : undefined;
      },
      60_000,
      1000,
    );
    expect(runs).toHaveLength(1);
    const vms = runs[0].vms as Json[];
    expect(vms).toHaveLength(2);
    for (const vm of vms) {
      expect(vm.member).toMatchObject({ state: 'removed', memberId: expect.any(String), address: expect.any(String) });
      expect(vm.member.drainingAt <= vm.member.removedAt).toBe(true);
    }
    expect(vms.map((vm) => vm.member.address).sort()).toEqual(seenBoth.members.map((m) => m.address).sort());
    expect((await asDemo('DELETE', `/schedules/${scheduleId}`)).status).toBe(204);
  });

  /**
   * Launch options on the real Nova and Neutron: key pair, two security groups, user data, metadata, tags and a
   * soft-anti-affinity group made for the run, read back with `openstack server show`. Not checked here: boot volumes
   * (the harness has no Cinder; the simulator's suite covers them) and config drives (the fake driver only records them).
   */
  it('launches VMs with a key pair, security groups, user data, metadata, tags and a server group, and removes the group when stopped', async () => {
    const live = [a, b].find((p) => p.child.exitCode === null && p.child.signalCode === null);
    if (!live) throw new Error('no API process left');
    const key = `${TEST_PREFIX}key-${run}`;
    const group = `${TEST_PREFIX}sg-${run}`;
    const keypair = await admin.call('compute', 'POST', 'os-keypairs', {
      microversion: '2.92',
      body: { keypair: { name: key, public_key: PUBLIC_KEY } },
    });
    expect(keypair.status).toBe(201);
    const sg = await admin.call('network', 'POST', 'security-groups', { body: { security_group: { name: group } } });
    expect(sg.status).toBe(201);
    try {
      const startAt = new Date(Math.ceil((Date.now() + 8_000) / 1000) * 1000);
      const endAt = new Date(startAt.getTime() + WINDOW_MS);
      const userData = '#cloud-config\nruncmd:\n  - echo peak\n';
      const created = await api(live.url, 'POST', '/schedules', {
        name: `${TEST_PREFIX}launch-${run}`,
        ...bootable,
        instanceCount: 2,
        timeZone: 'UTC',
        leadTimeMinutes: 0,
        window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
        launch: {
          keyName: key,
          securityGroups: ['default', group],
          userData,
          metadata: { role: 'exam-worker' },
          tags: ['exams'],
          serverGroup: { policy: 'soft-anti-affinity' },
          hostnamePrefix: 'exam',
        },
      });
      if (created.status !== 201) throw new Error(`POST /v1/schedules: ${created.status} ${JSON.stringify(created.body)}`);
      const scheduleId = created.body.id as string;
      const servers = await expectExactlyActive(scheduleId, 2);

      for (const server of servers) {
        const { json: shown } = await openstackJson<Json>(target.osEnv(), ['server', 'show', server.id]);
        expect(shown.key_name).toBe(key);
        const groups = (shown.security_groups as Json[]).map((g) => g.name).sort();
        expect(groups).toEqual(['default', group].sort());
        expect(shown.properties).toMatchObject({ role: 'exam-worker', 'peak-scheduler:schedule-id': scheduleId });
      }
      // Tags (the CLI's default microversion predates them), user data and hostnames, in Nova's admin view (2.90+).
      const detailed = await serversOf(scheduleId);
      for (const server of detailed) expect(server.tags).toEqual(expect.arrayContaining(['exams', OWNER_TAG]));
      expect(detailed.map((s) => s['OS-EXT-SRV-ATTR:user_data'])).toEqual([b64(userData), b64(userData)]);
      expect(detailed.map((s) => s['OS-EXT-SRV-ATTR:hostname']).sort()).toEqual(['exam-1', 'exam-2']);
      const runId = (await api(live.url, 'GET', `/schedules/${scheduleId}/runs`)).body.items[0]?.id as string;
      const groupsNow = (await admin.call('compute', 'GET', 'os-server-groups', { microversion: '2.64' })).body.server_groups as Json[];
      const made = groupsNow.find((g) => g.name === `peak-run-${runId}`);
      expect(made).toMatchObject({ policy: 'soft-anti-affinity' });
      expect([...made.members].sort()).toEqual(servers.map((s) => s.id).sort());

      await stopNow(callerOf(live.url, admin.token), scheduleId);
      await expectTornDown(live.url, { id: scheduleId, endAt }, 'stopped');
      await waitFor(
        'the server group of the run deleted',
        async () => {
          const left = (await admin.call('compute', 'GET', 'os-server-groups', { microversion: '2.64' })).body.server_groups as Json[];
          return left.some((g) => g.name === `peak-run-${runId}`) ? undefined : true;
        },
        60_000,
        1000,
      );
      expect((await api(live.url, 'DELETE', `/schedules/${scheduleId}`)).status).toBe(204);
    } finally {
      await admin.call('compute', 'DELETE', `os-keypairs/${key}`);
      await admin.call('network', 'DELETE', `security-groups/${sg.body.security_group.id}`);
    }
  });
});

/** Calls the API at `url` (`/v1` paths) with `token`: the status and the parsed body. */
function callerOf(url: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/**
 * Stops a schedule's window now, as the console's "stop now" does: `enabled: false` with the version just read. The
 * engine deletes the window's VMs and closes its run `stopped`.
 */
async function stopNow(call: ReturnType<typeof callerOf>, scheduleId: string): Promise<void> {
  const current = await call('GET', `/schedules/${scheduleId}`);
  if (current.status !== 200) throw new Error(`GET /v1/schedules/${scheduleId}: ${current.status} ${JSON.stringify(current.body)}`);
  const stopped = await call('PATCH', `/schedules/${scheduleId}`, { version: current.body.version, enabled: false });
  if (stopped.status !== 200) throw new Error(`PATCH /v1/schedules/${scheduleId}: ${stopped.status} ${JSON.stringify(stopped.body)}`);
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
