import { type CliResult, errorLine, observeCli, openstackJson, runOpenstack } from '../support/cli';
import type { Json } from '../support/http';
import type { Credentials } from '../support/target';
import { deleteServer } from './helpers';
import type { Scenario, ScenarioContext } from './scenario';

/**
 * The simulator's `openstack` CLI cases (libs/openstack-sim `openstack-cli.spec.ts`), written once for any target:
 * Debian's OSC 6.0 drives the cloud as an operator would. The JSON each command prints and, for failures, its error
 * line are compared between the simulator and the real cloud. Each command starts Python (seconds of CPU): they run
 * one at a time per target, so the two targets together keep two cores busy, not more.
 */
const CLI_LANE = 'openstack CLI';

/** Runs `openstack … -f json` and records it under `label`. Cleanups go over HTTP: each CLI run costs seconds. */
async function cli<T = Json>(ctx: ScenarioContext, label: string, args: string[], credentials?: Credentials): Promise<T> {
  const { result, json } = await openstackJson<T>(ctx.target.osEnv(credentials), args);
  ctx.recordObservation(label, observeCli(result, json, ctx.normalizeText));
  return json;
}

/** Runs a command expected to fail and records its exit code and error line. */
async function cliFailure(ctx: ScenarioContext, label: string, args: string[], credentials?: Credentials): Promise<CliResult> {
  const result = await runOpenstack(ctx.target.osEnv(credentials), args);
  ctx.recordObservation(label, observeCli(result, undefined, ctx.normalizeText));
  return result;
}

export const CLI_SCENARIOS: Scenario[] = [
  {
    name: 'openstack CLI: reading',
    group: CLI_LANE,
    async run(ctx) {
      const token = await cli<Json>(ctx, 'token issue', ['token', 'issue']);
      expect(token.project_id).toBe(ctx.admin.projectId);
      const denied = await cliFailure(ctx, 'token issue (wrong password)', ['token', 'issue'], { ...ctx.target.admin, password: 'wrong' });
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toContain('The request you have made requires authentication. (HTTP 401)');
      const flavors = await cli<Json[]>(ctx, 'flavor list', ['flavor', 'list']);
      expect(flavors.map((f) => f.Name)).toContain(ctx.target.fixtures.flavorName);
      const images = await cli<Json[]>(ctx, 'image list', ['image', 'list']);
      expect(images.map((i) => i.Name)).toContain(ctx.target.fixtures.imageName);
      const networks = await cli<Json[]>(ctx, 'network list', ['network', 'list']);
      expect(networks.map((n) => n.Name)).toEqual(
        expect.arrayContaining([ctx.target.fixtures.publicNetwork, ctx.target.fixtures.privateNetwork]),
      );
      const limits = await cli<{ Name: string; Value: number }[]>(ctx, 'limits show --absolute', ['limits', 'show', '--absolute']);
      expect(Object.fromEntries(limits.map((l) => [l.Name, l.Value]))).toMatchObject({
        maxTotalInstances: ctx.target.fixtures.instanceQuota,
      });
    },
  },
  {
    name: 'openstack CLI: flavor create, then 409 on the same name',
    group: CLI_LANE,
    async run(ctx) {
      const name = ctx.name('cli-flavor');
      const args = ['flavor', 'create', name, '--vcpus', '2', '--ram', '4096', '--disk', '40', '--property', 'hw:cpu_policy=shared'];
      const flavor = await cli<Json>(ctx, 'flavor create', args);
      ctx.defer(() => ctx.admin.call('compute', 'DELETE', `flavors/${flavor.id}`));
      expect(flavor).toMatchObject({ name, vcpus: 2, ram: 4096, disk: 40, 'os-flavor-access:is_public': true });
      expect(flavor.properties).toEqual({ 'hw:cpu_policy': 'shared' });
      const again = await cliFailure(ctx, 'flavor create (same name)', [
        'flavor',
        'create',
        name,
        '--vcpus',
        '1',
        '--ram',
        '512',
        '--disk',
        '1',
      ]);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain(`Flavor with name ${name} already exists.`);
    },
  },
  {
    name: 'openstack CLI: server create --wait, show, list, delete --wait',
    group: CLI_LANE,
    async run(ctx) {
      const name = ctx.name('cli-vm');
      const { imageName, flavorName, publicNetwork } = ctx.target.fixtures;
      const server = await cli<Json>(ctx, 'server create --wait', [
        'server',
        'create',
        '--image',
        imageName,
        '--flavor',
        flavorName,
        '--network',
        publicNetwork,
        '--property',
        'peak=yes',
        '--wait',
        name,
      ]);
      ctx.defer(() => deleteServer(ctx.admin, server.id));
      expect(server).toMatchObject({ name, status: 'ACTIVE', flavor: `${flavorName} (${ctx.target.fixtures.flavorId})` });
      expect(server.addresses[publicNetwork]).toEqual([expect.stringMatching(/^172\.24\.4\.\d+$/)]);
      const shown = await cli<Json>(ctx, 'server show', ['server', 'show', server.id]);
      expect(shown.properties).toEqual({ peak: 'yes' });
      const listed = await cli<Json[]>(ctx, 'server list --name', ['server', 'list', '--name', name]);
      expect(listed.map((s) => s.ID)).toEqual([server.id]);
      const deleted = await runOpenstack(ctx.target.osEnv(), ['server', 'delete', '--wait', server.id]);
      ctx.recordObservation('server delete --wait', observeCli(deleted, undefined, ctx.normalizeText));
      expect(deleted).toMatchObject({ code: 0, stderr: '' });
    },
  },
  {
    name: "openstack CLI: server create over quota fails with Nova's 403",
    group: CLI_LANE,
    async run(ctx) {
      const { imageName, flavorName, publicNetwork, instanceQuota } = ctx.target.fixtures;
      const count = String(instanceQuota + 1);
      const result = await cliFailure(ctx, 'server create --min/--max over quota', [
        'server',
        'create',
        '--image',
        imageName,
        '--flavor',
        flavorName,
        '--network',
        publicNetwork,
        '--min',
        count,
        '--max',
        count,
        ctx.name('too-many'),
      ]);
      expect(result.code).not.toBe(0);
      expect(errorLine(result.stderr)).toBe(
        'Quota exceeded for instances: Requested N, but already used N of N instances (HTTP N) (Request-ID: req-{id})',
      );
    },
  },
  {
    name: 'openstack CLI: server create as a reader (legacy policy defaults)',
    group: CLI_LANE,
    async run(ctx) {
      const reader = await ctx.target.reader();
      const { imageName, flavorName, publicNetwork } = ctx.target.fixtures;
      const name = ctx.name('reader-vm');
      const result = await runOpenstack(ctx.target.osEnv(reader), [
        'server',
        'create',
        '--image',
        imageName,
        '--flavor',
        flavorName,
        '--network',
        publicNetwork,
        name,
        '-f',
        'json',
      ]);
      const json = result.code === 0 ? (JSON.parse(result.stdout) as Json) : undefined;
      if (json) ctx.defer(() => deleteServer(ctx.admin, json.id));
      ctx.recordObservation('server create (reader)', observeCli(result, json, ctx.normalizeText));
      // Zed's policy defaults as shipped (`admin_or_owner`): any role on the project may create servers. The simulator's
      // default, the new defaults, refuses a reader (libs/openstack-sim openstack-cli.spec.ts).
      expect(result).toMatchObject({ code: 0, stderr: '' });
    },
  },
];
