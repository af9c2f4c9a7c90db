/** Test helpers: plain HTTP calls to a running simulator, the way an OpenStack client makes them. */

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  /** Nova microversion, sent in both headers. */
  microversion?: string;
  headers?: Record<string, string>;
}

// Loose on purpose: tests index into whatever the simulator answered, and the assertions check it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function call<T = Json>(url: string, method: string, options: CallOptions = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers['X-Auth-Token'] = options.token;
  if (options.microversion) {
    headers['OpenStack-API-Version'] = `compute ${options.microversion}`;
    headers['X-OpenStack-Nova-API-Version'] = options.microversion;
  }
  const response = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T };
}

export function passwordAuth(username: string, project: string, password = 'secret'): unknown {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: username, domain: { id: 'default' }, password } } },
      scope: { project: { name: project, domain: { id: 'default' } } },
    },
  };
}

/** A project-scoped session: the token and a caller bound to the simulator's base URL. */
export interface Session {
  token: string;
  projectId: string;
  userId: string;
  catalog: Json[];
  call<T = Json>(method: string, path: string, options?: Omit<CallOptions, 'token'>): Promise<HttpResult<T>>;
}

export async function login(baseUrl: string, username = 'admin', project = 'admin'): Promise<Session> {
  const response = await call(`${baseUrl}/identity/v3/auth/tokens`, 'POST', { body: passwordAuth(username, project) });
  if (response.status !== 201) throw new Error(`login as ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  const token = response.headers.get('x-subject-token') ?? '';
  return {
    token,
    projectId: response.body.token.project.id,
    userId: response.body.token.user.id,
    catalog: response.body.token.catalog,
    call: (method, path, options = {}) => call(`${baseUrl}${path}`, method, { ...options, token }),
  };
}
