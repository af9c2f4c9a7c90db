import { type Json, waitFor } from './http';
import { REAL_CLOUD, type Session, TEST_PREFIX } from './target';

/** The product's members carry this tag (apps/api/src/engine/ownership.ts); the contract's are named with the prefix. */
const OWNER_TAG = 'peak-scheduler';

/**
 * Removes what an earlier, crashed run left on the real cloud: members of the Octavia fixture's pool made by the
 * product (tagged `peak-scheduler`) or by the contract scenarios (named with the test prefix), then servers, flavors,
 * application credentials and users whose names start with the test prefix. Everything the suite creates is named
 * so; nothing else is touched. Returns what it removed, for the log.
 */
export async function sweepLeftovers(admin: Session): Promise<string[]> {
  const removed: string[] = await sweepPoolMembers(admin);
  const servers = await admin.call('compute', 'GET', `servers?all_tenants=True&name=^${TEST_PREFIX}`);
  const ids: string[] = (servers.body.servers as Json[]).map((s) => s.id);
  for (const server of servers.body.servers as Json[]) {
    await admin.call('compute', 'DELETE', `servers/${server.id}`);
    removed.push(`server ${server.name}`);
  }
  const flavors = await admin.call('compute', 'GET', 'flavors?is_public=None');
  for (const flavor of flavors.body.flavors as Json[]) {
    if (!String(flavor.name).startsWith(TEST_PREFIX)) continue;
    await admin.call('compute', 'DELETE', `flavors/${flavor.id}`);
    removed.push(`flavor ${flavor.name}`);
  }
  const credentials = await admin.call('identity', 'GET', `users/${admin.userId}/application_credentials`);
  for (const credential of credentials.body.application_credentials as Json[]) {
    if (!String(credential.name).startsWith(TEST_PREFIX)) continue;
    await admin.call('identity', 'DELETE', `users/${admin.userId}/application_credentials/${credential.id}`);
    removed.push(`application credential ${credential.name}`);
  }
  const users = await admin.call('identity', 'GET', 'users');
  for (const user of users.body.users as Json[]) {
    if (!String(user.name).startsWith(TEST_PREFIX)) continue;
    await admin.call('identity', 'DELETE', `users/${user.id}`);
    removed.push(`user ${user.name}`);
  }
  // Deleted servers still count against the quota until Nova has removed them.
  const deadline = Date.now() + 120_000;
  while (ids.length > 0 && Date.now() < deadline) {
    const left = await Promise.all(
      ids.map(async (id) => ((await admin.call('compute', 'GET', `servers/${id}`)).status === 404 ? undefined : id)),
    );
    ids.splice(0, ids.length, ...left.filter((id): id is string => id !== undefined));
    if (ids.length > 0) await new Promise((r) => setTimeout(r, 1000));
  }
  if (ids.length > 0) throw new Error(`leftover servers still not deleted after 120 s: ${ids.join(', ')}`);
  return removed;
}

/**
 * Members of the harness's `peak-pool` (tools/cloud/octavia/up.sh) that a test made, removed one by one: Octavia takes
 * one write at a time per load balancer, so each waits for it to be ACTIVE. Nothing when Octavia is not in the catalog.
 */
export async function sweepPoolMembers(admin: Session): Promise<string[]> {
  const catalog = admin.body.token.catalog as Json[];
  if (!catalog.some((s) => s.type === 'load-balancer')) return [];
  const pools = await admin.call('load-balancer', 'GET', `lbaas/pools?name=${REAL_CLOUD.fixtures.poolName}`);
  const removed: string[] = [];
  for (const pool of (pools.body.pools ?? []) as Json[]) {
    const lbId = String(pool.loadbalancers[0]?.id);
    const members = ((await admin.call('load-balancer', 'GET', `lbaas/pools/${pool.id}/members`)).body.members ?? []) as Json[];
    const ours = members.filter((m) => (m.tags as string[]).includes(OWNER_TAG) || String(m.name).startsWith(TEST_PREFIX));
    for (const member of ours) {
      await waitForLoadBalancer(admin, lbId);
      const path = `lbaas/pools/${pool.id}/members/${member.id}`;
      const deleted = await admin.call('load-balancer', 'DELETE', path);
      if (deleted.status !== 204 && deleted.status !== 404)
        throw new Error(`DELETE member ${member.id}: ${deleted.status} ${deleted.text}`);
      await waitFor(`member ${member.id} gone`, async () =>
        (await admin.call('load-balancer', 'GET', path)).status === 404 ? true : undefined,
      );
      removed.push(`member ${member.name || member.address} of ${pool.name}`);
    }
    if (ours.length > 0) await waitForLoadBalancer(admin, lbId);
  }
  return removed;
}

function waitForLoadBalancer(admin: Session, id: string): Promise<true> {
  return waitFor(`load balancer ${id} to be ACTIVE`, async () => {
    const response = await admin.call('load-balancer', 'GET', `lbaas/loadbalancers/${id}`);
    return response.body.loadbalancer?.provisioning_status === 'ACTIVE' ? true : undefined;
  });
}
