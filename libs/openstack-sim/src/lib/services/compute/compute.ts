import { type AuthContext, authenticate, requireProject } from '../../auth';
import { isRecord } from '../../behaviour';
import { ApiError, type RequestContext, type SimResponse } from '../../http/exchange';
import { isoMicrosNaive } from '../../http/formats';
import { Router, splitPath } from '../../http/router';
import type { ComputeQuotas } from '../../seed';
import type { Simulation } from '../../simulation';
import type { Project } from '../../state';
import type { ServiceModule } from '../service';
import { type ComputeHandler, invalidInput, malformedBody, novaFaultBody, policyForbidden, requireAdmin, requiredProperty } from './common';
import { registerFlavorRoutes } from './flavors';
import { registerKeypairRoutes } from './keypairs';
import { microversionHeaders, readMicroversion } from './microversion-headers';
import { MIN_MINOR, formatMicroversion, parseMicroversion } from './microversions';
import { registerServerGroupRoutes } from './server-groups';
import { registerServerRoutes } from './servers';
import { COMPUTE_HOST, ComputeLinks, DEFAULT_ZONE, limitsView, quotaDetailView, quotaSetView } from './views';

/** Nova v2.1 at `/compute`: version documents, microversions 2.1–2.96, flavors, servers, limits, quota sets. */
export function computeService(sim: Simulation): ServiceModule {
  const router = computeRoutes();
  return {
    name: 'compute',
    handle: async (ctx, subPath) => handleCompute(router, sim, ctx, subPath),
    renderError: renderComputeError,
  };
}

function computeRoutes(): Router<ComputeHandler> {
  const router = new Router<ComputeHandler>();
  registerFlavorRoutes(router);
  registerServerRoutes(router);
  registerKeypairRoutes(router);
  registerServerGroupRoutes(router);
  return router
    .get('/limits', (call) => {
      const projectId = targetProject(call.ctx.query.get('tenant_id'), call.project.id, call.auth.isAdmin, LIMITS_OTHER_PROJECT);
      const { state } = call.sim;
      const groups = [...state.serverGroups.values()].filter((g) => g.projectId === projectId).length;
      return { status: 200, body: limitsView(state.quotasOf(projectId), state.usageOf(projectId, call.now), call.mv, groups) };
    })
    .get('/os-quota-sets/:project', (call) => {
      const projectId = targetProject(call.params['project'], call.project.id, call.auth.isAdmin);
      return { status: 200, body: { quota_set: quotaSetView(projectId, call.sim.state.quotasOf(projectId), call.mv) } };
    })
    .get('/os-quota-sets/:project/detail', (call) => {
      const projectId = targetProject(call.params['project'], call.project.id, call.auth.isAdmin);
      const { state } = call.sim;
      return {
        status: 200,
        body: { quota_set: quotaDetailView(projectId, state.quotasOf(projectId), state.usageOf(projectId, call.now), call.mv) },
      };
    })
    .get('/os-quota-sets/:project/defaults', (call) => ({
      status: 200,
      body: { quota_set: quotaSetView(call.params['project'], call.sim.state.defaultQuotas, call.mv) },
    }))
    .put('/os-quota-sets/:project', (call) => {
      requireAdmin(call, 'os_compute_api:os-quota-sets:update');
      const input = call.ctx.jsonObject(malformedBody)['quota_set'];
      if (!isRecord(input)) throw requiredProperty('quota_set', input, 'quota_set');
      const changes: Partial<ComputeQuotas> = {};
      for (const [key, value] of Object.entries(input)) {
        if (key === 'force') continue;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < -1) {
          throw invalidInput(`quota_set/${key}`, value, `${JSON.stringify(value)} is less than the minimum of -1`);
        }
        if (key === 'instances' || key === 'cores' || key === 'ram') changes[key] = value;
      }
      call.sim.setQuotas(changes, call.params['project']);
      return { status: 200, body: { quota_set: quotaSetView(undefined, call.sim.state.quotasOf(call.params['project']), call.mv) } };
    })
    .get('/os-availability-zone', () => ({
      status: 200,
      body: { availabilityZoneInfo: [{ zoneName: DEFAULT_ZONE, zoneState: { available: true }, hosts: null }] },
    }))
    .get('/os-availability-zone/detail', (call) => {
      requireAdmin(call, 'os_compute_api:os-availability-zone:detail');
      const service = (name: string) => ({ [name]: { available: true, active: true, updated_at: isoMicrosNaive(call.now) } });
      return {
        status: 200,
        body: {
          availabilityZoneInfo: [
            {
              zoneName: 'internal',
              zoneState: { available: true },
              hosts: { [COMPUTE_HOST]: { ...service('nova-conductor'), ...service('nova-scheduler') } },
            },
            { zoneName: DEFAULT_ZONE, zoneState: { available: true }, hosts: { [COMPUTE_HOST]: service('nova-compute') } },
          ],
        },
      };
    });
}

/**
 * In the order of Nova's WSGI pipeline: the version list (no token, no request id), the v2.1 version document (no
 * token), keystonemiddleware (401 without microversion headers), the URL map (webob's 404 for an unknown path,
 * also without them), the microversion check (400 for a malformed one, none either; 406 echoing the version asked
 * for), then the API method, whose every answer carries the microversion headers.
 */
