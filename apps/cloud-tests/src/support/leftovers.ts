import type { Json } from './http';
import { type Session, TEST_PREFIX } from './target';

/**
 * Removes what an earlier, crashed run left on the real cloud: servers, flavors, application credentials and users
 * whose names start with the test prefix. Everything the suite creates is named so; nothing else is touched.
 * Returns what it removed, for the log.
 */
export async function sweepLeftovers(admin: Session): Promise<string[]> {
  const removed: string[] = [];
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
