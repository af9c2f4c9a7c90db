import type { ServiceType } from './errors';

/** Minimal structured logger; Nest's Logger, pino or console can be adapted to it in one line each. */
export interface OpenStackLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export const silentLogger: OpenStackLogger = {
  debug: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** One finished HTTP attempt, for metrics and structured logs. Carries no ids from the URL and no bodies. */
export interface RequestEvent {
  service: ServiceType;
  method: string;
  /** e.g. `/servers/{id}`. */
  pathTemplate: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  durationMs: number;
  requestId?: string;
  /** 1 for the first try, 2+ for retries (and the replay after a re-authentication). */
  attempt: number;
  /** Set when the attempt failed without a response or with an error status. */
  fault?: string;
}

export type RequestHook = (event: RequestEvent) => void;

const SECRET_HEADERS = new Set(['x-auth-token', 'x-subject-token', 'authorization', 'cookie', 'set-cookie']);
const SECRET_KEY = /pass(word)?|secret|token|credential|^key$|private/i;

/** Copy of headers safe to log: values of auth headers replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '***' : value;
  }
  return out;
}

/** Deep copy of a JSON-like value with every secret-looking field replaced by `***`. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && (typeof v === 'string' || v === null) ? '***' : redactSecrets(v);
    }
    return out;
  }
  return value;
}
