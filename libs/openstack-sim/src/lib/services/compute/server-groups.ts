import { randomUUID } from 'node:crypto';
import { isRecord } from '../../behaviour';
import { ApiError } from '../../http/exchange';
import type { Router } from '../../http/router';
import { type Server, type ServerGroup, serverPhase } from '../../state';
import {
  type ComputeCall,
  type ComputeHandler,
  badRequest,
  invalidInput,
  malformedBody,
  notFound,
  notOfType,
  policyForbidden,
  requireMember,
  requiredProperty,
  unexpectedProperty,
} from './common';
import { MV } from './microversions';
import { FIXED_LIMITS } from './views';

const HARD_POLICIES = ['affinity', 'anti-affinity'] as const;
const SOFT_POLICIES = ['soft-affinity', 'soft-anti-affinity'] as const;

/** `/os-server-groups` of the caller's project: list (admins: `all_projects`), show, create, delete. */
export function registerServerGroupRoutes(router: Router<ComputeHandler>): void {
  router
    .get('/os-server-groups', (call) => {
      const all = call.auth.isAdmin && call.ctx.query.has('all_projects');
      const groups = [...call.sim.state.serverGroups.values()].filter((g) => all || g.projectId === call.project.id);
      return { status: 200, body: { server_groups: groups.map((g) => serverGroupView(call, g)) } };
    })
    .get('/os-server-groups/:id', (call) => ({
      status: 200,
      body: { server_group: serverGroupView(call, findServerGroup(call, 'show')) },
    }))
    .post('/os-server-groups', createServerGroup)
    .delete('/os-server-groups/:id', (call) => {
      requireMember(call, 'os_compute_api:os-server-groups:delete');
      const group = findServerGroup(call, 'delete');
      call.sim.state.serverGroups.delete(group.id);
      for (const id of group.members) {
        const server = call.sim.state.servers.get(id);
        if (server) server.serverGroupId = null;
      }
      return { status: 204 };
    });
}

/** Nova finds a group by id in any project, then checks the policy against the group's project (403, not 404). */
function findServerGroup(call: ComputeCall, action: string): ServerGroup {
  const id = call.params['id'];
  const group = call.sim.state.serverGroups.get(id);
  if (!group) throw notFound(`Instance group ${id} could not be found.`);
  if (group.projectId !== call.project.id && !call.auth.isAdmin) throw policyForbidden(`os_compute_api:os-server-groups:${action}`);
  return group;
}

function createServerGroup(call: ComputeCall) {
  requireMember(call, 'os_compute_api:os-server-groups:create');
  const input = call.ctx.jsonObject(malformedBody)['server_group'];
  if (!isRecord(input)) throw requiredProperty('server_group', input, 'server_group');
  const modern = call.mv >= MV.SERVER_GROUP_POLICY_RULES;
  const allowed = new Set(['name', ...(modern ? ['policy', 'rules'] : ['policies'])]);
  for (const key of Object.keys(input)) if (!allowed.has(key)) throw unexpectedProperty('server_group', input, key);
  const name = input['name'];
  if (name === undefined) throw requiredProperty('server_group', input, 'name');
  if (typeof name !== 'string') throw notOfType('name', name, 'string');
  if (name.length === 0 || name.length > 255 || name.trim() !== name) throw invalidInput('name', name, 'Invalid server group name');

  const policies: readonly string[] = [...HARD_POLICIES, ...(call.mv >= MV.SERVER_GROUP_SOFT_POLICIES ? SOFT_POLICIES : [])];
  const policyList = policies.map((p) => `'${p}'`).join(', ');
  let policy: unknown;
  let rules: Record<string, number> = {};
  if (modern) {
    policy = input['policy'];
    if (policy === undefined) throw requiredProperty('server_group', input, 'policy');
    const rawRules = input['rules'] ?? {};
    if (!isRecord(rawRules)) throw notOfType('rules', rawRules, 'object');
    for (const [key, value] of Object.entries(rawRules)) {
      if (key !== 'max_server_per_host') throw unexpectedProperty('rules', rawRules, key);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw invalidInput('rules/max_server_per_host', value, `${JSON.stringify(value)} is less than the minimum of 1`);
      }
      rules = { max_server_per_host: value };
    }
  } else {
    const list = input['policies'];
    if (list === undefined) throw requiredProperty('server_group', input, 'policies');
    if (!Array.isArray(list)) throw notOfType('policies', list, 'array');
    if (list.length !== 1) throw invalidInput('policies', list, `${JSON.stringify(list)} is not valid: exactly one policy`);
    [policy] = list;
  }
  if (typeof policy !== 'string' || !policies.includes(policy)) {
    throw invalidInput(modern ? 'policy' : 'policies', policy, `${JSON.stringify(policy)} is not one of [${policyList}]`);
  }
  if (policy !== 'anti-affinity' && Object.keys(rules).length > 0) throw badRequest('Only anti-affinity policy supports rules.');
  const own = [...call.sim.state.serverGroups.values()].filter((g) => g.projectId === call.project.id);
  if (own.length >= FIXED_LIMITS.server_groups) throw new ApiError(403, 'Quota exceeded, too many server groups.');

  const group: ServerGroup = {
    id: randomUUID(),
    name,
    policy: policy as ServerGroup['policy'],
    rules,
    members: [],
    projectId: call.project.id,
    userId: call.auth.user.id,
  };
  call.sim.state.serverGroups.set(group.id, group);
  return { status: 200, body: { server_group: serverGroupView(call, group) } };
}

