import { startSimulator, stableHexId, type RunningSimulator } from '@peak/openstack-sim';
import { createTestDatabase, startApiProcess, type ApiProcess } from '@peak/testing';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';

const BIN = join(__dirname, '../bin/peak.cjs');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The bundled `peak` binary as users run it, as a child process, against the built API, PostgreSQL and the
 * simulated cloud. `nx run cli:e2e` builds the API and the bundle first.
 */
describe('peak, as a process', () => {
  let sim: RunningSimulator;
  let db: { url: string; drop(): Promise<void> };
  let api: ApiProcess;
  let dir: string;
  let admin: Record<string, string>;
  let bootable: { imageId: string; flavorId: string; networkIds: string[] };
  // Relative to the test's own start and days ahead, so the window never begins while the test runs.
  const startAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 2 * 24 * 3600_000);
  const endAt = new Date(startAt.getTime() + 3600_000);
  const name = 'cli-e2e-exams';
  let id: string;

  function peak(args: string[], env: Record<string, string> = admin): Promise<Result> {
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env, cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      });
    });
  }

  async function ok(args: string[], env?: Record<string, string>): Promise<string> {
    const result = await peak(args, env);
    if (result.code !== 0) throw new Error(`peak ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
    return result.stdout;
  }

  function file(fileName: string, body: unknown): string {
    const path = join(dir, fileName);
    writeFileSync(path, fileName.endsWith('.json') ? JSON.stringify(body) : toYaml(body));
    return path;
  }

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    const adminUrl = process.env['PEAK_TEST_PG_ADMIN_URL'];
    if (!adminUrl) throw new Error('run through jest: the global setup picks the PostgreSQL server');
    db = await createTestDatabase({ adminUrl, embedded: false }, 'cli_e2e');
    const cloud = {
      OS_AUTH_URL: sim.authUrl,
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
    };
    // The webhook receiver of the test listens on 127.0.0.1, over http.
    api = await startApiProcess({
      DATABASE_URL: db.url,
      ...cloud,
      FLAVOR_BOOTSTRAP: 'false',
      LOG_LEVEL: 'warn',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    dir = mkdtempSync(join(tmpdir(), 'peak-cli-e2e-'));
    // Nothing inherited: no OS_* of the developer's shell, no clouds.yaml of their home.
    admin = { PATH: process.env['PATH'] ?? '', HOME: dir, PEAK_URL: api.url, ...cloud };
  });

  afterAll(async () => {
    await api?.stop();
    await sim?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints its version and a completion script', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { version: string };
    expect(await ok(['--version'])).toBe(`${version}\n`);
    expect(await ok(['completion', 'bash'])).toContain('schedule');
  });

  it('lists the catalog', async () => {
    const images = JSON.parse(await ok(['catalog', 'images', '-f', 'json'])) as { ID: string; Name: string }[];
    const flavors = JSON.parse(await ok(['catalog', 'flavors', '-f', 'json'])) as { ID: string; Name: string }[];
    const networks = JSON.parse(await ok(['catalog', 'networks', '-f', 'json'])) as { ID: string; Name: string }[];
    const image = images.find((i) => i.Name.startsWith('cirros'));
    const flavor = flavors.find((f) => f.Name === 'm1.small');
    const network = networks.find((n) => n.Name === 'private');
    expect(image && flavor && network).toBeTruthy();
    bootable = { imageId: image?.ID ?? '', flavorId: flavor?.ID ?? '', networkIds: [network?.ID ?? ''] };
    expect(await ok(['catalog', 'flavors'])).toMatch(/^\| ID +\| Name +\| VCPUs/m);
  });

  it('creates a schedule from a YAML file', async () => {
    const path = file('peak.yaml', {
      name,
      ...bootable,
      instanceCount: 2,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
    });
    const created = JSON.parse(await ok(['schedule', 'create', '--file', path, '--idempotency-key', 'cli-e2e-1', '-f', 'json'])) as {
      id: string;
      name: string;
      instanceCount: number;
    };
    expect(created).toMatchObject({ name, instanceCount: 2 });
    id = created.id;
    // The same key and body is the same schedule again, not a second one.
    const again = JSON.parse(await ok(['schedule', 'create', '--file', path, '--idempotency-key', 'cli-e2e-1', '-f', 'json'])) as {
      id: string;
    };
    expect(again.id).toBe(id);
  });

  it('lists schedules in every format', async () => {
    // Two days out is beyond the API's 60-minute `upcoming` horizon: the schedule is `idle`.
    const table = await ok(['schedule', 'list']);
    expect(table).toMatch(/^\| ID +\| Name +\| State +\| Enabled \| Instances \| Next window +\|$/m);
    expect(table).toMatch(new RegExp(`^\\| ${id} \\| ${name} \\| idle +\\| true +\\| +2 \\| ${startAt.toISOString().slice(0, 16)}`, 'm'));

    const json = JSON.parse(await ok(['schedule', 'list', '-f', 'json'])) as Record<string, unknown>[];
    expect(json).toEqual([{ ID: id, Name: name, State: 'idle', Enabled: true, Instances: 2, 'Next window': expect.any(String) }]);
    expect(new Date(json[0]?.['Next window'] as string).getTime()).toBe(startAt.getTime());

    expect(parseYaml(await ok(['schedule', 'list', '-f', 'yaml']))).toEqual(json);
    expect(await ok(['schedule', 'list', '-f', 'value', '-c', 'ID', '-c', 'Name'])).toBe(`${id} ${name}\n`);
    const csv = (await ok(['schedule', 'list', '-f', 'csv'])).split('\n');
    expect(csv[0]).toBe('"ID","Name","State","Enabled","Instances","Next window"');
    expect(csv[1]).toMatch(new RegExp(`^"${id}","${name}","idle",true,2,"`));

    expect(JSON.parse(await ok(['schedule', 'list', '--long', '-f', 'json']))).toEqual([
      { ...json[0], Project: 'admin', 'Time zone': 'UTC', Window: 'once', 'Latest run': null },
    ]);
    expect(JSON.parse(await ok(['schedule', 'list', '--search', 'no-such', '-f', 'json']))).toEqual([]);
    expect(JSON.parse(await ok(['schedule', 'list', '--disabled', '-f', 'json']))).toEqual([]);
    expect(await ok(['schedule', 'list', '--state', 'idle', '--limit', '1', '-f', 'value', '-c', 'id'])).toBe(`${id}\n`);
  });

  it('shows a schedule by name and by id', async () => {
    const byName = await ok(['schedule', 'show', name]);
    expect(byName).toMatch(/^\| Field +\| Value +\|$/m);
    expect(byName).toMatch(new RegExp(`^\\| id +\\| ${id} +\\|$`, 'm'));
    expect(byName).toMatch(/^\| window +\| type='once', startAt='/m);
    const byId = JSON.parse(await ok(['schedule', 'show', id, '-f', 'json'])) as { name: string; networkIds: string[] };
    expect(byId).toMatchObject({ name, networkIds: bootable.networkIds });
    expect((await peak(['schedule', 'show', 'no-such-schedule'])).code).toBe(4);
  });

  it('changes, disables and enables it', async () => {
    await ok(['schedule', 'set', name, '--instances', '3']);
    expect(await ok(['schedule', 'show', id, '-f', 'value', '-c', 'instanceCount'])).toBe('3\n');
    await ok(['schedule', 'disable', id]);
    expect(await ok(['schedule', 'show', id, '-f', 'value', '-c', 'enabled', '-c', 'state'])).toBe('false\ndisabled\n');
    await ok(['schedule', 'enable', id]);
    expect(await ok(['schedule', 'show', id, '-f', 'value', '-c', 'enabled'])).toBe('true\n');
  });

  it('previews the windows of a file', async () => {
    const path = file('preview.json', {
      name,
      ...bootable,
      instanceCount: 1,
      leadTimeMinutes: 10,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
    });
    const windows = JSON.parse(await ok(['schedule', 'preview', '--file', path, '-f', 'json'])) as Record<string, string>[];
    expect(windows).toHaveLength(1);
    expect(new Date(windows[0]?.['Start'] ?? '').getTime()).toBe(startAt.getTime());
    expect(new Date(windows[0]?.['Provision at'] ?? '').getTime()).toBe(startAt.getTime() - 10 * 60_000);
  });

  it('lists runs (none yet) and says when a run is not there', async () => {
    expect(JSON.parse(await ok(['run', 'list', name, '-f', 'json']))).toEqual([]);
    expect((await peak(['run', 'show', name, '00000000-0000-4000-8000-000000000000'])).code).toBe(4);
  });

  it("lists the audit log of the schedule's changes, filtered, in every format", async () => {
    const records = JSON.parse(await ok(['audit', 'list', '--target', id, '-f', 'json'])) as Record<string, unknown>[];
    // Newest first: the three changes above, after the create.
    expect(records.map((r) => r['Action'])).toEqual(['schedule.enable', 'schedule.disable', 'schedule.update', 'schedule.create']);
    expect(records.every((r) => r['User'] === 'admin' && r['Target'] === id)).toBe(true);
    expect(await ok(['audit', 'list', '--target', id, '--action', 'schedule.create', '-f', 'value', '-c', 'Outcome'])).toBe('201\n');
    expect(await ok(['audit', 'list', '--target', id, '--limit', '1', '-f', 'value', '-c', 'Action'])).toBe('schedule.enable\n');
    expect(JSON.parse(await ok(['audit', 'list', '--target', id, '--from', '2999-01-01T00:00:00Z', '-f', 'json']))).toEqual([]);
  });

  it('compares the planned demand with the quota, a row per resource', async () => {
    const rows = JSON.parse(await ok(['capacity', '--from', startAt.toISOString(), '--to', endAt.toISOString(), '-f', 'json'])) as Record<
      string,
      unknown
    >[];
    expect(rows.map((r) => r['Resource'])).toEqual(['instances', 'vcpus', 'ramMb', 'volumeGb']);
    // The schedule made above wants its 3 VMs in this hour; the simulator's admin project has room for 10.
    expect(rows[0]).toMatchObject({ Limit: 10, 'Peak demand': 3, Fits: true, 'First conflict': null });
    expect((await peak(['capacity', '--from', endAt.toISOString(), '--to', startAt.toISOString()])).code).toBe(5);
  });

  it('authenticates with an application credential, scoped to its project', async () => {
    const appCredential = {
      PATH: admin['PATH'] ?? '',
      HOME: dir,
      PEAK_URL: api.url,
      OS_AUTH_URL: sim.authUrl,
      OS_APPLICATION_CREDENTIAL_ID: stableHexId('application_credential', 'demo-app'),
      OS_APPLICATION_CREDENTIAL_SECRET: 'secret',
    };
    // Project demo has no schedule: the admin project's one is not listed.
    expect(JSON.parse(await ok(['schedule', 'list', '-f', 'json'], appCredential))).toEqual([]);
  });

  it('exits 3 when Keystone refuses the password', async () => {
    const result = await peak(['schedule', 'list'], { ...admin, OS_PASSWORD: 'wrong' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^peak: /);
    // The option wins over the variable.
    expect((await peak(['schedule', 'list', '--os-password', 'wrong'])).code).toBe(3);
  });

  it('exits 5 on an invalid body, naming the field', async () => {
    const path = file('invalid.yaml', {
      name: 'invalid',
      ...bootable,
      instanceCount: 0,
      window: { type: 'once', startAt: startAt.toISOString(), endAt: endAt.toISOString() },
    });
    const result = await peak(['schedule', 'create', '--file', path]);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^peak: .*\(request [^)]+\)$/m);
    expect(result.stderr).toMatch(/^ {2}instanceCount: /m);
  });

  it('exits 2 on a file that is not YAML', async () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'name: [unclosed\n');
    const result = await peak(['schedule', 'create', '--file', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('broken.yaml is not valid YAML or JSON');
  });

  it('manages a webhook: created with its secret shown once, changed, tested with a signed ping, its deliveries listed', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const created = JSON.parse(
        await ok(['webhook', 'create', '--url', url, '--event', 'peak.run.ready,peak.run.failed', '-f', 'json']),
      ) as {
        id: string;
        secret: string;
        eventTypes: string[];
      };
      expect(created.secret).toMatch(/^whsec_/);
      expect(created.eventTypes).toEqual(['peak.run.ready', 'peak.run.failed']);
      expect(await ok(['webhook', 'list', '-f', 'value', '-c', 'ID'])).toBe(`${created.id}\n`);
      expect(await ok(['webhook', 'show', created.id, '-f', 'json'])).not.toContain(created.secret);
      expect(await ok(['webhook', 'set', created.id, '--all-events', '--description', 'ops', '-f', 'value', '-c', 'description'])).toBe(
        'ops\n',
      );

      const ping = JSON.parse(await ok(['webhook', 'test', created.id, '-f', 'json'])) as Record<string, unknown>;
      expect(ping).toMatchObject({ status: 'delivered', statusCode: 200, error: null });
      const [first] = received;
      const id = first?.headers['webhook-id'] as string;
      const timestamp = first?.headers['webhook-timestamp'] as string;
      const expected = createHmac('sha256', Buffer.from(created.secret.slice(6), 'base64'))
        .update(`${id}.${timestamp}.${first?.body ?? ''}`)
        .digest('base64');
      expect(first?.headers['webhook-signature']).toBe(`v1,${expected}`);
      expect(JSON.parse(first?.body ?? '{}')).toMatchObject({ specversion: '1.0', type: 'peak.webhook.ping', id });

      const deliveries = JSON.parse(await ok(['webhook', 'deliveries', created.id, '-f', 'json'])) as Record<string, unknown>[];
      expect(deliveries).toEqual([
        expect.objectContaining({ Event: 'peak.webhook.ping', Status: 'delivered', Attempts: 1, 'Last code': 200 }),
      ]);
      const rotated = JSON.parse(await ok(['webhook', 'rotate-secret', created.id, '-f', 'json'])) as { secret: string };
      expect(rotated.secret).not.toBe(created.secret);

      const refused = await peak(['webhook', 'create', '--url', 'ftp://example.com/']);
      expect(refused.code).toBe(5);
      expect(refused.stderr).toContain('url');
      await ok(['webhook', 'delete', created.id]);
      expect((await peak(['webhook', 'show', created.id])).code).toBe(4);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('deletes it, after which it is not found', async () => {
    await ok(['schedule', 'delete', name]);
    const gone = await peak(['schedule', 'show', id]);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toMatch(/^peak: /);
  });

  it('exits 7 when the API does not answer', async () => {
    const result = await peak(['schedule', 'list', '--peak-url', 'http://127.0.0.1:9', '--peak-token', 'x']);
    expect(result.code).toBe(7);
  });
});
