import { authenticate, requireProject } from '../../auth';
import { ApiError, type RequestContext, type SimResponse } from '../../http/exchange';
import { Router } from '../../http/router';
import type { Simulation } from '../../simulation';
import type { ServiceModule } from '../service';
import {
  type LbCall,
  findHealthMonitor,
  findLoadBalancer,
  findMember,
  findPool,
  octaviaError,
  octaviaFaultBody,
  visibleAll,
} from './common';
import { membersOf } from './health';
import { batchUpdateMembers, createMember, deleteMember, updateMember } from './members';
import { healthMonitorView, loadBalancerView, memberView, poolView, statusTreeView } from './views';

type LbHandler = (call: LbCall) => SimResponse;

/** Zed's Octavia API version (2.26 added `additional_vips`). */
const MAX_LB_VERSION = 'v2.26';

/**
 * Octavia v2 at `/load-balancer` (catalog type `load-balancer`): load balancers, pools and health monitors (read only),
 * the status tree, and pool members (list, show, create, update, delete, batch update). Every member write puts the
 * load balancer `PENDING_UPDATE` for `loadBalancerUpdateDelayMs`; writes meanwhile get Octavia's 409. Off (404) when
 * `loadBalancer` is false.
 */
export function loadBalancerService(sim: Simulation): ServiceModule {
  const router = loadBalancerRoutes();
  return {
    name: 'load-balancer',
    handle: async (ctx, subPath) => handleLoadBalancer(router, sim, ctx, subPath),
    renderError: renderOctaviaError,
  };
}

function loadBalancerRoutes(): Router<LbHandler> {
  return new Router<LbHandler>()
    .get('/v2/lbaas/loadbalancers', (call) =>
      listing(
        call,
        'loadbalancers',
        visibleAll(call, call.sim.state.loadBalancers.values()).map((lb) => loadBalancerView(call.sim, lb, call.now)),
      ),
    )
    .get('/v2/lbaas/loadbalancers/:id', (call) => {
      const lb = findLoadBalancer(call, call.params['id'] ?? '');
      return { status: 200, body: { loadbalancer: loadBalancerView(call.sim, lb, call.now) } };
    })
    .get('/v2/lbaas/loadbalancers/:id/status', (call) => {
      const lb = findLoadBalancer(call, call.params['id'] ?? '');
      return { status: 200, body: statusTreeView(call.sim, lb, call.now) };
    })
    .get('/v2/lbaas/pools', (call) =>
      listing(
        call,
        'pools',
        visibleAll(call, call.sim.state.lbPools.values()).map((pool) => poolView(call.sim, pool, call.now)),
      ),
    )
    .get('/v2/lbaas/pools/:id', (call) => ({
      status: 200,
      body: { pool: poolView(call.sim, findPool(call, call.params['id'] ?? ''), call.now) },
    }))
    .get('/v2/lbaas/pools/:pool/members', (call) => {
      const pool = findPool(call, call.params['pool'] ?? '');
      return listing(
        call,
        'members',
        membersOf(call.sim, pool.id).map((m) => memberView(call.sim, m, call.now)),
      );
    })
    .post('/v2/lbaas/pools/:pool/members', createMember)
    .put('/v2/lbaas/pools/:pool/members', batchUpdateMembers)
    .get('/v2/lbaas/pools/:pool/members/:id', (call) => {
      const member = findMember(call, findPool(call, call.params['pool'] ?? ''), call.params['id'] ?? '');
      return { status: 200, body: { member: memberView(call.sim, member, call.now) } };
    })
    .put('/v2/lbaas/pools/:pool/members/:id', updateMember)
    .delete('/v2/lbaas/pools/:pool/members/:id', deleteMember)
    .get('/v2/lbaas/healthmonitors', (call) =>
      listing(call, 'healthmonitors', visibleAll(call, call.sim.state.healthMonitors.values()).map(healthMonitorView)),
    )
    .get('/v2/lbaas/healthmonitors/:id', (call) => ({
      status: 200,
      body: { healthmonitor: healthMonitorView(findHealthMonitor(call, call.params['id'] ?? '')) },
    }));
}

