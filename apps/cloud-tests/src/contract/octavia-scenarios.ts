import { type Json, waitFor } from '../support/http';
import { DEMO, type Session } from '../support/target';
import type { Scenario, ScenarioContext } from './scenario';

/**
 * Octavia (load-balancer v2) as the engine uses it, as project demo's member: the load balancer and pool of the
 * target's fixture (the simulator's seeded `web-lb`/`web-pool`, the harness's `peak-lb`/`peak-pool` from
 * tools/cloud/octavia/up.sh), the status tree, and pool members. The scenarios write to one pool, and Octavia refuses
 * writes while its load balancer is `PENDING_UPDATE`, so they run one after another (one group) and each waits for
 * the load balancer to be `ACTIVE` again before its next write.
 */
const GROUP = 'octavia';

/** Addresses on the private subnet that no VM of the suite gets (the harness's and the simulator's allocate from .2 up). */
const ADDRESSES = { single: '10.0.0.241', batch: ['10.0.0.242', '10.0.0.243'] };

interface Fixture {
  demo: Session;
  loadBalancer: Json;
  pool: Json;
  subnetId: string;
}

async function fixture(ctx: ScenarioContext): Promise<Fixture> {
  const demo = await ctx.target.login(DEMO);
  const { loadBalancerName, poolName, privateNetwork } = ctx.target.fixtures;
  const lbs = await demo.call('load-balancer', 'GET', 'lbaas/loadbalancers');
  if (lbs.status !== 200) throw new Error(`GET loadbalancers: ${lbs.status} ${lbs.text}`);
  const loadBalancer = (lbs.body.loadbalancers as Json[]).find((lb) => lb.name === loadBalancerName);
  if (!loadBalancer) throw new Error(`load balancer ${loadBalancerName} not found on the ${ctx.target.kind} target`);
  const pools = await demo.call('load-balancer', 'GET', `lbaas/pools?loadbalancer_id=${loadBalancer.id}`);
  const pool = (pools.body.pools as Json[]).find((p) => p.name === poolName);
  if (!pool) throw new Error(`pool ${poolName} not found on the ${ctx.target.kind} target`);
  const network = ((await demo.call('network', 'GET', `networks?name=${privateNetwork}`)).body.networks as Json[])[0];
  if (!network) throw new Error(`network ${privateNetwork} not found on the ${ctx.target.kind} target`);
  const subnetId = String(network.subnets[0]);
  await waitForActive(demo, loadBalancer.id);
  return { demo, loadBalancer, pool, subnetId };
}

/** Octavia takes writes again once the load balancer (not only the member: it is ACTIVE a moment earlier) is ACTIVE. */
function waitForActive(session: Session, loadBalancerId: string): Promise<Json> {
  return waitFor(
    `load balancer ${loadBalancerId} to be ACTIVE`,
    async () => {
      const response = await session.call('load-balancer', 'GET', `lbaas/loadbalancers/${loadBalancerId}`);
      if (response.status !== 200) throw new Error(`GET load balancer ${loadBalancerId}: ${response.status} ${response.text}`);
      const status = response.body.loadbalancer.provisioning_status;
      if (status === 'ERROR') throw new Error(`load balancer ${loadBalancerId} went to ERROR`);
      return status === 'ACTIVE' ? response.body.loadbalancer : undefined;
    },
    60_000,
    200,
  );
}

/** Removes a member if it is still there (after waiting for the load balancer), and waits until it is gone. */
async function removeMember(f: Fixture, memberId: string): Promise<void> {
  await waitForActive(f.demo, f.loadBalancer.id);
  const path = `lbaas/pools/${f.pool.id}/members/${memberId}`;
  const response = await f.demo.call('load-balancer', 'DELETE', path);
  if (response.status !== 204 && response.status !== 404) throw new Error(`DELETE member ${memberId}: ${response.status} ${response.text}`);
  await waitFor(
    `member ${memberId} gone`,
    async () => ((await f.demo.call('load-balancer', 'GET', path)).status === 404 ? true : undefined),
    60_000,
    200,
  );
  await waitForActive(f.demo, f.loadBalancer.id);
}

/** The `{faultcode, faultstring, debuginfo}` of WSME, which every Octavia error is. */
function expectFault(body: Json, pattern: RegExp): void {
  expect(body).toEqual({ faultcode: 'Client', faultstring: expect.stringMatching(pattern), debuginfo: null });
}