/** The group at the requested microversion; `members` are the servers not deleted (Nova's `_get_not_deleted`). */
export function serverGroupView(call: ComputeCall, g: ServerGroup): Record<string, unknown> {
  const view: Record<string, unknown> = { id: g.id, name: g.name };
  if (call.mv >= MV.SERVER_GROUP_POLICY_RULES) Object.assign(view, { policy: g.policy, rules: { ...g.rules } });
  else Object.assign(view, { policies: [g.policy], metadata: {} });
  view['members'] = liveMembers(call, g).map((s) => s.id);
  if (call.mv >= MV.SERVER_GROUP_OWNER) Object.assign(view, { project_id: g.projectId, user_id: g.userId });
  return view;
}

function liveMembers(call: ComputeCall, g: ServerGroup): Server[] {
  return g.members.flatMap((id) => {
    const server = call.sim.state.liveServer(id, call.now);
    return server && serverPhase(server, call.now) !== 'deleted' ? [server] : [];
  });
}

/**
 * The group a server create asks for in `os:scheduler_hints` (or `OS-SCH-HNT:scheduler_hints`), if any. Nova looks the
 * group up by id in any project; an unknown one is a 400.
 */
export function requestedServerGroup(call: ComputeCall, body: Record<string, unknown>): ServerGroup | undefined {
  for (const key of ['os:scheduler_hints', 'OS-SCH-HNT:scheduler_hints']) {
    const hints = body[key];
    if (hints === undefined) continue;
    if (!isRecord(hints)) throw notOfType(key, hints, 'object');
    const raw = hints['group'];
    if (raw === undefined) continue;
    const id = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    if (typeof id !== 'string' || !/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(id)) {
      throw invalidInput(`${key}/group`, raw, `${JSON.stringify(raw)} is not a 'uuid'`);
    }
    const group = call.sim.state.serverGroups.get(id);
    if (!group) throw badRequest(`Instance group ${id} could not be found.`);
    return group;
  }
  return undefined;
}

/** Nova's `server_group_members` quota, checked on create for the servers asked for. */
export function checkGroupMembersQuota(call: ComputeCall, group: ServerGroup, count: number): void {
  if (liveMembers(call, group).length + count > FIXED_LIMITS.server_group_members) {
    throw new ApiError(403, 'Quota exceeded, too many servers in group');
  }
}

/**
 * Whether the scheduler finds a host for one more member of the group. The simulator has one compute host: hard
 * affinity always fits, hard anti-affinity fits while fewer than `max_server_per_host` (default 1) members that got
 * (or are getting) the host are alive, and the soft policies always fit.
 */
export function groupAdmitsAnother(call: ComputeCall, group: ServerGroup): boolean {
  if (group.policy !== 'anti-affinity') return true;
  const onHost = liveMembers(call, group).filter((s) => s.outcome === 'ACTIVE');
  return onHost.length < (group.rules['max_server_per_host'] ?? 1);
}
