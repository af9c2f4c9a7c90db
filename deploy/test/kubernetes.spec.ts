import { join } from 'node:path';
import { isIP } from 'node:net';
import { ServiceMonitor, IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment, IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy, INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget, IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap, IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { IContainer } from 'kubernetes-models/v1/Container';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { IProbe } from 'kubernetes-models/v1/Probe';
import { ISecret, Secret } from 'kubernetes-models/v1/Secret';
import { IService, Service } from 'kubernetes-models/v1/Service';
import { healthcheckCommand, exposedPorts, parseDockerfile, parseImage, stages } from './dockerfile-rules';
import { DEPLOY, Manifest, ROOT, loadManifests, loadYaml, manifestFiles, read } from './files';
import { unknownFieldErrors } from './known-fields';

/** The kinds the manifests may use, each with the schema validator of its API version. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** The TypeScript type of each kind (module, interface), for the unknown-field check. */
const TYPES: Record<string, [string, string]> = {
  'v1/Namespace': ['kubernetes-models/v1/Namespace', 'INamespace'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'],
  'monitoring.coreos.com/v1/ServiceMonitor': [
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
    'IServiceMonitor',
  ],
};

function typed(manifest: Manifest, object: unknown = manifest.object) {
  const key = `${manifest.object.apiVersion}/${manifest.object.kind}`;
  const type = TYPES[key];
  if (!type) throw new Error(`${manifest.file}: no type for ${key}`);
  return { label: `${manifest.file} ${manifest.object.kind} ${manifest.object.metadata.name}`, type, object };
}

/**
 * Our images: the Dockerfile each is built from and the paths it answers without a token (the API's health routes;
 * the console's nginx answers /healthz itself, deploy/nginx.conf). Images are named `<registry>/peak-scheduler/<key>`.
 */
const IMAGES: Record<string, { dockerfile: string; serves: string[] }> = {
  api: { dockerfile: 'Dockerfile.api', serves: ['/livez', '/readyz', '/v1/health', '/metrics'] },
  web: { dockerfile: 'Dockerfile.web', serves: ['/healthz'] },
};

const manifests = loadManifests();
const objects = manifests.map((manifest) => manifest.object);

function ofKind<T>(kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as unknown as T[];
}

const namespaces = ofKind<{ metadata: { name: string } }>('Namespace');
const secrets = ofKind<ISecret>('Secret');
const configMaps = ofKind<IConfigMap>('ConfigMap');
const deployments = ofKind<IDeployment>('Deployment');
const services = ofKind<IService>('Service');
const budgets = ofKind<IPodDisruptionBudget>('PodDisruptionBudget');
const policies = ofKind<INetworkPolicy>('NetworkPolicy');
const monitors = ofKind<IServiceMonitor>('ServiceMonitor');

function named<T extends { metadata?: { name?: string } }>(list: T[], name: string): T {
  const found = list.find((each) => each.metadata?.name === name);
  if (!found) throw new Error(`no object named ${name}`);
  return found;
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels?.[key] === value);
}

function podsSelectedBy(selector: Record<string, string> | undefined): IDeployment[] {
  return deployments.filter((deployment) => matches(selector, deployment.spec?.template.metadata?.labels));
}

function containersOf(deployment: IDeployment): IContainer[] {
  return deployment.spec?.template.spec?.containers ?? [];
}

function containerPort(container: IContainer, port: string | number | undefined): number | undefined {
  const found = (container.ports ?? []).find((each) => (typeof port === 'number' ? each.containerPort === port : each.name === port));
  return found?.containerPort;
}

function imageKey(image: string | undefined): string {
  const { repository } = parseImage(image ?? '');
  return repository.split('/').pop() ?? '';
}

function stringData(secret: ISecret): Record<string, string> {
  const decoded = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
  );
  return { ...decoded, ...(secret.stringData ?? {}) };
}

/** A Kubernetes quantity in base units (cores, bytes). */
function quantity(value: string | number | undefined): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value ?? '');
  if (!match) throw new Error(`not a quantity: ${String(value)}`);
  const factors: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
  return Number(match[1]) * (match[2] ? (factors[match[2]] ?? Number.NaN) : 1);
}

/** The RSS figures of docs/benchmarks.md in bytes (1 MB = 10^6 bytes there), or undefined when not measured. */
function benchmarkRss(row: RegExp): number | undefined {
  const line = read(join(ROOT, 'docs/benchmarks.md'))
    .split('\n')
    .find((each) => row.test(each));
  const measured = line?.split('|')[4]?.trim();
  const megabytes = /^([\d.]+) MB$/.exec(measured ?? '')?.[1];
  return megabytes === undefined ? undefined : Number(megabytes) * 1e6;
}