export const OCTAVIA_SCENARIOS: Scenario[] = [
  {
    name: 'load-balancer: load balancers, pools, status tree',
    group: GROUP,
    async run(ctx) {
      const f = await fixture(ctx);
      const { demo } = f;
      const list = ctx.record('GET /v2/lbaas/loadbalancers', await demo.call('load-balancer', 'GET', 'lbaas/loadbalancers'));
      expect(list.status).toBe(200);
      expect(list.body.loadbalancers_links).toEqual([]);
      const shown = ctx.record(
        'GET /v2/lbaas/loadbalancers/{id}',
        await demo.call('load-balancer', 'GET', `lbaas/loadbalancers/${f.loadBalancer.id}`),
      );
      expect(shown.status).toBe(200);
      expect(shown.body.loadbalancer).toMatchObject({
        id: f.loadBalancer.id,
        project_id: demo.projectId,
        provisioning_status: 'ACTIVE',
        vip_subnet_id: f.subnetId,
        provider: 'amphora',
      });
      expect(shown.body.loadbalancer.pools).toContainEqual({ id: f.pool.id });
      const pools = ctx.record(
        'GET /v2/lbaas/pools?loadbalancer_id',
        await demo.call('load-balancer', 'GET', `lbaas/pools?loadbalancer_id=${f.loadBalancer.id}`),
      );
      expect(pools.status).toBe(200);
      expect((pools.body.pools as Json[]).map((p) => p.id)).toContain(f.pool.id);
      ctx.record('GET /v2/lbaas/pools', await demo.call('load-balancer', 'GET', 'lbaas/pools'));
      const pool = ctx.record('GET /v2/lbaas/pools/{id}', await demo.call('load-balancer', 'GET', `lbaas/pools/${f.pool.id}`));
      expect(pool.status).toBe(200);
      expect(pool.body.pool).toMatchObject({
        id: f.pool.id,
        protocol: 'HTTP',
        lb_algorithm: 'ROUND_ROBIN',
        loadbalancers: [{ id: f.loadBalancer.id }],
        healthmonitor_id: expect.any(String),
      });
      const monitor = ctx.record(
        'GET /v2/lbaas/healthmonitors/{id}',
        await demo.call('load-balancer', 'GET', `lbaas/healthmonitors/${pool.body.pool.healthmonitor_id}`),
      );
      expect(monitor.status).toBe(200);
      expect(monitor.body.healthmonitor).toMatchObject({ type: 'HTTP', pools: [{ id: f.pool.id }] });
      const tree = ctx.record(
        'GET /v2/lbaas/loadbalancers/{id}/status',
        await demo.call('load-balancer', 'GET', `lbaas/loadbalancers/${f.loadBalancer.id}/status`),
      );
      expect(tree.status).toBe(200);
      expect(tree.body.statuses.loadbalancer).toMatchObject({ id: f.loadBalancer.id, provisioning_status: 'ACTIVE' });
      const unknown = ctx.record(
        'GET /v2/lbaas/loadbalancers/{unknown}',
        await demo.call('load-balancer', 'GET', 'lbaas/loadbalancers/00000000-0000-4000-8000-000000000000'),
      );
      expect(unknown.status).toBe(404);
      expectFault(unknown.body, /not found/);
    },
  },
  {
    name: 'load-balancer: members create, show, list, update, delete, 404',
    group: GROUP,
    async run(ctx) {
      const f = await fixture(ctx);
      const { demo } = f;
      const members = `lbaas/pools/${f.pool.id}/members`;
      const created = ctx.record(
        'POST /v2/lbaas/pools/{id}/members',
        await demo.call('load-balancer', 'POST', members, {
          body: {
            member: {
              name: ctx.name('member'),
              address: ADDRESSES.single,
              protocol_port: 80,
              subnet_id: f.subnetId,
              tags: ['peak-cloudtest'],
            },
          },
        }),
      );
      expect(created.status).toBe(201);
      const member = created.body.member;
      ctx.defer(() => removeMember(f, member.id));
      expect(member).toMatchObject({
        address: ADDRESSES.single,
        protocol_port: 80,
        subnet_id: f.subnetId,
        weight: 1,
        project_id: demo.projectId,
      });
      expect(['PENDING_CREATE', 'ACTIVE']).toContain(member.provisioning_status);
      await waitForActive(demo, f.loadBalancer.id);
      const shown = ctx.record('GET /v2/lbaas/pools/{id}/members/{id}', await demo.call('load-balancer', 'GET', `${members}/${member.id}`));
      expect(shown.status).toBe(200);
      expect(shown.body.member).toMatchObject({ id: member.id, provisioning_status: 'ACTIVE', tags: ['peak-cloudtest'] });
      const listed = ctx.record('GET /v2/lbaas/pools/{id}/members', await demo.call('load-balancer', 'GET', members));
      expect(listed.status).toBe(200);
      expect((listed.body.members as Json[]).map((m) => m.id)).toContain(member.id);
      const updated = ctx.record(
        'PUT /v2/lbaas/pools/{id}/members/{id} (weight 0)',
        await demo.call('load-balancer', 'PUT', `${members}/${member.id}`, { body: { member: { weight: 0 } } }),
      );
      expect(updated.status).toBe(200);
      expect(updated.body.member.weight).toBe(0);
      await waitForActive(demo, f.loadBalancer.id);
      const drained = await demo.call('load-balancer', 'GET', `${members}/${member.id}`);
      expect(drained.body.member).toMatchObject({ weight: 0, provisioning_status: 'ACTIVE' });
      const deleted = ctx.record(
        'DELETE /v2/lbaas/pools/{id}/members/{id}',
        await demo.call('load-balancer', 'DELETE', `${members}/${member.id}`),
      );
      expect(deleted.status).toBe(204);
      const gone = await waitFor(
        `member ${member.id} gone`,
        async () => {
          const response = await demo.call('load-balancer', 'GET', `${members}/${member.id}`);
          return response.status === 404 ? response : undefined;
        },
        60_000,
        200,
      );
      ctx.record('GET /v2/lbaas/pools/{id}/members/{deleted}', gone);
      expectFault(gone.body, /not found/);
      const unknown = ctx.record(
        'GET /v2/lbaas/pools/{id}/members/{unknown}',
        await demo.call('load-balancer', 'GET', `${members}/00000000-0000-4000-8000-000000000000`),
      );
      expect(unknown.status).toBe(404);
      expectFault(unknown.body, /^Member 00000000-0000-4000-8000-000000000000 not found\.$/);
      await waitForActive(demo, f.loadBalancer.id);
    },
  },
  {
    name: 'load-balancer: a write while the load balancer is PENDING_UPDATE is 409 immutable',
    group: GROUP,
    async run(ctx) {
      const f = await fixture(ctx);
      const { demo } = f;
      const members = `lbaas/pools/${f.pool.id}/members`;
      const created = await demo.call('load-balancer', 'POST', members, {
        body: { member: { name: ctx.name('busy'), address: ADDRESSES.single, protocol_port: 80, subnet_id: f.subnetId } },
      });
      expect(created.status).toBe(201);
      const member = created.body.member;
      ctx.defer(() => removeMember(f, member.id));
      // Right after a write the load balancer is PENDING_UPDATE for as long as its amphorae take (the real no-op
      // one: 0.3-5 s); the simulator's would be over in a moment, so it is held there.
      if (ctx.target.holdLoadBalancer) {
        await ctx.target.holdLoadBalancer(f.loadBalancer.id, 30);
        ctx.defer(() => ctx.target.holdLoadBalancer?.(f.loadBalancer.id, 0) ?? Promise.resolve());
      }
      const busy = ctx.record(
        'PUT /v2/lbaas/pools/{id}/members/{id} (load balancer PENDING_UPDATE)',
        await demo.call('load-balancer', 'PUT', `${members}/${member.id}`, { body: { member: { weight: 0 } } }),
      );
      expect(busy.status).toBe(409);
      expectFault(busy.body, new RegExp(`^Pool ${f.pool.id} is immutable and cannot be updated\\.$`));
      await ctx.target.holdLoadBalancer?.(f.loadBalancer.id, 0);
      await waitForActive(demo, f.loadBalancer.id);
      // Nothing changed.
      const shown = await demo.call('load-balancer', 'GET', `${members}/${member.id}`);
      expect(shown.body.member).toMatchObject({ weight: 1, provisioning_status: 'ACTIVE' });
    },
  },
  {
    name: 'load-balancer: batch update with additive_only',
    group: GROUP,
    async run(ctx) {
      const f = await fixture(ctx);
      const { demo } = f;
      const members = `lbaas/pools/${f.pool.id}/members`;
      const before = ((await demo.call('load-balancer', 'GET', members)).body.members as Json[]).map((m) => m.id);
      const batch = ctx.record(
        'PUT /v2/lbaas/pools/{id}/members?additive_only=true',
        await demo.call('load-balancer', 'PUT', `${members}?additive_only=true`, {
          body: {
            members: ADDRESSES.batch.map((address, i) => ({
              name: ctx.name(`batch-${i}`),
              address,
              protocol_port: 80,
              subnet_id: f.subnetId,
              tags: ['peak-cloudtest'],
            })),
          },
        }),
      );
      expect(batch.status).toBe(202);
      expect(batch.text).toBe('');
      const after = await waitFor(
        'the batch applied',
        async () => {
          const listed = (await demo.call('load-balancer', 'GET', members)).body.members as Json[];
          const ours = listed.filter((m) => ADDRESSES.batch.includes(m.address));
          return ours.length === 2 && ours.every((m) => m.provisioning_status === 'ACTIVE') ? listed : undefined;
        },
        60_000,
        200,
      );
      for (const m of after.filter((x: Json) => ADDRESSES.batch.includes(x.address))) ctx.defer(() => removeMember(f, m.id));
      // Additive: whatever the pool had before is still there.
      expect(after.map((m: Json) => m.id)).toEqual(expect.arrayContaining(before));
      await waitForActive(demo, f.loadBalancer.id);
      ctx.record('GET /v2/lbaas/pools/{id}/members (after the batch)', await demo.call('load-balancer', 'GET', members));
    },
  },
];
