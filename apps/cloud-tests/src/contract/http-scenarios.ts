import { generateKeyPairSync } from 'node:crypto';
import { type Json, call, joinUrl } from '../support/http';
import { DEMO, passwordAuthBody } from '../support/target';
import { ZED_MAX, deleteServer, imageId, networkId, waitForServer, waitForServerGone } from './helpers';
import { OCTAVIA_SCENARIOS } from './octavia-scenarios';
import type { Scenario } from './scenario';

/**
 * The simulator's fidelity cases over HTTP (libs/openstack-sim `fidelity.spec.ts`, plus the calls the lead captured
 * from the real cloud harness), written once for any target. Each asserts only what holds on every
 * OpenStack; the shapes it records are compared between the simulator and the real cloud by `contract.cloud.ts`.
 */
export const HTTP_SCENARIOS: Scenario[] = [
  {
    name: 'identity: version documents',
    async run(ctx) {
      const root = ctx.record('GET /', await call(ctx.admin.root('identity'), 'GET'));
      expect(root.status).toBe(300);
      const v3 = ctx.record('GET /v3', await call(`${ctx.admin.root('identity')}/v3`, 'GET'));
      expect(v3.status).toBe(200);
      expect(v3.body.version.id).toBe('v3.14');
    },
  },
  {
    name: 'identity: password tokens, validation, errors',
    async run(ctx) {
      const tokens = `${ctx.target.authUrl}/auth/tokens`;
      const issued = ctx.record(
        'POST /v3/auth/tokens (password, project)',
        await call(tokens, 'POST', { body: passwordAuthBody(ctx.target.admin) }),
      );
      expect(issued.status).toBe(201);
      const token = issued.headers.get('x-subject-token') ?? '';
      expect(token).not.toBe('');
      // Without a scope Keystone scopes to the user's default project: demo has one on both targets.
      const unscoped = (passwordAuthBody(DEMO) as Json).auth;
      delete unscoped.scope;
      const noScope = ctx.record('POST /v3/auth/tokens (password, no scope)', await call(tokens, 'POST', { body: { auth: unscoped } }));
      expect(noScope.status).toBe(201);
      expect(noScope.body.token.project.name).toBe('demo');
      const noCatalog = ctx.record(
        'POST /v3/auth/tokens?nocatalog',
        await call(`${tokens}?nocatalog`, 'POST', { body: passwordAuthBody(ctx.target.admin) }),
      );
      expect(noCatalog.body.token.catalog).toBeUndefined();
      const rescoped = ctx.record(
        'POST /v3/auth/tokens (token)',
        await call(tokens, 'POST', {
          body: {
            auth: {
              identity: { methods: ['token'], token: { id: token } },
              scope: { project: { name: ctx.target.admin.project, domain: { name: 'Default' } } },
            },
          },
        }),
      );
      expect(rescoped.status).toBe(201);
      const bad = ctx.record(
        'POST /v3/auth/tokens (wrong password)',
        await call(tokens, 'POST', { body: passwordAuthBody({ ...ctx.target.admin, password: 'wrong' }) }),
      );
      expect(bad.status).toBe(401);
      const validated = ctx.record('GET /v3/auth/tokens', await call(tokens, 'GET', { token, headers: { 'X-Subject-Token': token } }));
      expect(validated.status).toBe(200);
      expect(validated.headers.get('x-subject-token')).toBe(token);
      const invalid = ctx.record(
        'GET /v3/auth/tokens (unknown subject)',
        await call(tokens, 'GET', { token, headers: { 'X-Subject-Token': 'gAAAAABnot-a-token' } }),
      );
      expect(invalid.status).toBe(404);
      ctx.record('HEAD /v3/auth/tokens', await call(tokens, 'HEAD', { token, headers: { 'X-Subject-Token': token } }));
      const noToken = ctx.record('GET /v3/projects (no token)', await call(`${ctx.target.authUrl}/projects`, 'GET'));
      expect(noToken.status).toBe(401);
      const catalog = ctx.record('GET /v3/auth/catalog', await call(`${ctx.target.authUrl}/auth/catalog`, 'GET', { token }));
      expect(catalog.status).toBe(200);
      ctx.record('GET /v3/auth/projects', await call(`${ctx.target.authUrl}/auth/projects`, 'GET', { token }));
      ctx.record('GET /v3/users/{id}', await call(`${ctx.target.authUrl}/users/${noScope.body.token.user.id}`, 'GET', { token }));
      ctx.record('GET /v3/projects/{id}', await call(`${ctx.target.authUrl}/projects/${issued.body.token.project.id}`, 'GET', { token }));
      const revoked = ctx.record('DELETE /v3/auth/tokens', await call(tokens, 'DELETE', { token, headers: { 'X-Subject-Token': token } }));
      expect(revoked.status).toBe(204);
    },
  },
  {
    name: 'identity: application credentials',
    async run(ctx) {
      const { admin } = ctx;
      const name = ctx.name('appcred');
      const created = ctx.record(
        'POST /v3/users/{id}/application_credentials',
        await admin.call('identity', 'POST', `users/${admin.userId}/application_credentials`, {
          // Roles named: on the real Zed Keystone (uwsgi, 4 threads) the token's roles are sometimes mixed with a
          // concurrent request's, and the credential is refused for a role the user does not have.
          body: { application_credential: { name, description: 'contract test', roles: [{ name: 'member' }] } },
        }),
      );
      expect(created.status).toBe(201);
      const credential = created.body.application_credential;
      ctx.defer(() => admin.call('identity', 'DELETE', `users/${admin.userId}/application_credentials/${credential.id}`));
      const tokens = `${ctx.target.authUrl}/auth/tokens`;
      const byId = ctx.record(
        'POST /v3/auth/tokens (application credential id)',
        await call(tokens, 'POST', {
          body: {
            auth: {
              identity: { methods: ['application_credential'], application_credential: { id: credential.id, secret: credential.secret } },
            },
          },
        }),
      );
      expect(byId.status).toBe(201);
      expect(byId.body.token.project.id).toBe(admin.projectId);
      const byName = ctx.record(
        'POST /v3/auth/tokens (application credential name)',
        await call(tokens, 'POST', {
          body: {
            auth: {
              identity: {
                methods: ['application_credential'],
                application_credential: {
                  name,
                  secret: credential.secret,
                  user: { name: ctx.target.admin.username, domain: { name: 'Default' } },
                },
              },
            },
          },
        }),
      );
      expect(byName.status).toBe(201);
      const wrong = ctx.record(
        'POST /v3/auth/tokens (application credential, wrong secret)',
        await call(tokens, 'POST', {
          body: {
            auth: { identity: { methods: ['application_credential'], application_credential: { id: credential.id, secret: 'wrong' } } },
          },
        }),
      );
      expect(wrong.status).toBe(401);
      const listed = ctx.record(
        'GET /v3/users/{id}/application_credentials?name',
        await admin.call('identity', 'GET', `users/${admin.userId}/application_credentials?name=${name}`),
      );
      expect(listed.body.application_credentials).toHaveLength(1);
      ctx.record(
        'GET /v3/users/{id}/application_credentials/{id}',
        await admin.call('identity', 'GET', `users/${admin.userId}/application_credentials/${credential.id}`),
      );
      const duplicate = ctx.record(
        'POST /v3/users/{id}/application_credentials (duplicate name)',
        await admin.call('identity', 'POST', `users/${admin.userId}/application_credentials`, {
          // Roles named for the same reason as above: otherwise Keystone may answer 400 (role not held) before 409.
          body: { application_credential: { name, roles: [{ name: 'member' }] } },
        }),
      );
      expect(duplicate.status).toBe(409);
      const deleted = ctx.record(
        'DELETE /v3/users/{id}/application_credentials/{id}',
        await admin.call('identity', 'DELETE', `users/${admin.userId}/application_credentials/${credential.id}`),
      );
      expect(deleted.status).toBe(204);
      const gone = ctx.record(
        'GET /v3/users/{id}/application_credentials/{id} (deleted)',
        await admin.call('identity', 'GET', `users/${admin.userId}/application_credentials/${credential.id}`),
      );
      expect(gone.status).toBe(404);
    },
  },
  {
    name: 'identity: trusts (delegation to the service user, trust-scoped tokens)',
    async run(ctx) {
      const { admin } = ctx;
      // As the product does it: a project member (trustor) delegates `member` in their project to the service user.
      const demo = await ctx.target.login(DEMO);
      const body = {
        trust: {
          trustor_user_id: demo.userId,
          trustee_user_id: admin.userId,
          project_id: demo.projectId,
          roles: [{ name: 'member' }],
          impersonation: true,
        },
      };
      const created = ctx.record('POST /v3/OS-TRUST/trusts', await demo.call('identity', 'POST', 'OS-TRUST/trusts', { body }));
      expect(created.status).toBe(201);
      const trust = created.body.trust;
      ctx.defer(() => demo.call('identity', 'DELETE', `OS-TRUST/trusts/${trust.id}`));
      expect(trust.impersonation).toBe(true);
      expect(trust.project_id).toBe(demo.projectId);
      const shown = ctx.record('GET /v3/OS-TRUST/trusts/{id} (trustor)', await demo.call('identity', 'GET', `OS-TRUST/trusts/${trust.id}`));
      expect(shown.status).toBe(200);
      // Only the trustor may create a trust for themselves.
      const forSomeoneElse = ctx.record(
        'POST /v3/OS-TRUST/trusts (not the trustor)',
        await admin.call('identity', 'POST', 'OS-TRUST/trusts', { body }),
      );
      expect(forSomeoneElse.status).toBe(403);
      // The trustee authenticates as itself, scoped to the trust: the token acts in the trustor's project, as the trustor.
      const tokens = `${ctx.target.authUrl}/auth/tokens`;
      const scoped = (passwordAuthBody(ctx.target.admin) as Json).auth;
      const trustToken = ctx.record(
        'POST /v3/auth/tokens (password, trust scope)',
        await call(tokens, 'POST', { body: { auth: { identity: scoped.identity, scope: { 'OS-TRUST:trust': { id: trust.id } } } } }),
      );
      expect(trustToken.status).toBe(201);
      expect(trustToken.body.token['OS-TRUST:trust'].id).toBe(trust.id);
      expect(trustToken.body.token.project.id).toBe(demo.projectId);
      expect(trustToken.body.token.user.id).toBe(demo.userId);
      const deleted = ctx.record('DELETE /v3/OS-TRUST/trusts/{id}', await demo.call('identity', 'DELETE', `OS-TRUST/trusts/${trust.id}`));
      expect(deleted.status).toBe(204);
      const gone = ctx.record('GET /v3/OS-TRUST/trusts/{id} (deleted)', await demo.call('identity', 'GET', `OS-TRUST/trusts/${trust.id}`));
      expect(gone.status).toBe(404);
    },
  },
  {
    name: 'compute: version documents and microversion negotiation',
    async run(ctx) {
      const root = ctx.admin.root('compute');
      const versions = ctx.record('GET /', await call(`${root}/`, 'GET'));
      expect(versions.status).toBe(200);
      ctx.record('GET /v2.1 (no token)', await call(`${root}/v2.1`, 'GET'));
      const v21 = ctx.record('GET /v2.1/', await ctx.admin.call('compute', 'GET', '/'));
      expect(v21.body.version.version).toBe(ZED_MAX);
      const tooHigh = ctx.record('2.200 (too high)', await ctx.admin.call('compute', 'GET', 'flavors', { microversion: '2.200' }));
      expect(tooHigh.status).toBe(406);
      const latest = ctx.record('latest', await ctx.admin.call('compute', 'GET', 'flavors', { microversion: 'latest' }));
      expect(latest.headers.get('openstack-api-version')).toBe(`compute ${ZED_MAX}`);
      const legacy = ctx.record(
        'legacy header only',
        await ctx.admin.call('compute', 'GET', 'flavors', { headers: { 'X-OpenStack-Nova-API-Version': '2.60' } }),
      );
      expect(legacy.headers.get('x-openstack-nova-api-version')).toBe('2.60');
      const modern = ctx.record(
        'modern header only',
        await ctx.admin.call('compute', 'GET', 'flavors', { headers: { 'OpenStack-API-Version': 'compute 2.61' } }),
      );
      expect(modern.headers.get('openstack-api-version')).toBe('compute 2.61');
      const malformed = ctx.record('malformed version', await ctx.admin.call('compute', 'GET', 'flavors', { microversion: '2.x' }));
      expect(malformed.status).toBe(400);
      const noToken = ctx.record('GET /servers (no token)', await call(joinUrl(ctx.admin.base('compute'), 'servers'), 'GET'));
      expect(noToken.status).toBe(401);
      const missing = ctx.record('GET /no-such-resource', await ctx.admin.call('compute', 'GET', 'no-such-resource'));
      expect(missing.status).toBe(404);
    },
  },
  {
    name: 'compute: flavors (read)',
    async run(ctx) {
      const { flavorId } = ctx.target.fixtures;
      for (const mv of ['2.1', '2.75', ZED_MAX]) {
        const list = ctx.record(`GET /flavors at ${mv}`, await ctx.admin.call('compute', 'GET', 'flavors', { microversion: mv }));
        expect(list.status).toBe(200);
        ctx.record(`GET /flavors/detail at ${mv}`, await ctx.admin.call('compute', 'GET', 'flavors/detail', { microversion: mv }));
        ctx.record(`GET /flavors/{id} at ${mv}`, await ctx.admin.call('compute', 'GET', `flavors/${flavorId}`, { microversion: mv }));
      }
      const page = ctx.record('GET /flavors?limit=1', await ctx.admin.call('compute', 'GET', 'flavors?limit=1'));
      expect(page.body.flavors).toHaveLength(1);
      expect(page.body.flavors_links[0].rel).toBe('next');
      ctx.record('GET /flavors/detail?is_public=None', await ctx.admin.call('compute', 'GET', 'flavors/detail?is_public=None'));
      ctx.record('GET /flavors/{id}/os-extra_specs', await ctx.admin.call('compute', 'GET', `flavors/${flavorId}/os-extra_specs`));
      const missing = ctx.record('GET /flavors/{unknown}', await ctx.admin.call('compute', 'GET', `flavors/${ctx.name('nope')}`));
      expect(missing.status).toBe(404);
    },
  },
  {
    name: 'compute: flavor create, duplicates, extra specs, delete',
    async run(ctx) {
      const { admin } = ctx;
      const name = ctx.name('flavor');
      const sample = { flavor: { name, ram: 1024, vcpus: 2, disk: 10, id: name, rxtx_factor: 2.0 } };
      const created = ctx.record('POST /flavors at 2.1', await admin.call('compute', 'POST', 'flavors', { body: sample }));
      expect(created.status).toBe(200);
      ctx.defer(() => admin.call('compute', 'DELETE', `flavors/${name}`));
      const dupName = ctx.record(
        'POST /flavors (duplicate name)',
        await admin.call('compute', 'POST', 'flavors', { body: { flavor: { name, ram: 512, vcpus: 1, disk: 1 } } }),
      );
      expect(dupName.status).toBe(409);
      const dupId = ctx.record(
        'POST /flavors (duplicate id)',
        await admin.call('compute', 'POST', 'flavors', { body: { flavor: { name: `${name}-2`, ram: 512, vcpus: 1, disk: 1, id: name } } }),
      );
      expect(dupId.status).toBe(409);
      const auto = ctx.record(
        `POST /flavors at ${ZED_MAX} (description, generated id)`,
        await admin.call('compute', 'POST', 'flavors', {
          microversion: ZED_MAX,
          body: { flavor: { name: `${name}-auto`, ram: 512, vcpus: 1, disk: 1, description: 'contract test' } },
        }),
      );
      expect(auto.status).toBe(200);
      ctx.defer(() => admin.call('compute', 'DELETE', `flavors/${auto.body.flavor.id}`));
      expect(auto.body.flavor.id).toMatch(/^[0-9a-f-]{36}$/);
      const invalid = ctx.record(
        'POST /flavors (missing ram)',
        await admin.call('compute', 'POST', 'flavors', { body: { flavor: { name: `${name}-bad`, vcpus: 1, disk: 1 } } }),
      );
      expect(invalid.status).toBe(400);
      const specs = ctx.record(
        'POST /flavors/{id}/os-extra_specs',
        await admin.call('compute', 'POST', `flavors/${name}/os-extra_specs`, { body: { extra_specs: { 'hw:cpu_policy': 'shared' } } }),
      );
      expect(specs.status).toBe(200);
      ctx.record(
        'GET /flavors/{id}/os-extra_specs/{key}',
        await admin.call('compute', 'GET', `flavors/${name}/os-extra_specs/hw:cpu_policy`),
      );
      ctx.record(
        `GET /flavors/{id} at ${ZED_MAX} (with extra specs)`,
        await admin.call('compute', 'GET', `flavors/${name}`, { microversion: ZED_MAX }),
      );
      const updated = ctx.record(
        `PUT /flavors/{id} at ${ZED_MAX}`,
        await admin.call('compute', 'PUT', `flavors/${name}`, { microversion: ZED_MAX, body: { flavor: { description: 'changed' } } }),
      );
      expect(updated.status).toBe(200);
      const deleted = ctx.record('DELETE /flavors/{id}', await admin.call('compute', 'DELETE', `flavors/${name}`));
      expect(deleted.status).toBe(202);
      const gone = ctx.record('GET /flavors/{id} (deleted)', await admin.call('compute', 'GET', `flavors/${name}`));
      expect(gone.status).toBe(404);
    },
  },
  {
    name: 'compute: limits, quota sets, availability zones',
    async run(ctx) {
      const { admin } = ctx;
      for (const mv of ['2.1', '2.57', ZED_MAX]) {
        const limits = ctx.record(`GET /limits at ${mv}`, await admin.call('compute', 'GET', 'limits', { microversion: mv }));
        expect(limits.body.limits.absolute.maxTotalInstances).toBe(ctx.target.fixtures.instanceQuota);
      }
      for (const mv of ['2.1', ZED_MAX]) {
        ctx.record(
          `GET /os-quota-sets/{project} at ${mv}`,
          await admin.call('compute', 'GET', `os-quota-sets/${admin.projectId}`, { microversion: mv }),
        );
      }
      ctx.record(
        `GET /os-quota-sets/{project}/detail at ${ZED_MAX}`,
        await admin.call('compute', 'GET', `os-quota-sets/${admin.projectId}/detail`, { microversion: ZED_MAX }),
      );
      ctx.record(
        `GET /os-quota-sets/{project}/defaults at ${ZED_MAX}`,
        await admin.call('compute', 'GET', `os-quota-sets/${admin.projectId}/defaults`, { microversion: ZED_MAX }),
      );
      ctx.record('GET /os-availability-zone', await admin.call('compute', 'GET', 'os-availability-zone'));
    },
  },
  {
    name: 'compute: server lifecycle with tags and metadata',
    async run(ctx) {
      const { admin } = ctx;
      const [image, network] = await Promise.all([imageId(ctx), networkId(ctx, ctx.target.fixtures.publicNetwork)]);
      const name = ctx.name('server');
      const tag = ctx.name('tag');
      const created = ctx.record(
        'POST /servers at 2.52 (tags, metadata)',
        await admin.call('compute', 'POST', 'servers', {
          microversion: '2.52',
          body: {
            server: {
              name,
              imageRef: image,
              flavorRef: ctx.target.fixtures.flavorId,
              networks: [{ uuid: network }],
              metadata: { 'peak-schedule': 'contract' },
              tags: ['peak-scheduler', tag],
            },
          },
        }),
      );
      expect(created.status).toBe(202);
      const id = created.body.server.id;
      ctx.defer(() => deleteServer(admin, id));
      const building = ctx.record(
        `GET /servers/{id} at ${ZED_MAX} (BUILD)`,
        await admin.call('compute', 'GET', `servers/${id}`, { microversion: ZED_MAX }),
        // Nova shows a building server's security groups once Neutron has its ports, which may or may not be yet.
        { varying: ['server.security_groups'] },
      );
      expect(building.body.server.status).toBe('BUILD');
      await waitForServer(admin, id, ['ACTIVE']);
      for (const mv of ['2.1', '2.73', ZED_MAX]) {
        const shown = ctx.record(
          `GET /servers/{id} at ${mv} (ACTIVE)`,
          await admin.call('compute', 'GET', `servers/${id}`, { microversion: mv }),
        );
        expect(shown.body.server.status).toBe('ACTIVE');
      }
      const byTag = ctx.record(
        `GET /servers/detail?tags at ${ZED_MAX}`,
        await admin.call('compute', 'GET', `servers/detail?tags=${tag}`, { microversion: ZED_MAX }),
      );
      expect(byTag.body.servers.map((s: Json) => s.id)).toEqual([id]);
      const anyTag = await admin.call('compute', 'GET', `servers/detail?tags-any=${tag},${ctx.name('other')}`, { microversion: ZED_MAX });
      expect(anyTag.body.servers.map((s: Json) => s.id)).toEqual([id]);
      const notTag = await admin.call('compute', 'GET', `servers/detail?not-tags=${tag}&name=${name}`, { microversion: ZED_MAX });
      expect(notTag.body.servers).toEqual([]);
      const oldTags = await admin.call('compute', 'GET', `servers?tags=${ctx.name('other')}&name=${name}`, { microversion: '2.1' });
      // Before 2.26 Nova ignores tag filters.
      expect(oldTags.body.servers.map((s: Json) => s.id)).toEqual([id]);
      ctx.record('GET /servers?name', await admin.call('compute', 'GET', `servers?name=${name}`, { microversion: ZED_MAX }));
      ctx.record('GET /servers/{id}/tags', await admin.call('compute', 'GET', `servers/${id}/tags`, { microversion: ZED_MAX }));
      const added = ctx.record(
        'PUT /servers/{id}/tags/{tag} (new)',
        await admin.call('compute', 'PUT', `servers/${id}/tags/extra`, { microversion: ZED_MAX }),
      );
      expect(added.status).toBe(201);
      const again = ctx.record(
        'PUT /servers/{id}/tags/{tag} (existing)',
        await admin.call('compute', 'PUT', `servers/${id}/tags/extra`, { microversion: ZED_MAX }),
      );
      expect(again.status).toBe(204);
      ctx.record('GET /servers/{id}/tags/{tag}', await admin.call('compute', 'GET', `servers/${id}/tags/extra`, { microversion: ZED_MAX }));
      ctx.record(
        'DELETE /servers/{id}/tags/{tag}',
        await admin.call('compute', 'DELETE', `servers/${id}/tags/extra`, { microversion: ZED_MAX }),
      );
      ctx.record(
        'GET /servers/{id}/tags/{tag} (absent)',
        await admin.call('compute', 'GET', `servers/${id}/tags/extra`, { microversion: ZED_MAX }),
      );
      ctx.record('GET /servers/{id}/metadata', await admin.call('compute', 'GET', `servers/${id}/metadata`));
      ctx.record(
        'POST /servers/{id}/metadata',
        await admin.call('compute', 'POST', `servers/${id}/metadata`, { body: { metadata: { extra: 'yes' } } }),
      );
      ctx.record('GET /servers/{id}/metadata/{key}', await admin.call('compute', 'GET', `servers/${id}/metadata/extra`));
      ctx.record('GET /servers/{id}/ips', await admin.call('compute', 'GET', `servers/${id}/ips`));
      const renamed = ctx.record(
        `PUT /servers/{id} at ${ZED_MAX}`,
        await admin.call('compute', 'PUT', `servers/${id}`, { microversion: ZED_MAX, body: { server: { name: `${name}-renamed` } } }),
      );
      expect(renamed.body.server.name).toBe(`${name}-renamed`);
      const deleted = ctx.record('DELETE /servers/{id}', await admin.call('compute', 'DELETE', `servers/${id}`, { microversion: ZED_MAX }));
      expect(deleted.status).toBe(204);
      // The real Nova's fake driver can finish a delete before the next request arrives; then the deleting state is
      // looked at again on a fresh server (a few tries), so the comparison always sees it.
      let deleting = await admin.call('compute', 'GET', `servers/${id}`, { microversion: ZED_MAX });
      // Under load it can also be seen after its delete ended but before it is gone (task state no longer `deleting`).
      const missedIt = () => deleting.status === 404 || deleting.body?.server?.['OS-EXT-STS:task_state'] !== 'deleting';
      for (let retry = 1; missedIt() && retry <= 3; retry++) {
        console.warn(`${ctx.target.kind}: server ${id} was gone before it could be seen deleting; trying a fresh server (${retry}/3)`);
        const fresh = await admin.call('compute', 'POST', 'servers', {
          body: {
            server: { name: `${name}-deleting`, imageRef: image, flavorRef: ctx.target.fixtures.flavorId, networks: [{ uuid: network }] },
          },
        });
        expect(fresh.status).toBe(202);
        const freshId: string = fresh.body.server.id;
        ctx.defer(() => deleteServer(admin, freshId));
        await waitForServer(admin, freshId, ['ACTIVE']);
        expect((await admin.call('compute', 'DELETE', `servers/${freshId}`)).status).toBe(204);
        deleting = await admin.call('compute', 'GET', `servers/${freshId}`, { microversion: ZED_MAX });
      }
      // Nova shows security groups from the server's ports; the real delete removes the ports while the task state is
      // still `deleting`, so whether the key is there depends on timing (the simulator keeps them until the server goes).
      ctx.record(`GET /servers/{id} at ${ZED_MAX} (deleting)`, deleting, { varying: ['server.security_groups'] });
      expect(deleting.status).toBe(200);
      expect(deleting.body.server['OS-EXT-STS:task_state']).toBe('deleting');
      await waitForServerGone(admin, id);
      const gone = ctx.record(
        'GET /servers/{id} (deleted)',
        await admin.call('compute', 'GET', `servers/${id}`, { microversion: ZED_MAX }),
      );
      expect(gone.status).toBe(404);
      const again404 = ctx.record('DELETE /servers/{id} (deleted)', await admin.call('compute', 'DELETE', `servers/${id}`));
      expect(again404.status).toBe(404);
    },
  },
  {
    name: 'compute: server lists and pages',
    async run(ctx) {
      const { admin } = ctx;
      const [image, network] = await Promise.all([imageId(ctx), networkId(ctx, ctx.target.fixtures.publicNetwork)]);
      const tag = ctx.name('page');
      // Two servers in one request (min_count), so a page of one has a next link.
      const created = ctx.record(
        'POST /servers at 2.1 (min_count 2)',
        await admin.call('compute', 'POST', 'servers', {
          body: {
            server: {
              name: ctx.name('pair'),
              imageRef: image,
              flavorRef: ctx.target.fixtures.flavorId,
              networks: [{ uuid: network }],
              min_count: 2,
            },
          },
        }),
      );
      expect(created.status).toBe(202);
      const pair = await admin.call('compute', 'GET', `servers?name=^${ctx.name('pair')}`, { microversion: ZED_MAX });
      const ids: string[] = pair.body.servers.map((s: Json) => s.id);
      expect(ids).toHaveLength(2);
      for (const id of ids) ctx.defer(() => deleteServer(admin, id));
      await Promise.all(ids.map((id) => waitForServer(admin, id, ['ACTIVE'])));
      for (const id of ids) await admin.call('compute', 'PUT', `servers/${id}/tags/${tag}`, { microversion: ZED_MAX });
      const first = ctx.record(
        `GET /servers?tags&limit=1 at ${ZED_MAX}`,
        await admin.call('compute', 'GET', `servers?tags=${tag}&limit=1`, { microversion: ZED_MAX }),
      );
      expect(first.body.servers).toHaveLength(1);
      const next = new URL(first.body.servers_links[0].href);
      expect(next.searchParams.get('marker')).toBe(first.body.servers[0].id);
      const second = ctx.record(
        `GET /servers/detail?tags&limit=1&marker at ${ZED_MAX}`,
        await admin.call('compute', 'GET', `servers/detail?tags=${tag}&limit=1&marker=${first.body.servers[0].id}`, {
          microversion: ZED_MAX,
        }),
      );
      expect(second.body.servers).toHaveLength(1);
      expect(second.body.servers[0].id).not.toBe(first.body.servers[0].id);
      const last = await admin.call('compute', 'GET', `servers/detail?tags=${tag}&limit=1&marker=${second.body.servers[0].id}`, {
        microversion: ZED_MAX,
      });
      expect(last.body.servers).toEqual([]);
      ctx.record('GET /servers/detail at 2.1 (admin)', await admin.call('compute', 'GET', `servers/detail?tags=${tag}`));
      ctx.record(
        'GET /servers/detail?all_tenants at 2.73',
        await admin.call('compute', 'GET', `servers/detail?all_tenants=True&tags=${tag}`, { microversion: '2.73' }),
      );
      const empty = ctx.record(
        `GET /servers/detail?tags=<none>&limit=1 at ${ZED_MAX}`,
        await admin.call('compute', 'GET', `servers/detail?tags=${ctx.name('none')}&limit=1`, { microversion: ZED_MAX }),
      );
      expect(empty.body).toEqual({ servers: [] });
      const badMarker = ctx.record(
        'GET /servers?marker=<unknown>',
        await admin.call('compute', 'GET', `servers?marker=${ctx.name('nope')}`),
      );
      expect(badMarker.status).toBe(400);
    },
  },
  {
    name: 'compute: server create errors and quota',
    async run(ctx) {
      const { admin } = ctx;
      const [image, network] = await Promise.all([imageId(ctx), networkId(ctx, ctx.target.fixtures.publicNetwork)]);
      const server = (extra: Record<string, unknown>) => ({
        server: {
          name: ctx.name('error'),
          imageRef: image,
          flavorRef: ctx.target.fixtures.flavorId,
          networks: [{ uuid: network }],
          ...extra,
        },
      });
      const post = (label: string, body: unknown, microversion = ZED_MAX) =>
        admin.call('compute', 'POST', 'servers', { microversion, body }).then((r) => ctx.record(label, r));
      expect((await post('unknown image', server({ imageRef: '00000000-0000-0000-0000-000000000000' }))).status).toBe(400);
      expect((await post('unknown flavor', server({ flavorRef: ctx.name('nope') }))).status).toBe(400);
      expect((await post('unknown network', server({ networks: [{ uuid: '00000000-0000-0000-0000-000000000000' }] }))).status).toBe(400);
      const { networks: _dropped, ...withoutNetworks } = server({}).server;
      expect((await post(`no networks at ${ZED_MAX}`, { server: withoutNetworks })).status).toBe(400);
      expect((await post('unknown attribute', server({ colour: 'blue' }))).status).toBe(400);
      expect((await post('tags at 2.1', server({ tags: ['peak'] }), '2.1')).status).toBe(400);
      const quota = ctx.target.fixtures.instanceQuota;
      const over = await post(`over quota (min_count ${quota + 1})`, server({ min_count: quota + 1 }));
      expect(over.status).toBe(403);
      expect(over.body.forbidden.message).toMatch(
        new RegExp(`^Quota exceeded for instances: Requested ${quota + 1}, but already used \\d+ of ${quota} instances$`),
      );
    },
  },
  {
    name: 'image: versions, list, pages, show, errors',
    async run(ctx) {
      const root = ctx.admin.root('image');
      const versions = ctx.record('GET /', await call(`${root}/`, 'GET'));
      expect(versions.status).toBe(300);
      ctx.record('GET /versions', await call(`${root}/versions`, 'GET'));
      const list = ctx.record('GET /v2/images', await ctx.admin.call('image', 'GET', 'images'));
      expect(list.status).toBe(200);
      const page = ctx.record('GET /v2/images?limit=1', await ctx.admin.call('image', 'GET', 'images?limit=1'));
      expect(page.body.images).toHaveLength(1);
      const id = await imageId(ctx);
      ctx.record(
        'GET /v2/images?name',
        await ctx.admin.call('image', 'GET', `images?name=${encodeURIComponent(ctx.target.fixtures.imageName)}`),
      );
      ctx.record(
        'GET /v2/images?visibility=public&status=active',
        await ctx.admin.call('image', 'GET', 'images?visibility=public&status=active'),
      );
      ctx.record('GET /v2/images/{id}', await ctx.admin.call('image', 'GET', `images/${id}`));
      const missing = ctx.record(
        'GET /v2/images/{unknown}',
        await ctx.admin.call('image', 'GET', 'images/00000000-0000-0000-0000-000000000000'),
      );
      expect(missing.status).toBe(404);
      const noToken = ctx.record('GET /v2/images (no token)', await call(`${root}/v2/images`, 'GET'));
      expect(noToken.status).toBe(401);
    },
  },
  {
    name: 'network: versions, networks, subnets, extensions, quotas',
    async run(ctx) {
      const root = ctx.admin.root('network');
      ctx.record('GET /', await call(`${root}/`, 'GET'));
      ctx.record('GET /v2.0', await ctx.admin.call('network', 'GET', ''));
      const list = ctx.record('GET /v2.0/networks', await ctx.admin.call('network', 'GET', 'networks'));
      expect(list.status).toBe(200);
      const named = ctx.record(
        'GET /v2.0/networks?name',
        await ctx.admin.call('network', 'GET', `networks?name=${ctx.target.fixtures.publicNetwork}`),
      );
      expect(named.body.networks).toHaveLength(1);
      const id = named.body.networks[0].id;
      ctx.record('GET /v2.0/networks?router:external=True', await ctx.admin.call('network', 'GET', 'networks?router:external=True'));
      // The first network by id is any of the cloud's; only external ones show `is_default`.
      ctx.record('GET /v2.0/networks?limit=1', await ctx.admin.call('network', 'GET', 'networks?limit=1'), {
        varying: ['networks[].is_default'],
      });
      ctx.record('GET /v2.0/networks?fields', await ctx.admin.call('network', 'GET', 'networks?fields=id&fields=name'));
      ctx.record('GET /v2.0/networks/{id}', await ctx.admin.call('network', 'GET', `networks/${id}`));
      const missing = ctx.record(
        'GET /v2.0/networks/{unknown}',
        await ctx.admin.call('network', 'GET', 'networks/00000000-0000-0000-0000-000000000000'),
      );
      expect(missing.status).toBe(404);
      ctx.record('GET /v2.0/subnets', await ctx.admin.call('network', 'GET', 'subnets'));
      ctx.record('GET /v2.0/subnets/{id}', await ctx.admin.call('network', 'GET', `subnets/${named.body.networks[0].subnets[0]}`));
      ctx.record('GET /v2.0/extensions', await ctx.admin.call('network', 'GET', 'extensions'));
      ctx.record('GET /v2.0/quotas/{project}', await ctx.admin.call('network', 'GET', `quotas/${ctx.admin.projectId}`));
      const noToken = ctx.record('GET /v2.0/networks (no token)', await call(`${root}/v2.0/networks`, 'GET'));
      expect(noToken.status).toBe(401);
    },
  },
  {
    name: 'compute: key pairs and key_name on server create',
    async run(ctx) {
      const { admin } = ctx;
      const name = ctx.name('key');
      // From 2.92 Nova only imports keys: a fresh ed25519 one, in OpenSSH form.
      const imported = ctx.record(
        `POST /os-keypairs at ${ZED_MAX} (import)`,
        await admin.call('compute', 'POST', 'os-keypairs', {
          microversion: ZED_MAX,
          body: { keypair: { name, public_key: ed25519PublicKey() } },
        }),
      );
      expect(imported.status).toBe(201);
      expect(imported.body.keypair).not.toHaveProperty('private_key');
      ctx.defer(() => admin.call('compute', 'DELETE', `os-keypairs/${encodeURIComponent(name)}`));
      const generated = ctx.record(
        `POST /os-keypairs at ${ZED_MAX} (generate)`,
        await admin.call('compute', 'POST', 'os-keypairs', { microversion: ZED_MAX, body: { keypair: { name: ctx.name('gen') } } }),
      );
      expect(generated.status).toBe(400);
      const list = ctx.record(
        `GET /os-keypairs at ${ZED_MAX}`,
        await admin.call('compute', 'GET', 'os-keypairs', { microversion: ZED_MAX }),
      );
      expect(list.body.keypairs.map((k: Json) => k.keypair.name)).toContain(name);
      const shown = ctx.record(
        `GET /os-keypairs/{name} at ${ZED_MAX}`,
        await admin.call('compute', 'GET', `os-keypairs/${encodeURIComponent(name)}`, { microversion: ZED_MAX }),
      );
      expect(shown.body.keypair).toMatchObject({ name, type: 'ssh', fingerprint: imported.body.keypair.fingerprint });
      const duplicate = ctx.record(
        'POST /os-keypairs (duplicate)',
        await admin.call('compute', 'POST', 'os-keypairs', {
          microversion: ZED_MAX,
          body: { keypair: { name, public_key: ed25519PublicKey() } },
        }),
      );
      expect(duplicate.status).toBe(409);
      const [image, network] = await Promise.all([imageId(ctx), networkId(ctx, ctx.target.fixtures.publicNetwork)]);
      const unknownKey = ctx.record(
        'POST /servers (unknown key_name)',
        await admin.call('compute', 'POST', 'servers', {
          microversion: ZED_MAX,
          body: {
            server: {
              name: ctx.name('keyed'),
              imageRef: image,
              flavorRef: ctx.target.fixtures.flavorId,
              networks: [{ uuid: network }],
              key_name: ctx.name('nokey'),
            },
          },
        }),
      );
      expect(unknownKey.status).toBe(400);
      expect(unknownKey.body.badRequest.message).toBe('Invalid key_name provided.');
      const deleted = ctx.record(
        'DELETE /os-keypairs/{name}',
        await admin.call('compute', 'DELETE', `os-keypairs/${encodeURIComponent(name)}`, { microversion: ZED_MAX }),
      );
      expect(deleted.status).toBe(204);
      const gone = ctx.record(
        'GET /os-keypairs/{name} (deleted)',
        await admin.call('compute', 'GET', `os-keypairs/${encodeURIComponent(name)}`, { microversion: ZED_MAX }),
      );
      expect(gone.status).toBe(404);
    },
  },
  {
    name: 'compute: server groups and the group hint',
    async run(ctx) {
      const { admin } = ctx;
      const [image, network] = await Promise.all([imageId(ctx), networkId(ctx, ctx.target.fixtures.publicNetwork)]);
      const createGroup = (label: string, group: Record<string, unknown>, microversion = ZED_MAX) =>
        admin
          .call('compute', 'POST', 'os-server-groups', { microversion, body: { server_group: { name: ctx.name('group'), ...group } } })
          .then((r) => ctx.record(label, r));
      const spread = await createGroup(`POST /os-server-groups at ${ZED_MAX} (rules)`, {
        policy: 'anti-affinity',
        rules: { max_server_per_host: 2 },
      });
      expect(spread.status).toBe(200);
      const spreadId: string = spread.body.server_group.id;
      ctx.defer(() => admin.call('compute', 'DELETE', `os-server-groups/${spreadId}`));
      expect(
        (
          await createGroup('POST /os-server-groups (rules without anti-affinity)', {
            policy: 'affinity',
            rules: { max_server_per_host: 2 },
          })
        ).status,
      ).toBe(400);
      expect((await createGroup('POST /os-server-groups (unknown policy)', { policy: 'spread' })).status).toBe(400);
      const old = await createGroup('POST /os-server-groups at 2.15 (policies)', { policies: ['soft-affinity'] }, '2.15');
      expect(old.status).toBe(200);
      ctx.defer(() => admin.call('compute', 'DELETE', `os-server-groups/${old.body.server_group.id}`));
      ctx.record(`GET /os-server-groups at ${ZED_MAX}`, await admin.call('compute', 'GET', 'os-server-groups', { microversion: ZED_MAX }));
      ctx.record(
        `GET /os-server-groups/{id} at 2.1`,
        await admin.call('compute', 'GET', `os-server-groups/${spreadId}`, { microversion: '2.1' }),
      );

      // A hard anti-affinity group on a cloud with one compute host: the second member finds no host.
      const strict = await createGroup(`POST /os-server-groups at ${ZED_MAX} (anti-affinity)`, { policy: 'anti-affinity' });
      const strictId: string = strict.body.server_group.id;
      ctx.defer(() => admin.call('compute', 'DELETE', `os-server-groups/${strictId}`));
      const member = async (label: string) => {
        const created = ctx.record(
          label,
          await admin.call('compute', 'POST', 'servers', {
            microversion: ZED_MAX,
            body: {
              server: { name: ctx.name('member'), imageRef: image, flavorRef: ctx.target.fixtures.flavorId, networks: [{ uuid: network }] },
              'os:scheduler_hints': { group: strictId },
            },
          }),
        );
        expect(created.status).toBe(202);
        const id: string = created.body.server.id;
        ctx.defer(() => deleteServer(admin, id));
        return id;
      };
      const first = await member('POST /servers (group hint)');
      await waitForServer(admin, first, ['ACTIVE']);
      const shown = ctx.record(
        `GET /servers/{id} at ${ZED_MAX} (in a group)`,
        await admin.call('compute', 'GET', `servers/${first}`, { microversion: ZED_MAX }),
      );
      expect(shown.body.server.server_groups).toEqual([strictId]);
      const second = await member('POST /servers (group hint, no host left)');
      const failed = await waitForServer(admin, second, ['ERROR']);
      expect(failed.fault.message).toMatch(/^No valid host was found/);
      const withMembers = ctx.record(
        `GET /os-server-groups/{id} at ${ZED_MAX} (members)`,
        await admin.call('compute', 'GET', `os-server-groups/${strictId}`, { microversion: ZED_MAX }),
      );
      expect(withMembers.body.server_group.members).toEqual(expect.arrayContaining([first, second]));
      const unknown = ctx.record(
        'POST /servers (unknown group)',
        await admin.call('compute', 'POST', 'servers', {
          microversion: ZED_MAX,
          body: {
            server: { name: ctx.name('member'), imageRef: image, flavorRef: ctx.target.fixtures.flavorId, networks: [{ uuid: network }] },
            'os:scheduler_hints': { group: '00000000-0000-4000-8000-000000000000' },
          },
        }),
      );
      expect(unknown.status).toBe(400);
      await deleteServer(admin, first);
      await deleteServer(admin, second);
      const emptied = await admin.call('compute', 'GET', `os-server-groups/${strictId}`, { microversion: ZED_MAX });
      expect(emptied.body.server_group.members).toEqual([]);
      const deleted = ctx.record('DELETE /os-server-groups/{id}', await admin.call('compute', 'DELETE', `os-server-groups/${spreadId}`));
      expect(deleted.status).toBe(204);
      const gone = ctx.record('GET /os-server-groups/{id} (deleted)', await admin.call('compute', 'GET', `os-server-groups/${spreadId}`));
      expect(gone.status).toBe(404);
    },
  },
  {
    name: 'network: security groups and security_groups on server create',
    async run(ctx) {
      const { admin } = ctx;
      const list = ctx.record(
        'GET /v2.0/security-groups',
        await admin.call('network', 'GET', `security-groups?project_id=${admin.projectId}`),
      );
      expect(list.body.security_groups.map((g: Json) => g.name)).toContain('default');
      const name = ctx.name('sg');
      const created = ctx.record(
        'POST /v2.0/security-groups',
        await admin.call('network', 'POST', 'security-groups', { body: { security_group: { name, description: 'contract test' } } }),
      );
      expect(created.status).toBe(201);
      const id: string = created.body.security_group.id;
      ctx.defer(() => admin.call('network', 'DELETE', `security-groups/${id}`));
      ctx.record('GET /v2.0/security-groups/{id}', await admin.call('network', 'GET', `security-groups/${id}`));
      const byName = ctx.record('GET /v2.0/security-groups?name', await admin.call('network', 'GET', `security-groups?name=${name}`));
      expect(byName.body.security_groups.map((g: Json) => g.id)).toEqual([id]);
      const [image, network] = await Promise.all([imageId(ctx), networkId(ctx, ctx.target.fixtures.publicNetwork)]);
      const missing = ctx.name('nosg');
      const refused = ctx.record(
        'POST /servers (unknown security group)',
        await admin.call('compute', 'POST', 'servers', {
          microversion: ZED_MAX,
          body: {
            server: {
              name: ctx.name('guarded'),
              imageRef: image,
              flavorRef: ctx.target.fixtures.flavorId,
              networks: [{ uuid: network }],
              security_groups: [{ name: missing }],
            },
          },
        }),
      );
      expect(refused.status).toBe(400);
      expect(refused.body.badRequest.message).toBe(`Unable to find security_group with name or id '${missing}'`);
      const deleted = ctx.record('DELETE /v2.0/security-groups/{id}', await admin.call('network', 'DELETE', `security-groups/${id}`));
      expect(deleted.status).toBe(204);
      const gone = ctx.record('GET /v2.0/security-groups/{id} (deleted)', await admin.call('network', 'GET', `security-groups/${id}`));
      expect(gone.status).toBe(404);
    },
  },
  ...OCTAVIA_SCENARIOS,
];

/** A fresh ed25519 public key in OpenSSH form (`ssh-ed25519 <base64 of the key blob>`). */
function ed25519PublicKey(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const sshString = (data: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, data.length]), data]);
  return `ssh-ed25519 ${Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]).toString('base64')} peak-contract`;
}
