import { createClient, createConfig, type Client } from './generated/client';
import {
  PeakApi,
  type AuditRecordDto,
  type ListAuditRecordsData,
  type ListRunsData,
  type ListSchedulesData,
  type RunDto,
  type ScheduleDto,
  type WebhookDeliveryDto,
  type WebhookDto,
} from './generated';
import { asApiError, PeakApiError, PeakConnectionError } from './errors';
import { paginate } from './pagination';

/**
 * Where the client's Keystone token comes from. `getToken()` is asked before each call (cache it); when the API
 * answers 401, `getToken({ rejected })` is asked once more for a new token and the call is repeated with it.
 */
export interface TokenProvider {
  getToken(options?: { rejected?: string }): Promise<string>;
}

export interface PeakClientOptions {
  /** The API's root URL, e.g. `https://peak.example.org` (the operations' paths start with `/v1`). */
  url: string;
  /** A Keystone token, or a provider that can renew it (`keystoneAuth()` from `@peak-scheduler/sdk/openstack`). */
  auth?: string | TokenProvider;
  /** Per-call timeout in milliseconds (default 30,000); a call's own `signal` still applies. */
  timeoutMs?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Sent on every call, e.g. `{ 'User-Agent': 'my-tool/1.0' }` (Node's fetch allows it). */
  headers?: Record<string, string>;
}

type ScheduleQuery = Omit<NonNullable<ListSchedulesData['query']>, 'limit' | 'offset'>;
type RunQuery = Omit<NonNullable<ListRunsData['query']>, 'limit' | 'offset'>;
type AuditQuery = Omit<NonNullable<ListAuditRecordsData['query']>, 'limit' | 'offset'>;

/**
 * Peak Scheduler's API: one method per operation (generated from the OpenAPI document, named by its operation ids:
 * `listSchedules`, `createSchedule`, `previewSchedule`, ...), which resolve to `{ data, request, response }` and throw
 * {@link PeakApiError} on an error status or {@link PeakConnectionError} without an answer; plus iterators over every
 * page of the lists.
 *
 * ```ts
 * const peak = new PeakClient({ url: 'https://peak.example.org', auth: token });
 * const { data } = await peak.createSchedule({ body: { name: 'exams', ... } });
 * for await (const schedule of peak.schedules({ q: 'exam' })) console.log(schedule.name);
 * ```
 */
export class PeakClient extends PeakApi {
  constructor(options: PeakClientOptions) {
    super({ client: createPeakFetchClient(options) });
  }

  /** The generated client underneath (its interceptors, `getConfig()`, or raw `get/post/...` calls). */
  get http(): Client {
    return this.client;
  }

  /** Every schedule the token may see that matches `query`, page by page (`GET /v1/schedules`). */
  schedules(query: ScheduleQuery = {}, pageSize?: number): AsyncGenerator<ScheduleDto> {
    return paginate(async (page) => (await this.listSchedules({ query: { ...query, ...page } })).data, pageSize);
  }

  /** Every run of a schedule, newest first, page by page (`GET /v1/schedules/{id}/runs`). */
  runs(scheduleId: string, query: RunQuery = {}, pageSize?: number): AsyncGenerator<RunDto> {
    return paginate(async (page) => (await this.listRuns({ path: { id: scheduleId }, query: { ...query, ...page } })).data, pageSize);
  }

  /** Every audit record the token may read that matches `query`, newest first, page by page (`GET /v1/audit`). */
  auditRecords(query: AuditQuery = {}, pageSize?: number): AsyncGenerator<AuditRecordDto> {
    return paginate(async (page) => (await this.listAuditRecords({ query: { ...query, ...page } })).data, pageSize);
  }

  /** Every webhook the token may see, newest first, page by page (`GET /v1/webhooks`). */
  webhooks(pageSize?: number): AsyncGenerator<WebhookDto> {
    return paginate(async (page) => (await this.listWebhooks({ query: page })).data, pageSize);
  }

  /** Every delivery of a webhook, newest first, with its attempts, page by page (`GET /v1/webhooks/{id}/deliveries`). */
  webhookDeliveries(webhookId: string, pageSize?: number): AsyncGenerator<WebhookDeliveryDto> {
    return paginate(async (page) => (await this.listWebhookDeliveries({ path: { id: webhookId }, query: page })).data, pageSize);
  }
}

function createPeakFetchClient(options: PeakClientOptions): Client {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const provider: TokenProvider | undefined =
    typeof options.auth === 'string' ? { getToken: async () => options.auth as string } : options.auth;

  const send = async (request: Request): Promise<Response> => {
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      return await baseFetch(new Request(request, { signal }));
    } catch (error) {
      throw new PeakConnectionError(request.method, request.url, error);
    }
  };

  const client = createClient(
    createConfig({
      baseUrl: options.url.replace(/\/+$/, ''),
      throwOnError: true,
      headers: options.headers,
      // The API takes the token as X-Auth-Token or as a bearer token: send it once, as X-Auth-Token.
      auth: (scheme) => (scheme.type === 'apiKey' && provider ? provider.getToken() : undefined),
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        const sent = request.headers.get('x-auth-token');
        const again = sent !== null && provider ? request.clone() : undefined;
        const response = await send(request);
        if (response.status !== 401 || !again || !provider || sent === null) return response;
        const fresh = await provider.getToken({ rejected: sent });
        if (fresh === sent) return response;
        again.headers.set('x-auth-token', fresh);
        return send(again);
      },
    }),
  );
  client.interceptors.error.use((error, response, request) => {
    if (error instanceof PeakConnectionError || !response) return error;
    const retryAfter = Number(response.headers.get('retry-after'));
    return new PeakApiError(
      response.status,
      request.method,
      request.url,
      asApiError(error),
      response.headers.get('x-request-id') ?? undefined,
      Number.isFinite(retryAfter) && response.headers.has('retry-after') ? retryAfter : undefined,
    );
  });
  return client;
}