function finalUser(dockerfile: string): string | undefined {
  const all = stages(parseDockerfile(read(join(DEPLOY, dockerfile))));
  const users = (all[all.length - 1]?.instructions ?? []).filter((instruction) => instruction.keyword === 'USER');
  return users[users.length - 1]?.args.split(':')[0];
}

describe('the Kubernetes manifests', () => {
  it('are all read, in the order kubectl apply -f applies them: the namespace first', () => {
    expect(manifestFiles().length).toBeGreaterThan(0);
    expect(manifests[0]?.object.kind).toBe('Namespace');
    expect(objects.map((object) => object.kind)).toEqual(
      expect.arrayContaining([
        'Namespace',
        'Secret',
        'ConfigMap',
        'Deployment',
        'Service',
        'PodDisruptionBudget',
        'NetworkPolicy',
        'ServiceMonitor',
      ]),
    );
  });

  it.each(
    manifests.map((manifest): [string, string, Manifest] => [
      manifest.file,
      `${manifest.object.kind} ${manifest.object.metadata.name}`,
      manifest,
    ]),
  )('%s: %s is valid against the Kubernetes schema of its API version', (_, __, manifest) => {
    const Model = MODELS[`${manifest.object.apiVersion}/${manifest.object.kind}`];
    expect(Model).toBeDefined();
    if (!Model) return;
    expect(() => new Model(manifest.object as never).validate()).not.toThrow();
  });

  it('reject an invalid object (the validators do validate)', () => {
    const deployment = structuredClone(named(deployments, 'api'));
    (deployment.spec as unknown as Record<string, unknown>)['replicas'] = 'three';
    expect(() => new Deployment(deployment).validate()).toThrow(/replicas/);
    const probeWithoutPort = structuredClone(named(deployments, 'api'));
    const container = containersOf(probeWithoutPort)[0];
    if (container?.livenessProbe?.httpGet) delete (container.livenessProbe.httpGet as Partial<typeof container.livenessProbe.httpGet>).port;
    expect(() => new Deployment(probeWithoutPort).validate()).toThrow(/port/);
  });

  it('use no field their kind does not have (kubectl refuses unknown fields)', () => {
    expect(
      unknownFieldErrors(
        manifests.map((manifest) => typed(manifest)),
        __dirname,
      ),
    ).toEqual([]);
  });

  it('reject a misspelt field and a value of the wrong type (the field check does check)', () => {
    const api = manifests.find((manifest) => manifest.object.kind === 'Deployment' && manifest.object.metadata.name === 'api');
    if (!api) throw new Error('no api Deployment');
    const misspelt = structuredClone(api.object) as unknown as IDeployment;
    const container = containersOf(misspelt)[0] as unknown as Record<string, Record<string, unknown>>;
    if (container['readinessProbe']) container['readinessProbe'] = { ...container['readinessProbe'], timeoutSecond: 2 };
    const wrongType = structuredClone(api.object) as unknown as IDeployment;
    (wrongType.spec?.template.spec as unknown as Record<string, unknown>)['automountServiceAccountToken'] = 'no';
    const errors = unknownFieldErrors([typed(api, misspelt), typed(api, wrongType)], __dirname);
    expect(errors).toEqual([
      expect.stringMatching(/^20-api\.yaml Deployment api: .*timeoutSecond/),
      expect.stringMatching(/^20-api\.yaml Deployment api: .*boolean/),
    ]);
  });

  it('live in the one namespace they create, each name once per kind', () => {
    expect(namespaces).toHaveLength(1);
    const namespace = namespaces[0]?.metadata.name;
    for (const object of objects.filter((each) => each.kind !== 'Namespace')) {
      expect(`${object.kind} ${object.metadata.name}: ${object.metadata.namespace}`).toBe(
        `${object.kind} ${object.metadata.name}: ${namespace}`,
      );
    }
    const keys = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('run three API replicas and name the API Service `api`, as the console nginx forwards to http://api:8080', () => {
    const api = named(deployments, 'api');
    expect(api.spec?.replicas).toBe(3);
    const service = named(services, 'api');
    expect(podsSelectedBy(service.spec?.selector)).toEqual([api]);
    expect(service.spec?.ports?.map((port) => port.port)).toContain(8080);
  });

  it.each(deployments.map((deployment) => [deployment.metadata?.name ?? '', deployment] as const))(
    'Deployment %s: its selector matches its pods, its images are ours and pinned, its ports are the images’',
    (_, deployment) => {
      expect(matches(deployment.spec?.selector.matchLabels, deployment.spec?.template.metadata?.labels)).toBe(true);
      for (const container of containersOf(deployment)) {
        const { tag, digest } = parseImage(container.image ?? '');
        expect(digest ?? tag).toBeDefined();
        expect(tag).not.toBe('latest');
        const image = IMAGES[imageKey(container.image)];
        expect(image).toBeDefined();
        if (!image) continue;
        const exposed = exposedPorts(read(join(DEPLOY, image.dockerfile)));
        expect((container.ports ?? []).map((port) => port.containerPort).sort()).toEqual([...exposed].sort());
      }
    },
  );

  it.each(deployments.map((deployment) => [deployment.metadata?.name ?? '', deployment] as const))(
    'Deployment %s: every probe asks a path its image serves, on a port its container declares',
    (_, deployment) => {
      for (const container of containersOf(deployment)) {
        const image = IMAGES[imageKey(container.image)];
        const probes: [string, IProbe | undefined][] = [
          ['liveness', container.livenessProbe],
          ['readiness', container.readinessProbe],
          ['startup', container.startupProbe],
        ];
        expect(container.livenessProbe).toBeDefined();
        expect(container.readinessProbe).toBeDefined();
        for (const [kind, probe] of probes.filter(([, each]) => each)) {
          const get = probe?.httpGet;
          expect({ kind, httpGet: get !== undefined }).toEqual({ kind, httpGet: true });
          expect({ kind, path: image?.serves.includes(get?.path ?? '') }).toEqual({ kind, path: true });
          expect({ kind, port: containerPort(container, get?.port) }).toEqual({ kind, port: expect.any(Number) });
        }
      }
    },
  );

  it('probe the API on /livez for liveness and start-up (no database) and on /readyz for readiness', () => {
    const [container] = containersOf(named(deployments, 'api'));
    expect(container?.livenessProbe?.httpGet?.path).toBe('/livez');
    expect(container?.startupProbe?.httpGet?.path).toBe('/livez');
    expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    // The image's HEALTHCHECK is liveness too.
    expect(healthcheckCommand(read(join(DEPLOY, 'Dockerfile.api')))).toContain('/livez');
  });

  it.each(deployments.map((deployment) => [deployment.metadata?.name ?? '', deployment] as const))(
    'Deployment %s: non-root as its image’s user, read-only root filesystem with an emptyDir on /tmp, no privilege escalation',
    (_, deployment) => {
      const pod = deployment.spec?.template.spec;
      for (const container of containersOf(deployment)) {
        const runAsNonRoot = container.securityContext?.runAsNonRoot ?? pod?.securityContext?.runAsNonRoot;
        const runAsUser = container.securityContext?.runAsUser ?? pod?.securityContext?.runAsUser;
        expect(runAsNonRoot).toBe(true);
        expect(runAsUser).toBeGreaterThan(0);
        const image = IMAGES[imageKey(container.image)];
        if (image) expect(String(runAsUser)).toBe(finalUser(image.dockerfile));
        expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
        expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(container.securityContext?.capabilities?.drop).toContain('ALL');
        const tmp = (container.volumeMounts ?? []).find((mount) => mount.mountPath === '/tmp');
        expect(tmp).toBeDefined();
        const volume = (pod?.volumes ?? []).find((each) => each.name === tmp?.name);
        expect(volume?.emptyDir).toBeDefined();
        expect(tmp?.readOnly).not.toBe(true);
      }
      const mounted = new Set(containersOf(deployment).flatMap((container) => (container.volumeMounts ?? []).map((mount) => mount.name)));
      expect([...mounted].sort()).toEqual((pod?.volumes ?? []).map((volume) => volume.name).sort());
    },
  );

  it.each(deployments.map((deployment) => [deployment.metadata?.name ?? '', deployment] as const))(
    'Deployment %s: requests and limits of CPU and memory, limits at least the requests',
    (_, deployment) => {
      for (const container of containersOf(deployment)) {
        const { requests = {}, limits = {} } = container.resources ?? {};
        for (const resource of ['cpu', 'memory']) {
          expect({ resource, request: requests[resource] }).toEqual({ resource, request: expect.anything() });
          expect({ resource, limit: limits[resource] }).toEqual({ resource, limit: expect.anything() });
          expect(quantity(limits[resource])).toBeGreaterThanOrEqual(quantity(requests[resource]));
        }
      }
    },
  );

  it("size the API's memory from docs/benchmarks.md: the request above idle, the limit above the peak under load", () => {
    const [container] = containersOf(named(deployments, 'api'));
    const idle = benchmarkRss(/API RSS idle/);
    const peak = benchmarkRss(/API RSS under that load \(max\)/);
    if (idle !== undefined) expect(quantity(container?.resources?.requests?.['memory'])).toBeGreaterThan(idle);
    if (peak !== undefined) expect(quantity(container?.resources?.limits?.['memory'])).toBeGreaterThan(peak);
    expect(quantity('384Mi')).toBe(384 * 2 ** 20);
    expect(quantity('250m')).toBeCloseTo(0.25);
  });

  it('name only Secret and ConfigMap keys that exist, and mount clouds.yaml where OS_CLIENT_CONFIG_FILE says', () => {
    const references: [string, string, string][] = [];
    for (const deployment of deployments) {
      const pod = deployment.spec?.template.spec;
      for (const container of containersOf(deployment)) {
        for (const variable of container.env ?? []) {
          const secret = variable.valueFrom?.secretKeyRef;
          const config = variable.valueFrom?.configMapKeyRef;
          if (secret) references.push(['Secret', secret.name ?? '', secret.key]);
          if (config) references.push(['ConfigMap', config.name ?? '', config.key]);
        }
        for (const source of container.envFrom ?? []) {
          if (source.secretRef) references.push(['Secret', source.secretRef.name ?? '', '']);
          if (source.configMapRef) references.push(['ConfigMap', source.configMapRef.name ?? '', '']);
        }
      }
      for (const volume of pod?.volumes ?? []) {
        if (volume.secret) {
          const items = volume.secret.items ?? [];
          if (items.length === 0) references.push(['Secret', volume.secret.secretName ?? '', '']);
          for (const item of items) references.push(['Secret', volume.secret.secretName ?? '', item.key]);
        }
      }
    }
    for (const monitor of monitors) {
      for (const endpoint of monitor.spec.endpoints) {
        const credentials = endpoint.authorization?.credentials ?? endpoint.bearerTokenSecret;
        if (credentials) references.push(['Secret', credentials.name ?? '', credentials.key]);
      }
    }
    expect(references.length).toBeGreaterThan(0);
    for (const [kind, name, key] of references) {
      const keys = kind === 'Secret' ? Object.keys(stringData(named(secrets, name))) : Object.keys(named(configMaps, name).data ?? {});
      if (key) expect({ kind, name, key, defined: keys.includes(key) }).toEqual({ kind, name, key, defined: true });
    }

    const api = named(deployments, 'api');
    const [container] = containersOf(api);
    const env = Object.fromEntries((container?.env ?? []).map((variable) => [variable.name, variable]));
    for (const name of ['DATABASE_URL', 'METRICS_TOKEN', 'WEBHOOK_SECRET_KEY']) expect(env[name]?.valueFrom?.secretKeyRef).toBeDefined();
    const configFile =
      named(configMaps, env['OS_CLIENT_CONFIG_FILE']?.valueFrom?.configMapKeyRef?.name ?? '').data?.['OS_CLIENT_CONFIG_FILE'] ?? '';
    const mount = (container?.volumeMounts ?? []).find((each) => configFile.startsWith(`${each.mountPath}/`));
    const volume = api.spec?.template.spec?.volumes?.find((each) => each.name === mount?.name);
    const item = volume?.secret?.items?.find((each) => `${mount?.mountPath}/${each.path}` === configFile);
    expect(item?.key).toBe('clouds.yaml');
  });

  it('define a clouds.yaml with the cloud OS_CLOUD names, a METRICS_TOKEN of 16 characters or more, and placeholders that say so', () => {
    const secret = stringData(named(secrets, 'peak-scheduler'));
    const config = named(configMaps, 'peak-scheduler').data ?? {};
    const clouds = loadYaml(secret['clouds.yaml'] ?? '', 'clouds.yaml') as { clouds: Record<string, { auth?: { auth_url?: string } }> };
    expect(clouds.clouds[config['OS_CLOUD'] ?? '']?.auth?.auth_url).toMatch(/^https?:\/\//);
    expect((secret['METRICS_TOKEN'] ?? '').length).toBeGreaterThanOrEqual(16);
    expect(secret['DATABASE_URL']).toMatch(/^postgres(ql)?:\/\//);
    for (const key of ['DATABASE_URL', 'METRICS_TOKEN', 'WEBHOOK_SECRET_KEY', 'clouds.yaml']) expect(secret[key]).toContain('CHANGE-ME');
  });

  it('trust as proxies a list of addresses or CIDRs, never everyone', () => {
    const trustProxy = named(configMaps, 'peak-scheduler').data?.['TRUST_PROXY'] ?? '';
    const entries = trustProxy.split(',').map((each) => each.trim());
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      expect({ entry, ip: isIP(address) !== 0 }).toEqual({ entry, ip: true });
      if (bits !== undefined) expect(Number(bits)).toBeGreaterThanOrEqual(8);
    }
  });

  it('keep two API replicas through voluntary disruptions, and a budget for every Deployment', () => {
    for (const budget of budgets) {
      const selected = podsSelectedBy(budget.spec?.selector?.matchLabels);
      expect(selected).toHaveLength(1);
      const replicas = selected[0]?.spec?.replicas ?? 1;
      expect(typeof budget.spec?.minAvailable).toBe('number');
      expect(budget.spec?.minAvailable).toBeLessThan(replicas);
    }
    expect(named(budgets, 'api').spec?.minAvailable).toBe(2);
    for (const deployment of deployments) {
      expect(budgets.some((budget) => matches(budget.spec?.selector?.matchLabels, deployment.spec?.template.metadata?.labels))).toBe(true);
    }
  });

  it('select pods that exist with every Service, on ports the pods declare', () => {
    for (const service of services) {
      const selected = podsSelectedBy(service.spec?.selector);
      expect(selected.length).toBeGreaterThan(0);
      for (const port of service.spec?.ports ?? []) {
        for (const deployment of selected) {
          const declared = containersOf(deployment).some(
            (container) => containerPort(container, port.targetPort ?? port.port) !== undefined,
          );
          expect({ service: service.metadata?.name, port: port.name, declared }).toEqual({
            service: service.metadata?.name,
            port: port.name,
            declared: true,
          });
        }
      }
    }
  });

  it('let only the console pods and the monitoring namespace reach the API, on its port', () => {
    const api = named(deployments, 'api');
    const console = named(deployments, 'console');
    const policy = policies.find((each) => matches(each.spec?.podSelector.matchLabels, api.spec?.template.metadata?.labels));
    expect(policy).toBeDefined();
    expect(policy?.spec?.policyTypes).toEqual(expect.arrayContaining(['Ingress', 'Egress']));
    const rules = policy?.spec?.ingress ?? [];
    expect(rules.length).toBeGreaterThan(0);
    const apiPort = containerPort(containersOf(api)[0] ?? { name: '' }, 'http');
    for (const rule of rules) {
      const peers = rule.from ?? [];
      // An empty `from` would let everyone in.
      expect(peers.length).toBeGreaterThan(0);
      for (const peer of peers) {
        expect(peer.ipBlock).toBeUndefined();
        if (peer.podSelector && !peer.namespaceSelector) {
          expect(matches(peer.podSelector.matchLabels, console.spec?.template.metadata?.labels)).toBe(true);
        } else {
          expect(peer.podSelector).toBeUndefined();
          expect(peer.namespaceSelector?.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'monitoring' });
        }
      }
      expect(rule.ports?.map((port) => port.port)).toEqual([apiPort]);
    }
    const egressPorts = (policy?.spec?.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((port) => port.port));
    expect(egressPorts).toEqual(expect.arrayContaining([53, 5432, 5000, 8774]));
  });

  it('scrape /metrics of the api Service on a port it has, with the bearer token from the Secret', () => {
    expect(monitors).toHaveLength(1);
    const [monitor] = monitors;
    const service = services.find((each) => matches(monitor?.spec.selector.matchLabels, each.metadata?.labels));
    expect(service?.metadata?.name).toBe('api');
    expect(monitor?.spec.namespaceSelector?.matchNames).toContain(service?.metadata?.namespace);
    for (const endpoint of monitor?.spec.endpoints ?? []) {
      expect(service?.spec?.ports?.map((port) => port.name)).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
      expect(IMAGES['api']?.serves).toContain(endpoint.path);
      expect(endpoint.authorization?.type).toBe('Bearer');
      expect(endpoint.authorization?.credentials?.key).toBe('METRICS_TOKEN');
    }
  });
});
