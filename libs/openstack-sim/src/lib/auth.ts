import { ApiError, type RequestContext } from './http/exchange';
import type { Simulation } from './simulation';
import type { Project, Token, User } from './state';

/** Who is calling, from a valid `X-Auth-Token`. */
export interface AuthContext {
  token: Token;
  user: User;
  project: Project | null;
  roleNames: string[];
  isAdmin: boolean;
}

/** keystonemiddleware's answer to a missing, unknown or expired token, the same in front of every service. */
export function unauthorized(ctx: RequestContext): ApiError {
  return new ApiError(401, 'The request you have made requires authentication.', {
    body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } },
    headers: { 'WWW-Authenticate': `Keystone uri="${ctx.baseUrl}/identity"` },
  });
}

export function resolveToken(sim: Simulation, token: Token): AuthContext | undefined {
  const user = sim.state.users.get(token.userId);
  if (!user) return undefined;
  const project = token.projectId ? (sim.state.projects.get(token.projectId) ?? null) : null;
  if (token.projectId && !project) return undefined;
  const roleNames = token.roleIds.map((id) => sim.state.roles.get(id)?.name).filter((n): n is string => n !== undefined);
  return { token, user, project, roleNames, isAdmin: roleNames.includes('admin') };
}

/** Authenticates a request by its `X-Auth-Token`, as keystonemiddleware does in front of Nova, Glance and Neutron. */
export function authenticate(sim: Simulation, ctx: RequestContext): AuthContext {
  const token = sim.state.validToken(ctx.header('x-auth-token'), Date.now());
  const auth = token && resolveToken(sim, token);
  if (!auth) throw unauthorized(ctx);
  return auth;
}

/** Services act on a project: an unscoped token is not enough. */
export function requireProject(auth: AuthContext, ctx: RequestContext): Project {
  if (!auth.project) throw unauthorized(ctx);
  return auth.project;
}
