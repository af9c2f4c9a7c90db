import { ApiError, type SimResponse } from '../../http/exchange';
import type { Project } from '../../state';
import type { ScopedCall } from '../service';
import type { ViewContext } from './views';

/** One authenticated call to `/compute/v2.1/…`. */
export interface ComputeCall extends ScopedCall {
  project: Project;
  /** Microversion minor number (2.N); compared only against the named versions in `MV`. */
  mv: number;
  view: ViewContext;
  now: number;
}

export type ComputeHandler = (call: ComputeCall) => SimResponse;

/** Nova's fault names by status (nova/api/openstack/wsgi.py `Fault._fault_names`); anything else is `computeFault`. */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

export function novaFaultBody(status: number, message: string): Record<string, unknown> {
  return { [FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } };
}

export const badRequest = (message: string) => new ApiError(400, message);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string) => new ApiError(409, message);

/** Nova's JSON-schema validation wording. */
export function invalidInput(field: string, value: unknown, reason: string): ApiError {
  return badRequest(`Invalid input for field/attribute ${field}. Value: ${pyRepr(value)}. ${reason}`);
}

/** Nova's schema refusal of a missing property of `field` (whose value the message shows). */
export function requiredProperty(field: string, value: unknown, property: string): ApiError {
  return invalidInput(field, value, `'${property}' is a required property`);
}

/** Nova's schema refusal of a value of the wrong JSON type; the reason repeats the value as JSON. */
export function notOfType(field: string, value: unknown, type: string): ApiError {
  return invalidInput(field, value, `${JSON.stringify(value)} is not of type '${type}'`);
}

/**
 * Nova's schema refusal of a property the object may not have (at this microversion). Unlike the other refusals it
 * shows the object as JSON rather than as Python prints it.
 */
export function unexpectedProperty(field: string, input: Record<string, unknown>, key: string): ApiError {
  return badRequest(
    `Invalid input for field/attribute ${field}. Value: ${JSON.stringify(input)}. Additional properties are not allowed ('${key}' was unexpected)`,
  );
}

/** Nova's policy refusal. */
export function policyForbidden(rule: string): ApiError {
  return new ApiError(403, `Policy doesn't allow ${rule} to be performed.`);
}

/**
 * Changing a project's servers. New-default policies: it needs `member` (or `admin`); `reader` may only look.
 * Legacy defaults (`admin_or_owner`): any role on the project will do.
 */
export function requireMember(call: ComputeCall, rule: string): void {
  if (call.sim.behaviour.policyDefaults === 'legacy') return;
  if (!call.auth.roleNames.includes('member') && !call.auth.isAdmin) throw policyForbidden(rule);
}

export function requireAdmin(call: ComputeCall, rule: string): void {
  if (!call.auth.isAdmin) throw policyForbidden(rule);
}

export const malformedBody = () => badRequest('Malformed request body');

/**
 * `limit`/`marker` paging as Nova does it: `limit` is capped at 1000 (osapi_max_limit), an unknown marker is a 400,
 * and a `next` link is given when a page is full.
 */
export function paginate<T extends { id: string }>(
  call: ComputeCall,
  items: T[],
  collectionPath: string,
): { page: T[]; links?: { href: string; rel: string }[] } {
  const maxLimit = 1000;
  const rawLimit = call.ctx.query.get('limit');
  let limit = maxLimit;
  if (rawLimit !== null) {
    if (!/^-?\d+$/.test(rawLimit)) throw badRequest('limit param must be an integer');
    limit = Number(rawLimit);
    if (limit < 0) throw badRequest('limit param must be positive');
    limit = Math.min(limit, maxLimit);
  }
  const marker = call.ctx.query.get('marker');
  let start = 0;
  if (marker !== null) {
    const index = items.findIndex((item) => item.id === marker);
    if (index < 0) throw badRequest(`marker [${marker}] not found`);
    start = index + 1;
  }
  const page = items.slice(start, start + limit);
  if (limit === 0 || page.length < limit) return { page };
  const params = new URLSearchParams(call.ctx.query);
  params.set('marker', page[page.length - 1].id);
  return { page, links: [{ href: `${call.view.links.versioned(collectionPath)}?${params.toString()}`, rel: 'next' }] };
}

/** The last path segment of a reference that may be an id or a URL (`flavorRef`, `imageRef`). */
export function refId(ref: string): string {
  const trimmed = ref.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Roughly how Python prints a value in Nova's validation messages. */
function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value)
    .replace(/"/g, "'")
    .replace(/\btrue\b/g, 'True')
    .replace(/\bfalse\b/g, 'False')
    .replace(/\bnull\b/g, 'None');
}
