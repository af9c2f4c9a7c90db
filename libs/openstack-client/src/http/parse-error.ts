import { isObject } from './json';

export interface ParsedFault {
  fault?: string;
  message: string;
  detail?: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const MAX_MESSAGE = 500;

/**
 * Reads an OpenStack error body. The services disagree on the shape:
 * - Nova: `{"itemNotFound": {"code": 404, "message": "..."}}` (the key is the fault name),
 * - Keystone: `{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}`,
 * - Neutron: `{"NeutronError": {"type": "NetworkNotFound", "message": "...", "detail": ""}}`,
 * - Octavia (WSME): `{"faultcode": "Client", "faultstring": "...", "debuginfo": null}` (`Server` for a 5xx),
 * - Glance and webob defaults: plain text or HTML ("404 Not Found\n\nThe resource could not be found.").
 */
export function parseErrorBody(status: number, text: string): ParsedFault {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const body: unknown = JSON.parse(trimmed);
      const parsed = isObject(body) ? faultFromJson(body) : undefined;
      if (parsed) return parsed;
    } catch {
      // Not JSON after all: fall through to the text form.
    }
  }
  const plain = trimmed
    .replace(/<[^>]*>/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  // webob puts "404 Not Found" first and the explanation after it.
  const statusLine = new RegExp(`^${status}\\b`);
  const explanation = plain.filter((line) => !statusLine.test(line)).join(' ');
  const message = explanation || plain.join(' ') || `${status} ${STATUS_TEXT[status] ?? 'Error'}`;
  return { message: truncate(message) };
}

function faultFromJson(body: Record<string, unknown>): ParsedFault | undefined {
  const keys = Object.keys(body);
  if (typeof body['faultstring'] === 'string') {
    return { fault: typeof body['faultcode'] === 'string' ? body['faultcode'] : undefined, message: truncate(body['faultstring']) };
  }
  // {"message": "...", "code": ...} without a wrapper (some proxies and placement-style errors).
  if (typeof body['message'] === 'string' && !keys.some((k) => isObject(body[k]))) {
    return { message: truncate(body['message']) };
  }
  // Placement and newer APIs: {"errors": [{"status": 409, "title": "...", "detail": "..."}]}.
  const errors = body['errors'];
  if (Array.isArray(errors) && isObject(errors[0])) {
    const first = errors[0];
    const message = [first['title'], first['detail']].filter((v) => typeof v === 'string').join(': ');
    return { fault: typeof first['code'] === 'string' ? first['code'] : undefined, message: truncate(message || 'error') };
  }
  for (const key of keys) {
    const inner = body[key];
    if (!isObject(inner)) continue;
    const message =
      typeof inner['message'] === 'string' ? inner['message'] : typeof inner['explanation'] === 'string' ? inner['explanation'] : undefined;
    if (message === undefined) continue;
    const detail = typeof inner['type'] === 'string' ? inner['type'] : typeof inner['title'] === 'string' ? inner['title'] : undefined;
    return { fault: key, message: truncate(message), detail };
  }
  return undefined;
}

function truncate(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