function handleCompute(router: Router<ComputeHandler>, sim: Simulation, ctx: RequestContext, subPath: string): SimResponse {
  const segments = splitPath(subPath);
  if (segments.length === 0) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return renderComputeError(new ApiError(405, 'Method not allowed'));
    return { status: 200, body: { versions: [v20(ctx), v21(sim, ctx, false)] }, withoutRequestId: true };
  }
  if (segments[0] !== 'v2.1') return webobNotFound();
  if (segments.length === 1) {
    // The version document needs no token, like the rest of Nova's version discovery.
    return versioned(sim, ctx, () => ({ status: 200, body: { version: v21(sim, ctx, true) } }));
  }
  let auth: AuthContext;
  let project: Project;
  try {
    auth = authenticate(sim, ctx);
    project = requireProject(auth, ctx);
  } catch (error) {
    if (error instanceof ApiError) return renderComputeError(error);
    throw error;
  }
  let rest = segments.slice(1);
  // `/v2.1/{project_id}/…` (the legacy catalog form) is accepted when it names the token's project.
  let projectSegment = '';
  if (sim.state.projects.has(rest[0]) || /^[0-9a-f]{32}$/.test(rest[0])) {
    if (rest[0] !== project.id) {
      return versioned(sim, ctx, () => {
        throw new ApiError(400, `Malformed request URL: URL's project_id '${rest[0]}' doesn't match Context's project_id '${project.id}'`);
      });
    }
    projectSegment = `/${rest[0]}`;
    rest = rest.slice(1);
  }
  const match = router.match(ctx.method, `/${rest.join('/')}`);
  if (match.kind === 'not-found') return webobNotFound();
  return versioned(sim, ctx, (mv) => {
    if (match.kind === 'method-not-allowed') throw new ApiError(405, 'The method specified is not allowed for this resource.');
    const now = Date.now();
    const links = new ComputeLinks(`${ctx.baseUrl}/compute`, projectSegment);
    const response = match.handler({
      sim,
      ctx,
      params: match.params,
      auth,
      project,
      mv,
      now,
      view: { mv, isAdmin: auth.isAdmin, links, now },
    });
    return ctx.method === 'HEAD' ? { ...response, body: undefined } : response;
  });
}

function renderComputeError(error: ApiError): SimResponse {
  if (error.options.body !== undefined) return { status: error.status, body: error.options.body, headers: error.options.headers };
  // Nova's own faults (wsgi.Fault) say their charset; keystonemiddleware's and webob's answers above do not.
  return {
    status: error.status,
    body: novaFaultBody(error.status, error.message),
    headers: { 'Content-Type': 'application/json; charset=UTF-8', ...(error.options.headers ?? {}) },
  };
}

/** Runs an API method at the requested microversion and adds the microversion headers to whatever it answers. */
function versioned(sim: Simulation, ctx: RequestContext, method: (mv: number) => SimResponse): SimResponse {
  const requested = readMicroversion(ctx, maxMinor(sim));
  if (requested.kind === 'malformed') return renderComputeError(requested.error);
  if (requested.kind === 'unsupported') {
    const rendered = renderComputeError(requested.error);
    return { ...rendered, headers: { ...microversionHeaders(requested.raw), ...rendered.headers } };
  }
  const version = formatMicroversion(requested.minor);
  let response: SimResponse;
  try {
    response = method(requested.minor);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    response = renderComputeError(error);
  }
  // Nova always names a content type, even for answers without a body.
  const contentType: Record<string, string> = response.body === undefined ? { 'Content-Type': 'application/json' } : {};
  return { ...response, headers: { ...microversionHeaders(version), ...contentType, ...(response.headers ?? {}) } };
}

function maxMinor(sim: Simulation): number {
  return parseMicroversion(sim.behaviour.computeMaxMicroversion);
}

/** Nova's rule for `GET /limits?tenant_id=` naming another project (admin only by default). */
const LIMITS_OTHER_PROJECT = 'os_compute_api:limits:other_project';

/** Which project a limits/quota call is about: another project's only for admins. */
function targetProject(asked: string | null, own: string, isAdmin: boolean, policy = 'os_compute_api:os-quota-sets:show'): string {
  if (asked === null || asked === own) return own;
  if (!isAdmin) throw policyForbidden(policy);
  return asked;
}

function v20(ctx: RequestContext): unknown {
  return {
    id: 'v2.0',
    links: [{ href: `${ctx.baseUrl}/compute/v2/`, rel: 'self' }],
    status: 'DEPRECATED',
    version: '',
    min_version: '',
    updated: '2025-07-04T12:00:00Z',
  };
}

/** The v2.1 entry; `full` is the `GET /v2.1` form (with media types and the docs link), else the root list's. */
function v21(sim: Simulation, ctx: RequestContext, full: boolean): unknown {
  const self = { href: `${ctx.baseUrl}/compute/v2.1/`, rel: 'self' };
  const entry: Record<string, unknown> = {
    id: 'v2.1',
    links: full ? [self, { href: 'http://docs.openstack.org/', rel: 'describedby', type: 'text/html' }] : [self],
    status: 'CURRENT',
    version: formatMicroversion(maxMinor(sim)),
    min_version: formatMicroversion(MIN_MINOR),
    updated: '2013-07-23T11:33:21Z',
  };
  if (full) entry['media-types'] = [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }];
  return entry;
}

/** Nova's URL map answers an unknown path with webob's plain 404, before any API code (or microversion) is involved. */
function webobNotFound(): SimResponse {
  return {
    status: 404,
    body: { message: 'The resource could not be found.<br /><br />\n\n\n', code: '404 Not Found', title: 'Not Found' },
  };
}
