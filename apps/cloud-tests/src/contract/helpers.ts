import { type Json, waitFor } from '../support/http';
import type { Session } from '../support/target';
import type { ScenarioContext } from './scenario';

/** The microversion of the real Zed cloud's maximum (and of the simulator as the contract runs it). */
export const ZED_MAX = '2.93';

export async function imageId(ctx: ScenarioContext): Promise<string> {
  const found = await ctx.admin.call('image', 'GET', `images?name=${encodeURIComponent(ctx.target.fixtures.imageName)}`);
  const [image] = found.body.images as Json[];
  if (!image) throw new Error(`image ${ctx.target.fixtures.imageName} not found on the ${ctx.target.kind} target`);
  return image.id;
}

export async function networkId(ctx: ScenarioContext, name: string): Promise<string> {
  const found = await ctx.admin.call('network', 'GET', `networks?name=${encodeURIComponent(name)}`);
  const [network] = found.body.networks as Json[];
  if (!network) throw new Error(`network ${name} not found on the ${ctx.target.kind} target`);
  return network.id;
}

/** Polls a server until its status is one of `statuses` (ERROR fails at once unless asked for). */
export function waitForServer(session: Session, id: string, statuses: string[], timeoutMs = 120_000): Promise<Json> {
  return waitFor(
    `server ${id} to be ${statuses.join('/')}`,
    async () => {
      const response = await session.call('compute', 'GET', `servers/${id}`, { microversion: ZED_MAX });
      if (response.status !== 200) throw new Error(`GET server ${id}: ${response.status} ${response.text}`);
      const { server } = response.body;
      if (statuses.includes(server.status)) return server;
      if (server.status === 'ERROR') throw new Error(`server ${id} went to ERROR: ${JSON.stringify(server.fault)}`);
      return undefined;
    },
    timeoutMs,
    500,
  );
}

export function waitForServerGone(session: Session, id: string, timeoutMs = 120_000): Promise<true> {
  return waitFor(
    `server ${id} to be deleted`,
    async () => ((await session.call('compute', 'GET', `servers/${id}`)).status === 404 ? true : undefined),
    timeoutMs,
    500,
  );
}

/** Deletes a server (if it still exists) and waits until Nova no longer knows it. */
export async function deleteServer(session: Session, id: string): Promise<void> {
  const response = await session.call('compute', 'DELETE', `servers/${id}`);
  if (response.status !== 204 && response.status !== 404) throw new Error(`DELETE server ${id}: ${response.status} ${response.text}`);
  await waitForServerGone(session, id);
}
