import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCloudConfig } from './cloud-config';
import { CloudConfigError, loadCloudConfig, normalizeAuthUrl } from './load-cloud-config';

describe(loadCloudConfig.name, () => {
  let root: string;
  let cwd: string;
  let home: string;
  let etc: string;

  const load = (env: Record<string, string>) => loadCloudConfig({ env, cwd, homedir: home, systemConfigDir: etc });
  const write = (dir: string, name: string, text: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), text);
  };
  const loadError = (env: Record<string, string>): CloudConfigError => {
    try {
      load(env);
    } catch (error) {
      if (error instanceof CloudConfigError) return error;
      throw error;
    }
    throw new Error('expected a CloudConfigError');
  };

  const passwordCloud = (name: string, authUrl: string, extra = '') => `
clouds:
  ${name}:
    auth:
      auth_url: ${authUrl}
      username: admin
      password: from-file
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
${extra}`;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'os-config-'));
    cwd = join(root, 'work');
    home = join(root, 'home');
    etc = join(root, 'etc-openstack');
    mkdirSync(cwd, { recursive: true });
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe('OS_* variables alone', () => {
    const openrc = {
      OS_AUTH_URL: 'http://127.0.0.1:5050/v3',
      OS_IDENTITY_API_VERSION: '3',
      OS_USERNAME: 'admin',
      OS_PASSWORD: 'secret',
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'public',
    };

    it('reads an openrc-style password configuration', () => {
      const sut = load(openrc);
      expect(sut).toEqual({
        cloudName: 'envvars',
        source: 'environment',
        auth: {
          type: 'password',
          authUrl: 'http://127.0.0.1:5050/v3',
          username: 'admin',
          userId: undefined,
          password: 'secret',
          userDomainName: 'Default',
          userDomainId: undefined,
          projectName: 'admin',
          projectId: undefined,
          projectDomainName: 'Default',
          projectDomainId: undefined,
        },
        regionName: 'RegionOne',
        interface: 'public',
        caCertFile: undefined,
        verifyTls: true,
        computeApiVersion: undefined,
        clientCertFile: undefined,
        clientKeyFile: undefined,
        apiTimeoutMs: undefined,
        endpointOverrides: {},
      });
    });

    it('reads an application credential', () => {
      const sut = load({
        OS_AUTH_URL: 'https://keystone.example.com:5000',
        OS_AUTH_TYPE: 'v3applicationcredential',
        OS_APPLICATION_CREDENTIAL_ID: 'ac-id',
        OS_APPLICATION_CREDENTIAL_SECRET: 'ac-secret',
      });
      expect(sut.auth).toMatchObject({
        type: 'applicationCredential',
        authUrl: 'https://keystone.example.com:5000/v3',
        applicationCredentialId: 'ac-id',
        applicationCredentialSecret: 'ac-secret',
      });
    });

    it('infers the application credential type from its variables', () => {
      const sut = load({ OS_AUTH_URL: 'http://k/v3', OS_APPLICATION_CREDENTIAL_ID: 'id', OS_APPLICATION_CREDENTIAL_SECRET: 's' });
      expect(sut.auth.type).toBe('applicationCredential');
    });

    it('reads a given token (v3token) with the project to scope it to', () => {
      const sut = load({
        OS_AUTH_URL: 'https://k:5000',
        OS_AUTH_TYPE: 'v3token',
        OS_TOKEN: 'gAAAA-token',
        OS_PROJECT_NAME: 'demo',
        OS_PROJECT_DOMAIN_NAME: 'Default',
      });
      expect(sut.auth).toEqual({
        type: 'token',
        authUrl: 'https://k:5000/v3',
        token: 'gAAAA-token',
        projectName: 'demo',
        projectId: undefined,
        projectDomainName: 'Default',
        projectDomainId: undefined,
      });
      expect(describeCloudConfig(sut)).toBe(
        'cloud envvars (environment): https://k:5000/v3, a given token, project demo, public endpoints',
      );
      expect(describeCloudConfig(sut)).not.toContain('gAAAA-token');
    });

    it('infers the token method from OS_TOKEN without a password, and names what a token login lacks', () => {
      expect(load({ OS_AUTH_URL: 'http://k', OS_TOKEN: 't', OS_PROJECT_ID: 'p1' }).auth).toMatchObject({ type: 'token', projectId: 'p1' });
      expect(load({ OS_AUTH_URL: 'http://k', OS_TOKEN: 't' }).auth).toMatchObject({
        type: 'token',
        projectId: undefined,
        projectName: undefined,
      });
      expect(loadError({ OS_AUTH_URL: 'http://k', OS_AUTH_TYPE: 'token', OS_PROJECT_NAME: 'demo' }).problems).toEqual([
        'OS_TOKEN is missing',
        'OS_PROJECT_DOMAIN_NAME (or OS_PROJECT_DOMAIN_ID) is missing: a project given by name needs its domain',
      ]);
      expect(loadError({ OS_AUTH_URL: 'http://k', OS_AUTH_TYPE: 'v3oidcpassword' }).problems).toContain(
        'OS_AUTH_TYPE is v3oidcpassword: supported are password, v3applicationcredential and v3token',
      );
    });

    it('needs the owner of an application credential given by name', () => {
      const error = loadError({
        OS_AUTH_URL: 'http://k/v3',
        OS_APPLICATION_CREDENTIAL_NAME: 'monitoring',
        OS_APPLICATION_CREDENTIAL_SECRET: 's',
      });
      expect(error.problems).toEqual(['OS_USER_ID (or OS_USERNAME) is missing: an application credential given by name needs its owner']);
    });

    it('accepts project and user ids instead of names, and legacy tenant variables', () => {
      expect(load({ OS_AUTH_URL: 'http://k', OS_USER_ID: 'u1', OS_PASSWORD: 'p', OS_PROJECT_ID: 'p1' }).auth).toMatchObject({
        userId: 'u1',
        projectId: 'p1',
      });
      expect(
        load({ OS_AUTH_URL: 'http://k', OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_TENANT_NAME: 't', OS_DEFAULT_DOMAIN: 'default' }).auth,
      ).toMatchObject({ projectName: 't', userDomainId: 'default', projectDomainId: 'default' });
    });

    it('lists every missing variable by name in one error', () => {
      const error = loadError({ OS_REGION_NAME: 'RegionOne', OS_USERNAME: 'admin' });
      expect(error.problems).toEqual([
        'OS_AUTH_URL is missing',
        'OS_PASSWORD is missing',
        'OS_PROJECT_NAME (or OS_PROJECT_ID) is missing',
        'OS_USER_DOMAIN_NAME (or OS_USER_DOMAIN_ID) is missing: a user given by name needs its domain',
      ]);
      expect(error.message).toContain('OS_AUTH_URL is missing');
      expect(error.message).toContain('OS_PASSWORD is missing');
    });

    it('explains both ways to configure a cloud when nothing is set', () => {
      const error = loadError({ PATH: '/usr/bin' });
      expect(error.message).toMatch(/No OpenStack cloud configured/);
      expect(error.message).toMatch(/OS_CLOUD/);
      expect(error.message).toMatch(/OS_AUTH_URL/);
    });

    it('never puts a secret in its error message', () => {
      const error = loadError({ OS_AUTH_URL: 'http://k/v3', OS_PASSWORD: 'hunter2-secret' });
      expect(error.message).not.toContain('hunter2-secret');
    });

    it('normalizes interfaces, TLS settings and a pinned compute microversion', () => {
      const ca = join(root, 'ca.pem');
      writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
      const sut = load({ ...openrc, OS_INTERFACE: 'internalURL', OS_CACERT: ca, OS_INSECURE: 'true', OS_COMPUTE_API_VERSION: '2.79' });
      expect(sut).toMatchObject({ interface: 'internal', caCertFile: ca, verifyTls: false, computeApiVersion: '2.79' });
    });

    it('reads a client certificate and key, a default timeout and endpoint overrides', () => {
      writeFileSync(join(root, 'client.pem'), '-----BEGIN CERTIFICATE-----\n');
      writeFileSync(join(cwd, 'client.key'), '-----BEGIN PRIVATE KEY-----\n');
      const sut = load({
        ...openrc,
        OS_CERT: join(root, 'client.pem'),
        OS_KEY: 'client.key',
        OS_API_TIMEOUT: '12.5',
        OS_COMPUTE_ENDPOINT_OVERRIDE: 'https://nova.example:8774/v2.1',
        OS_VOLUMEV3_ENDPOINT_OVERRIDE: 'https://cinder.example/v3/$(project_id)s',
      });
      expect(sut).toMatchObject({
        clientCertFile: join(root, 'client.pem'),
        clientKeyFile: join(cwd, 'client.key'),
        apiTimeoutMs: 12_500,
        endpointOverrides: { compute: 'https://nova.example:8774/v2.1', 'block-storage': 'https://cinder.example/v3/$(project_id)s' },
      });
    });

    it('rejects missing certificate files, a key without a certificate, a bad timeout and an override that is no URL', () => {
      const error = loadError({
        ...openrc,
        OS_KEY: '/nonexistent/client.key',
        OS_API_TIMEOUT: 'soon',
        OS_NETWORK_ENDPOINT_OVERRIDE: 'neutron.example:9696',
      });
      expect(error.problems).toEqual([
        'OS_KEY points to /nonexistent/client.key, which does not exist',
        'OS_CERT is missing: OS_KEY is the key of a client certificate',
        'OS_API_TIMEOUT is soon: expected a number of seconds above 0',
        'OS_NETWORK_ENDPOINT_OVERRIDE is neutron.example:9696: expected an http(s) URL',
      ]);
      expect(loadError({ ...openrc, OS_CERT: 'missing.pem', OS_API_TIMEOUT: '0' }).problems).toEqual([
        `OS_CERT points to ${join(cwd, 'missing.pem')}, which does not exist`,
        'OS_API_TIMEOUT is 0: expected a number of seconds above 0',
      ]);
    });

    it('rejects a CA file that does not exist, an unknown interface and Keystone v2', () => {
      const error = loadError({ ...openrc, OS_CACERT: '/nonexistent/ca.pem', OS_INTERFACE: 'private', OS_IDENTITY_API_VERSION: '2' });
      expect(error.problems).toEqual([
        'OS_IDENTITY_API_VERSION is 2: only Keystone v3 is supported',
        'OS_INTERFACE is private: expected public, internal or admin',
        'OS_CACERT points to /nonexistent/ca.pem, which does not exist',
      ]);
    });
  });

  describe('clouds.yaml selected by OS_CLOUD', () => {
    it('reads ./clouds.yaml first', () => {
      write(cwd, 'clouds.yaml', passwordCloud('mycloud', 'http://cwd.example:5000/v3'));
      write(join(home, '.config', 'openstack'), 'clouds.yaml', passwordCloud('mycloud', 'http://home.example:5000/v3'));
      write(etc, 'clouds.yaml', passwordCloud('mycloud', 'http://etc.example:5000/v3'));
      const sut = load({ OS_CLOUD: 'mycloud' });
      expect(sut.auth.authUrl).toBe('http://cwd.example:5000/v3');
      expect(sut.source).toBe(join(cwd, 'clouds.yaml'));
      expect(sut.cloudName).toBe('mycloud');
      expect(sut.regionName).toBe('RegionOne');
    });

    it('then ~/.config/openstack/clouds.yaml, then /etc/openstack/clouds.yaml', () => {
      write(join(home, '.config', 'openstack'), 'clouds.yaml', passwordCloud('mycloud', 'http://home.example:5000/v3'));
      write(etc, 'clouds.yaml', passwordCloud('mycloud', 'http://etc.example:5000/v3'));
      expect(load({ OS_CLOUD: 'mycloud' }).auth.authUrl).toBe('http://home.example:5000/v3');
      rmSync(join(home, '.config', 'openstack', 'clouds.yaml'));
      expect(load({ OS_CLOUD: 'mycloud' }).auth.authUrl).toBe('http://etc.example:5000/v3');
    });

    it('honours OS_CLIENT_CONFIG_FILE before the standard places', () => {
      write(cwd, 'clouds.yaml', passwordCloud('real-admin', 'http://cwd.example/v3'));
      write(root, 'elsewhere.yaml', passwordCloud('real-admin', 'http://127.0.0.1:5050/v3'));
      const sut = load({ OS_CLOUD: 'real-admin', OS_CLIENT_CONFIG_FILE: join(root, 'elsewhere.yaml') });
      expect(sut.auth.authUrl).toBe('http://127.0.0.1:5050/v3');
    });

    it('lets set OS_* variables override the file, field by field', () => {
      write(cwd, 'clouds.yaml', passwordCloud('mycloud', 'http://cwd.example:5000/v3'));
      const sut = load({ OS_CLOUD: 'mycloud', OS_PASSWORD: 'from-env', OS_REGION_NAME: 'RegionTwo', OS_INTERFACE: '' });
      expect(sut.auth).toMatchObject({ password: 'from-env', username: 'admin', projectName: 'admin' });
      expect(sut.regionName).toBe('RegionTwo');
      expect(sut.interface).toBe('public');
    });

    it('uses OS_* alone without OS_CLOUD, and over the file with it', () => {
      write(cwd, 'clouds.yaml', passwordCloud('mycloud', 'http://cwd.example:5000/v3'));
      const env = {
        OS_AUTH_URL: 'http://env.example/v3',
        OS_USERNAME: 'u',
        OS_PASSWORD: 'p',
        OS_PROJECT_ID: 'p1',
        OS_USER_DOMAIN_ID: 'default',
      };
      expect(load(env).auth.authUrl).toBe('http://env.example/v3');
      expect(load({ ...env, OS_CLOUD: 'mycloud' }).auth.authUrl).toBe('http://env.example/v3');
    });

    it('merges secrets from secure.yaml', () => {
      write(
        cwd,
        'clouds.yaml',
        'clouds:\n  prod:\n    auth:\n      auth_url: https://k/v3\n      application_credential_id: ac1\n    auth_type: v3applicationcredential\n    verify: false\n',
      );
      write(
        join(home, '.config', 'openstack'),
        'secure.yaml',
        'clouds:\n  prod:\n    auth:\n      application_credential_secret: s3cr3t\n',
      );
      const sut = load({ OS_CLOUD: 'prod' });
      expect(sut.auth).toEqual({
        type: 'applicationCredential',
        authUrl: 'https://k/v3',
        applicationCredentialId: 'ac1',
        applicationCredentialName: undefined,
        applicationCredentialSecret: 's3cr3t',
        username: undefined,
        userId: undefined,
        userDomainName: undefined,
        userDomainId: undefined,
      });
      expect(sut.verifyTls).toBe(false);
    });

    it('reads cert, key, api_timeout and the per-service endpoint overrides from the cloud entry', () => {
      write(cwd, 'client.pem', '-----BEGIN CERTIFICATE-----\n');
      write(cwd, 'client.key', '-----BEGIN PRIVATE KEY-----\n');
      write(
        cwd,
        'clouds.yaml',
        passwordCloud(
          'mycloud',
          'http://k/v3',
          [
            '    cert: client.pem',
            '    key: client.key',
            '    api_timeout: 45',
            '    compute_endpoint_override: http://nova.internal:8774/v2.1',
            '    identity_endpoint_override: http://keystone.internal:5000',
            '    image_endpoint_override: http://glance.internal:9292',
            '    network_endpoint_override: http://neutron.internal:9696',
            '    block_storage_endpoint_override: http://cinder.internal:8776/v3/%(project_id)s',
            '    volume_endpoint_override: http://ignored.internal',
            '',
          ].join('\n'),
        ),
      );
      const sut = load({ OS_CLOUD: 'mycloud', OS_IMAGE_ENDPOINT_OVERRIDE: 'http://glance.env:9292' });
      expect(sut).toMatchObject({
        clientCertFile: join(cwd, 'client.pem'),
        clientKeyFile: join(cwd, 'client.key'),
        apiTimeoutMs: 45_000,
        endpointOverrides: {
          compute: 'http://nova.internal:8774/v2.1',
          identity: 'http://keystone.internal:5000',
          image: 'http://glance.env:9292',
          network: 'http://neutron.internal:9696',
          'block-storage': 'http://cinder.internal:8776/v3/%(project_id)s',
        },
      });
      write(cwd, 'clouds.yaml', passwordCloud('mycloud', 'http://k/v3', '    key: nowhere.key\n    volume_endpoint_override: cinder\n'));
      expect(loadError({ OS_CLOUD: 'mycloud' }).problems).toEqual([
        `clouds.mycloud.key (or OS_KEY) points to ${join(cwd, 'nowhere.key')}, which does not exist`,
        'clouds.mycloud.cert (or OS_CERT) is missing: clouds.mycloud.key (or OS_KEY) is the key of a client certificate',
        'clouds.mycloud.volume_endpoint_override (or OS_VOLUME_ENDPOINT_OVERRIDE) is cinder: expected an http(s) URL',
      ]);
    });

    it('reads auth_type v3token with auth.token, the token kept in secure.yaml', () => {
      write(
        cwd,
        'clouds.yaml',
        'clouds:\n  tok:\n    auth_type: v3token\n    auth:\n      auth_url: http://k:5000\n      project_id: p1\n',
      );
      write(cwd, 'secure.yaml', 'clouds:\n  tok:\n    auth:\n      token: from-secure\n');
      expect(load({ OS_CLOUD: 'tok' }).auth).toEqual({
        type: 'token',
        authUrl: 'http://k:5000/v3',
        token: 'from-secure',
        projectName: undefined,
        projectId: 'p1',
        projectDomainName: undefined,
        projectDomainId: undefined,
      });
      rmSync(join(cwd, 'secure.yaml'));
      expect(loadError({ OS_CLOUD: 'tok' }).problems).toEqual(['clouds.tok.auth.token (or OS_TOKEN) is missing']);
    });

    it('names the clouds that exist when OS_CLOUD is not one of them', () => {
      write(cwd, 'clouds.yaml', passwordCloud('a', 'http://k/v3') + passwordCloud('b', 'http://k/v3').replace('clouds:\n', ''));
      const error = loadError({ OS_CLOUD: 'c' });
      expect(error.message).toContain('Cloud "c" (OS_CLOUD) is not defined in');
      expect(error.problems).toEqual(['clouds defined there: a, b']);
    });

    it('lists the searched places when there is no clouds.yaml', () => {
      const error = loadError({ OS_CLOUD: 'mycloud' });
      expect(error.message).toContain('OS_CLOUD=mycloud but no clouds.yaml was found');
      expect(error.message).toContain(join(cwd, 'clouds.yaml'));
      expect(error.message).toContain(join(home, '.config', 'openstack', 'clouds.yaml'));
      expect(error.message).toContain(join(etc, 'clouds.yaml'));
    });

    it('names missing keys the clouds.yaml way, with the variable that can supply them', () => {
      write(
        cwd,
        'clouds.yaml',
        'clouds:\n  half:\n    auth:\n      auth_url: http://k/v3\n      username: demo\n      user_domain_name: Default\n',
      );
      const error = loadError({ OS_CLOUD: 'half' });
      expect(error.problems).toEqual([
        'clouds.half.auth.password (or OS_PASSWORD) is missing',
        'clouds.half.auth.project_name (or auth.project_id; or OS_PROJECT_NAME, OS_PROJECT_ID) is missing',
      ]);
    });

    it('reports YAML syntax errors with the file name', () => {
      write(cwd, 'clouds.yaml', 'clouds:\n  bad: [unclosed\n');
      expect(() => load({ OS_CLOUD: 'bad' })).toThrow(/Cannot read .*clouds\.yaml/);
    });

    it('reports where a malformed file breaks, never the line itself (it may hold a password)', () => {
      write(
        cwd,
        'clouds.yaml',
        'clouds:\n  prod:\n    auth:\n      auth_url: https://k/v3\n      password: "hunter2-in-yaml\n      username: admin\n',
      );
      const error = loadError({ OS_CLOUD: 'prod' });
      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('password');
      expect(error.problems).toEqual([
        'not valid YAML at line 7, column 1: a missing character (an unclosed quote or bracket, or a key without `:`) (MISSING_CHAR)',
      ]);
      expect(error.message).toContain(`Cannot read ${join(cwd, 'clouds.yaml')}`);

      write(cwd, 'clouds.yaml', 'clouds:\n  prod:\n    auth:\n      password: hunter2: x\n');
      expect(loadError({ OS_CLOUD: 'prod' }).problems).toEqual([
        'not valid YAML at line 4, column 17: a mapping where a value was expected (quote a value that contains `: `) (BLOCK_AS_IMPLICIT_KEY)',
      ]);
      write(
        join(home, '.config', 'openstack'),
        'secure.yaml',
        'clouds:\n  prod:\n    auth:\n      password: s3cr3t\n      password: s3cr3t\n',
      );
      write(cwd, 'clouds.yaml', passwordCloud('prod', 'http://k/v3'));
      const duplicate = loadError({ OS_CLOUD: 'prod' });
      expect(duplicate.message).toContain('secure.yaml');
      expect(duplicate.message).not.toContain('s3cr3t');
      expect(duplicate.problems).toEqual(['not valid YAML at line 5, column 7: a key defined twice (DUPLICATE_KEY)']);
    });

    it('refuses a vendor profile by name, instead of calling its auth_url missing', () => {
      write(
        cwd,
        'clouds.yaml',
        'clouds:\n  vexx:\n    profile: vexxhost\n    auth:\n      username: u\n      password: p\n      project_id: p1\n      user_domain_id: default\n',
      );
      const error = loadError({ OS_CLOUD: 'vexx' });
      expect(error.problems).toEqual([
        "clouds.vexx.profile is vexxhost: vendor profiles (clouds-public.yaml) are not supported; write the vendor's auth_url, region_name and interface into the cloud's own entry",
      ]);
      write(cwd, 'clouds.yaml', passwordCloud('old', 'http://k/v3', '    cloud: ovh\n'));
      expect(loadError({ OS_CLOUD: 'old' }).problems).toEqual([expect.stringMatching(/^clouds\.old\.profile is ovh: vendor profiles/)]);
    });

    it('reads the real-openstack harness file', () => {
      const sut = load({ OS_CLOUD: 'real-demo', OS_CLIENT_CONFIG_FILE: join(__dirname, '../testing/fixtures/real-openstack-clouds.yaml') });
      expect(sut.auth).toMatchObject({ authUrl: 'http://127.0.0.1:5050/v3', username: 'demo', projectName: 'demo' });
    });
  });

  it('describes a configuration without its secrets', () => {
    const sut = loadCloudConfig({
      env: { OS_AUTH_URL: 'http://k', OS_USERNAME: 'u', OS_USER_DOMAIN_NAME: 'Default', OS_PASSWORD: 'pw-value', OS_PROJECT_ID: 'p' },
      cwd,
    });
    expect(describeCloudConfig(sut)).toBe('cloud envvars (environment): http://k/v3, user u project p, public endpoints');
    expect(describeCloudConfig(sut)).not.toContain('pw-value');
  });
});

describe(normalizeAuthUrl.name, () => {
  it.each([
    ['http://127.0.0.1:5050/v3', 'http://127.0.0.1:5050/v3'],
    ['http://127.0.0.1:5050/v3/', 'http://127.0.0.1:5050/v3'],
    ['http://127.0.0.1:5000', 'http://127.0.0.1:5000/v3'],
    ['http://example.com/identity', 'http://example.com/identity/v3'],
    ['http://example.com/identity/v2.0', 'http://example.com/identity/v3'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeAuthUrl(input)).toBe(expected);
  });
});
