import type { RunningSimulator } from '@peak/openstack-sim';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCloudConfig } from './config/load-cloud-config';
import { OpenStackError } from './errors';
import { OpenStackClient } from './openstack-client';
import { startCloudShapeProxy, type CloudShapeProxy } from './testing/cloud-shape-proxy';
import { startTestSimulator } from './testing/simulator';

/** What a `clouds.yaml` / `OS_*` configuration changes in the client, against the simulator over real HTTP(S). */
describe(OpenStackClient.name, () => {
  let sim: RunningSimulator;
  let dir: string;

  const simEnv = (authUrl: string): Record<string, string> => ({
    OS_AUTH_URL: authUrl,
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'secret',
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
  });
  const clientOf = (env: Record<string, string>) =>
    OpenStackClient.create(loadCloudConfig({ env, cwd: dir }), { retry: { maxAttempts: 1 }, timeoutMs: 5_000 });

  beforeAll(async () => {
    sim = await startTestSimulator();
    dir = mkdtempSync(join(tmpdir(), 'os-client-'));
  });

  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => sim.control.reset({ keepTokens: false }));

  describe('endpoint overrides', () => {
    let proxy: CloudShapeProxy;
    // A cloud whose catalog sends compute and image to a port nobody listens on: only an override reaches them.
    const deadEnds = (type: string, url: string) =>
      type === 'compute' || type === 'image' ? url.replace(/^http:\/\/[^/]+/, 'http://127.0.0.1:9') : url;

    beforeAll(async () => {
      proxy = await startCloudShapeProxy(sim.url, { catalogUrl: deadEnds });
    });

    afterAll(() => proxy.close());

    it("sends a service's calls to its override instead of the catalog's endpoint", async () => {
      const plain = clientOf(simEnv(proxy.authUrl));
      const sut = clientOf({
        ...simEnv(proxy.authUrl),
        OS_COMPUTE_ENDPOINT_OVERRIDE: `${sim.url}/compute/v2.1`,
        OS_IMAGE_ENDPOINT_OVERRIDE: `${sim.url}/image`,
      });
      try {
        await expect(plain.compute.listFlavors()).rejects.toMatchObject({ service: 'compute', status: 0, fault: 'ConnectionError' });
        await expect(sut.compute.listFlavors()).resolves.toHaveLength(5);
        await expect(sut.image.listImages()).resolves.not.toHaveLength(0);
      } finally {
        await plain.close();
        await sut.close();
      }
    });

    it('fills the project id of the token into an override, and keeps token issue on the auth URL', async () => {
      await sim.control.configure({ blockStorage: true });
      const sut = clientOf({
        ...simEnv(proxy.authUrl),
        OS_COMPUTE_ENDPOINT_OVERRIDE: `${sim.url}/compute/v2.1/%(project_id)s`,
        OS_VOLUME_ENDPOINT_OVERRIDE: `${sim.url}/volume/v3/$(project_id)s`,
        OS_IDENTITY_ENDPOINT_OVERRIDE: 'http://127.0.0.1:9/identity',
      });
      try {
        await expect(sut.compute.listFlavors()).resolves.toHaveLength(5);
        await expect(sut.blockStorage.listVolumeTypes()).resolves.not.toHaveLength(0);
        const { project } = await sut.identity.serviceToken();
        const paths = (await sim.control.requests()).map((r) => `${r.method} ${r.path}`);
        expect(paths).toContain(`GET /compute/v2.1/${project?.id}/flavors/detail`);
        expect(paths).toContain(`GET /volume/v3/${project?.id}/types`);
        // Identity calls other than authentication go to the identity override.
        const error: unknown = await sut.identity.listTrusts().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OpenStackError);
        expect(error).toMatchObject({ service: 'identity', fault: 'ConnectionError' });
        expect((error as OpenStackError).message).toContain('http://127.0.0.1:9');
      } finally {
        await sut.close();
      }
    });
  });

  it('uses api_timeout as the default per-call timeout, and the timeoutMs option over it', async () => {
    await sim.control.setLatency([{ service: 'compute', path: '/compute/v2.1/flavors/detail', delayMs: 600 }]);
    const env = { ...simEnv(sim.authUrl), OS_API_TIMEOUT: '0.3' };
    const sut = OpenStackClient.create(loadCloudConfig({ env, cwd: dir }));
    const patient = OpenStackClient.create(loadCloudConfig({ env, cwd: dir }), { timeoutMs: 5_000 });
    try {
      await expect(sut.compute.listFlavors()).rejects.toMatchObject({
        service: 'compute',
        fault: 'Timeout',
        message: 'No complete answer from compute within 300 ms',
      });
      await expect(patient.compute.listFlavors()).resolves.toHaveLength(5);
    } finally {
      await sut.close();
      await patient.close();
    }
  });

  describe('mutual TLS', () => {
    let server: HttpsServer;
    let tlsSim: RunningSimulator;
    let authUrl: string;
    const sockets = new Set<Socket>();
    const file = (name: string) => join(dir, name);

    /** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
    function makeCertificates(): void {
      const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
      openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=peak test CA');
      const signed = ['-CA', 'ca.pem', '-CAkey', 'ca.key'];
      openssl(
        'req',
        '-x509',
        ...ec,
        ...signed,
        '-keyout',
        'server.key',
        '-out',
        'server.pem',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      );
      openssl(
        'req',
        '-x509',
        ...ec,
        ...signed,
        '-keyout',
        'client.key',
        '-out',
        'client.pem',
        '-subj',
        '/CN=peak client',
        '-addext',
        'extendedKeyUsage=clientAuth',
      );
      writeFileSync(file('client-with-key.pem'), readFileSync(file('client.pem'), 'utf8') + readFileSync(file('client.key'), 'utf8'));
    }

    /** The simulator behind a TLS front that demands a client certificate signed by the test CA. */
    function forward(req: IncomingMessage, res: ServerResponse): void {
      const target = new URL(tlsSim.url);
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    }

    beforeAll(async () => {
      makeCertificates();
      server = createHttpsServer(
        {
          key: readFileSync(file('server.key')),
          cert: readFileSync(file('server.pem')),
          ca: readFileSync(file('ca.pem')),
          requestCert: true,
          rejectUnauthorized: true,
        },
        forward,
      );
      server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const front = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      tlsSim = await startTestSimulator({ publicUrl: front });
      authUrl = `${front}/identity/v3`;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tlsSim.close();
    });

    it('presents the configured client certificate and key (cert and key in clouds.yaml)', async () => {
      writeFileSync(
        file('clouds.yaml'),
        `clouds:\n  mtls:\n    auth:\n      auth_url: ${authUrl}\n      username: admin\n      password: secret\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n    cacert: ca.pem\n    cert: client.pem\n    key: client.key\n`,
      );
      const sut = OpenStackClient.create(loadCloudConfig({ env: { OS_CLOUD: 'mtls' }, cwd: dir }));
      try {
        expect(sut.config).toMatchObject({
          caCertFile: file('ca.pem'),
          clientCertFile: file('client.pem'),
          clientKeyFile: file('client.key'),
        });
        await expect(sut.compute.listFlavors()).resolves.toHaveLength(5);
        expect(await sut.identity.serviceToken()).toMatchObject({ user: { name: 'admin' } });
      } finally {
        await sut.close();
      }
    });

    it('accepts one file holding both the certificate and its key (OS_CERT alone)', async () => {
      const sut = clientOf({ ...simEnv(authUrl), OS_CACERT: file('ca.pem'), OS_CERT: file('client-with-key.pem') });
      try {
        await expect(sut.network.listNetworks()).resolves.not.toHaveLength(0);
      } finally {
        await sut.close();
      }
    });

    it('is refused by the server without a client certificate', async () => {
      const sut = clientOf({ ...simEnv(authUrl), OS_CACERT: file('ca.pem') });
      try {
        await expect(sut.compute.listFlavors()).rejects.toMatchObject({ service: 'identity', status: 0, fault: 'ConnectionError' });
      } finally {
        await sut.close();
      }
    });
  });
});
