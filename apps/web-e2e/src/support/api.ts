/** Direct calls to the API under test, for setting up data the scenario is not about. */

/** The API and the admin token its direct calls carry (every /v1 route but health and login needs one). */
export interface ApiTarget {
  url: string;
  token: string;
}

export interface CatalogIds {
  imageId: string;
  flavorId: string;
  networkId: string;
}

export async function apiCall<T>(api: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { 'X-Auth-Token': api.token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The simulator's cirros image, the API's managed `standard` flavor and the `private` network. */
export async function catalogIds(api: ApiTarget): Promise<CatalogIds> {
  const [images, flavors, networks] = await Promise.all([
    apiCall<{ id: string; name: string }[]>(api, 'GET', '/v1/images'),
    apiCall<{ id: string; name: string; managed?: string }[]>(api, 'GET', '/v1/flavors'),
    apiCall<{ id: string; name: string }[]>(api, 'GET', '/v1/networks'),
  ]);
  const find = <T extends { name: string }>(list: T[], test: (item: T) => boolean, what: string): T => {
    const item = list.find(test);
    if (!item) throw new Error(`no ${what} in ${JSON.stringify(list.map((i) => i.name))}`);
    return item;
  };
  return {
    imageId: find(images, (i) => i.name.startsWith('cirros'), 'cirros image').id,
    flavorId: find(flavors, (f) => f.managed === 'standard', 'managed standard flavor').id,
    networkId: find(networks, (n) => n.name === 'private', 'private network').id,
  };
}

export interface CreatedSchedule {
  id: string;
  name: string;
}

/**
 * An hour on the tests' clock (Europe/Paris, the browser's zone) about half a day away from when the suite started:
 * a window of up to two hours that starts then is never open while the tests run, whatever the time of day they run
 * at. It is at most 21:00, so such a window ends on its own day and the console shows it as `HH:00 – HH:00` (a
 * window past midnight shows its end with the next day's date); the start is then still 10 hours or more away.
 */
export const QUIET_HOUR = quietHour(
  Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(new Date())),
);

export function quietHour(hourNow: number): number {
  return Math.min((hourNow + 12) % 24, 21);
}

/** `QUIET_HOUR` as the console writes it, e.g. `20:00`. */
export const QUIET_TIME = `${String(QUIET_HOUR).padStart(2, '0')}:00`;

/** A weekday schedule at `QUIET_HOUR` for an hour: nothing happens during the test. */
export function createRecurringSchedule(api: ApiTarget, ids: CatalogIds, name: string): Promise<CreatedSchedule> {
  return apiCall(api, 'POST', '/v1/schedules', {
    name,
    imageId: ids.imageId,
    flavorId: ids.flavorId,
    networkIds: [ids.networkId],
    instanceCount: 1,
    timeZone: 'Europe/Paris',
    leadTimeMinutes: 5,
    window: { type: 'recurring', cron: `0 ${QUIET_HOUR} * * 1-5`, durationMinutes: 60 },
  });
}

/** A token from the API's own login, as the console gets one. */
export async function login(apiUrl: string, user: { username: string; password: string; projectName?: string }): Promise<string> {
  const response = await fetch(`${apiUrl}/v1/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(user),
  });
  const body = (await response.json()) as { token?: string };
  if (response.status !== 201 || !body.token) throw new Error(`login as ${user.username} answered ${response.status}`);
  return body.token;
}

/**
 * Audit records are written once the answer has gone out: waits until the API lists at least `count` records about
 * the target, so a page opened next shows a complete log.
 */
export async function waitForAuditRecords(api: ApiTarget, targetId: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = (await apiCall<{ total: number }>(api, 'GET', `/v1/audit?targetId=${encodeURIComponent(targetId)}`)).total;
    if (seen >= count) return;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  throw new Error(`the audit log has ${seen} records about ${targetId}, not ${count}, after 20 s`);
}