function handleLoadBalancer(router: Router<LbHandler>, sim: Simulation, ctx: RequestContext, subPath: string): SimResponse {
  try {
    if (!sim.behaviour.loadBalancer) throw octaviaError(404, 'The resource could not be found.');
    if (subPath === '/' || subPath === '') return versions(ctx);
    // Octavia serves the same API under `/v2.0` and `/v2`.
    const path = subPath.replace(/^\/v2\.0(?=\/|$)/, '/v2');
    const match = router.match(ctx.method, path);
    if (match.kind === 'not-found') throw octaviaError(404, 'The resource could not be found.');
    if (match.kind === 'method-not-allowed') throw octaviaError(405, 'The method specified is not allowed for this resource.');
    const auth = authenticate(sim, ctx);
    const project = requireProject(auth, ctx);
    const now = Date.now();
    sim.state.settleLoadBalancers(now);
    const response = match.handler({ sim, ctx, auth, params: match.params, project, now });
    return ctx.method === 'HEAD' ? { ...response, body: undefined } : response;
  } catch (error) {
    if (error instanceof ApiError) return renderOctaviaError(error);
    throw error;
  }
}

function renderOctaviaError(error: ApiError): SimResponse {
  return {
    status: error.status,
    body: error.options.body ?? octaviaFaultBody(error.status, error.message),
    headers: error.options.headers,
  };
}

/** `GET /load-balancer/`: the API versions, answered without authentication. */
function versions(ctx: RequestContext): SimResponse {
  const version = (id: string, status: string, updated: string) => ({
    id,
    status,
    updated,
    links: [{ href: `${ctx.baseUrl}/load-balancer/v2`, rel: 'self' }],
  });
  return {
    status: 200,
    body: { versions: [version('v2.0', 'SUPPORTED', '2016-12-11T00:00:00Z'), version(MAX_LB_VERSION, 'CURRENT', '2022-09-01T00:00:00Z')] },
    withoutRequestId: true,
  };
}

/** Query keys that page rather than filter. */
const PAGING = new Set(['limit', 'marker', 'page_reverse', 'fields', 'sort', 'sort_key', 'sort_dir']);

/**
 * A listing: equality filters on any attribute (`loadbalancer_id` on pools matches their load balancer), then
 * `limit`/`marker` paging. Octavia always sends `<collection>_links`, empty unless there is another page.
 */
function listing(call: LbCall, collection: string, items: Record<string, unknown>[]): SimResponse {
  const { query } = call.ctx;
  const filtered = items.filter((item) =>
    [...new Set(query.keys())]
      .filter((key) => !PAGING.has(key))
      .every((key) => {
        const wanted = query.get(key) ?? '';
        if (key === 'loadbalancer_id' && Array.isArray(item['loadbalancers'])) {
          return (item['loadbalancers'] as { id: string }[]).some((ref) => ref.id === wanted);
        }
        if (!(key in item)) return true;
        const value = item[key];
        return typeof value === 'boolean' ? String(value) === wanted.toLowerCase() : String(value) === wanted;
      }),
  );
  const limitParam = query.get('limit');
  const links: { href: string; rel: string }[] = [];
  let page = filtered;
  if (limitParam !== null) {
    const limit = Number(limitParam);
    if (!Number.isInteger(limit) || limit < 0) throw octaviaError(400, `Invalid input for field/attribute limit. Value: '${limitParam}'.`);
    const marker = query.get('marker');
    const start = marker === null ? 0 : filtered.findIndex((item) => item['id'] === marker) + 1;
    if (marker !== null && start === 0) throw octaviaError(404, `${collection} ${marker} not found.`);
    page = limit > 0 ? filtered.slice(start, start + limit) : filtered.slice(start);
    const last = page[page.length - 1];
    if (limit > 0 && last && start + limit < filtered.length) {
      const next = new URLSearchParams(query);
      next.set('marker', String(last['id']));
      links.push({ href: `${call.ctx.baseUrl}${call.ctx.path}?${next.toString()}`, rel: 'next' });
    }
  }
  return { status: 200, body: { [collection]: page, [`${collection}_links`]: links } };
}
