import { existsSync, readFileSync } from 'node:fs';
import { homedir as osHomedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml, YAMLError } from 'yaml';
import type { ServiceType } from '../errors';
import type { CloudAuth, CloudConfig, EndpointInterface } from './cloud-config';

export interface LoadCloudConfigOptions {
  /** Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where `./clouds.yaml` is looked for; defaults to `process.cwd()`. */
  cwd?: string;
  /** Where `~/.config/openstack/clouds.yaml` is looked for; defaults to `os.homedir()`. */
  homedir?: string;
  /** Defaults to `/etc/openstack`; tests point it elsewhere. */
  systemConfigDir?: string;
}

/** The cloud configuration is unusable; the message lists every problem at once. */
export class CloudConfigError extends Error {
  override readonly name = 'CloudConfigError';

  constructor(
    message: string,
    /** What is missing or wrong, one entry per problem, each naming the variable or clouds.yaml key. */
    readonly problems: readonly string[],
  ) {
    super(problems.length ? `${message}:\n  - ${problems.join('\n  - ')}` : message);
  }
}

/**
 * The flat set of settings both sources map onto. Names follow clouds.yaml's `auth` keys so that
 * an `OS_FOO_BAR` variable and a `foo_bar` key are the same setting.
 */
interface RawSettings {
  auth_url?: string;
  auth_type?: string;
  username?: string;
  user_id?: string;
  password?: string;
  project_name?: string;
  project_id?: string;
  user_domain_name?: string;
  user_domain_id?: string;
  project_domain_name?: string;
  project_domain_id?: string;
  default_domain?: string;
  application_credential_id?: string;
  application_credential_name?: string;
  application_credential_secret?: string;
  token?: string;
  region_name?: string;
  interface?: string;
  cacert?: string;
  insecure?: string;
  compute_api_version?: string;
  identity_api_version?: string;
  cert?: string;
  key?: string;
  api_timeout?: string;
  identity_endpoint_override?: string;
  compute_endpoint_override?: string;
  image_endpoint_override?: string;
  network_endpoint_override?: string;
  block_storage_endpoint_override?: string;
  load_balancer_endpoint_override?: string;
  volume_endpoint_override?: string;
  /** clouds.yaml only (`profile`, or its old name `cloud`): a vendor profile, which is refused. */
  profile?: string;
}
type SettingKey = keyof RawSettings;

/** Each setting's environment variables, in order of preference (the `TENANT` ones are Keystone v2 leftovers still in many openrc files). */
const ENV_NAMES: Record<SettingKey, readonly string[]> = {
  auth_url: ['OS_AUTH_URL'],
  auth_type: ['OS_AUTH_TYPE'],
  username: ['OS_USERNAME'],
  user_id: ['OS_USER_ID'],
  password: ['OS_PASSWORD'],
  project_name: ['OS_PROJECT_NAME', 'OS_TENANT_NAME'],
  project_id: ['OS_PROJECT_ID', 'OS_TENANT_ID'],
  user_domain_name: ['OS_USER_DOMAIN_NAME'],
  user_domain_id: ['OS_USER_DOMAIN_ID'],
  project_domain_name: ['OS_PROJECT_DOMAIN_NAME'],
  project_domain_id: ['OS_PROJECT_DOMAIN_ID'],
  default_domain: ['OS_DEFAULT_DOMAIN'],
  application_credential_id: ['OS_APPLICATION_CREDENTIAL_ID'],
  application_credential_name: ['OS_APPLICATION_CREDENTIAL_NAME'],
  application_credential_secret: ['OS_APPLICATION_CREDENTIAL_SECRET'],
  token: ['OS_TOKEN'],
  region_name: ['OS_REGION_NAME'],
  interface: ['OS_INTERFACE', 'OS_ENDPOINT_TYPE'],
  cacert: ['OS_CACERT'],
  insecure: ['OS_INSECURE'],
  compute_api_version: ['OS_COMPUTE_API_VERSION'],
  identity_api_version: ['OS_IDENTITY_API_VERSION'],
  cert: ['OS_CERT'],
  key: ['OS_KEY'],
  api_timeout: ['OS_API_TIMEOUT'],
  identity_endpoint_override: ['OS_IDENTITY_ENDPOINT_OVERRIDE'],
  compute_endpoint_override: ['OS_COMPUTE_ENDPOINT_OVERRIDE'],
  image_endpoint_override: ['OS_IMAGE_ENDPOINT_OVERRIDE'],
  network_endpoint_override: ['OS_NETWORK_ENDPOINT_OVERRIDE'],
  block_storage_endpoint_override: ['OS_BLOCK_STORAGE_ENDPOINT_OVERRIDE'],
  load_balancer_endpoint_override: ['OS_LOAD_BALANCER_ENDPOINT_OVERRIDE'],
  volume_endpoint_override: ['OS_VOLUME_ENDPOINT_OVERRIDE', 'OS_VOLUMEV3_ENDPOINT_OVERRIDE'],
  profile: [],
};
/** Each service's override settings, in order of preference (openstacksdk's `<service_type>_endpoint_override`). */
const ENDPOINT_OVERRIDES: Record<ServiceType, readonly SettingKey[]> = {
  identity: ['identity_endpoint_override'],
  compute: ['compute_endpoint_override'],
  image: ['image_endpoint_override'],
  network: ['network_endpoint_override'],
  'block-storage': ['block_storage_endpoint_override', 'volume_endpoint_override'],
  'load-balancer': ['load_balancer_endpoint_override'],
};
const SETTING_KEYS = Object.keys(ENV_NAMES) as SettingKey[];
const AUTH_KEYS: readonly SettingKey[] = [
  'auth_url',
  'username',
  'user_id',
  'password',
  'project_name',
  'project_id',
  'user_domain_name',
  'user_domain_id',
  'project_domain_name',
  'project_domain_id',
  'default_domain',
  'application_credential_id',
  'application_credential_name',
  'application_credential_secret',
  'token',
];

/**
 * Resolves the cloud the way the `openstack` CLI does:
 * - `OS_CLOUD` names a cloud in the first `clouds.yaml` found (`OS_CLIENT_CONFIG_FILE`, `./clouds.yaml`,
 *   `~/.config/openstack/clouds.yaml`, `/etc/openstack/clouds.yaml`), merged with a `secure.yaml` found the same way;
 *   `OS_*` variables that are set override its fields (e.g. `OS_PASSWORD` kept out of the file).
 * - Without `OS_CLOUD`, the `OS_*` variables alone describe the cloud.
 * Throws a {@link CloudConfigError} listing everything that is missing. Reads files, never the network.
 */
export function loadCloudConfig(options: LoadCloudConfigOptions = {}): CloudConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = options.homedir ?? osHomedir();
  const systemDir = options.systemConfigDir ?? '/etc/openstack';
  const envValue = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const fromEnv: RawSettings = {};
  for (const key of SETTING_KEYS) {
    const name = ENV_NAMES[key].find((n) => envValue(n) !== undefined);
    if (name) fromEnv[key] = envValue(name);
  }

  const cloudName = envValue('OS_CLOUD');
  let settings: RawSettings;
  let source: string;
  if (cloudName) {
    const searched = configCandidates('clouds', envValue('OS_CLIENT_CONFIG_FILE'), cwd, home, systemDir);
    const file = searched.find((path) => existsSync(path));
    if (!file) {
      throw new CloudConfigError(`OS_CLOUD=${cloudName} but no clouds.yaml was found`, [`searched ${searched.join(', ')}`]);
    }
    const clouds = readClouds(file);
    const secureFile = configCandidates('secure', envValue('OS_CLIENT_SECURE_FILE'), cwd, home, systemDir).find((path) => existsSync(path));
    const secure = secureFile ? readClouds(secureFile) : {};
    const entry = clouds[cloudName];
    if (!isRecord(entry)) {
      const known = Object.keys(clouds);
      throw new CloudConfigError(`Cloud "${cloudName}" (OS_CLOUD) is not defined in ${file}`, [
        known.length ? `clouds defined there: ${known.join(', ')}` : 'that file defines no clouds',
      ]);
    }
    const secureEntry = secure[cloudName];
    const merged = isRecord(secureEntry) ? deepMerge(entry, secureEntry) : entry;
    settings = { ...settingsFromCloudEntry(merged, `${file}: clouds.${cloudName}`), ...fromEnv };
    source = file;
  } else {
    if (Object.keys(fromEnv).length === 0) {
      throw new CloudConfigError('No OpenStack cloud configured', [
        'set OS_CLOUD to a cloud defined in clouds.yaml (./clouds.yaml, ~/.config/openstack/clouds.yaml or /etc/openstack/clouds.yaml)',
        'or set OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME and OS_PROJECT_DOMAIN_NAME (or OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET, or OS_AUTH_TYPE=v3token and OS_TOKEN)',
      ]);
    }
    settings = fromEnv;
    source = 'environment';
  }

  return resolveCloud(cloudName ?? 'envvars', source, settings, cwd, cloudName ? 'clouds.yaml' : 'env');
}

function configCandidates(base: string, explicit: string | undefined, cwd: string, home: string, systemDir: string): string[] {
  const dirs = [cwd, join(home, '.config', 'openstack'), systemDir];
  const files = dirs.flatMap((dir) => [join(dir, `${base}.yaml`), join(dir, `${base}.yml`)]);
  return explicit ? [resolve(cwd, explicit), ...files] : files;
}

function readClouds(file: string): Record<string, unknown> {
  let doc: unknown;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CloudConfigError(`Cannot read ${file}`, [`the file cannot be read (${errnoCode(error) ?? 'unknown error'})`]);
  }
  try {
    doc = parseYaml(text);
  } catch (error) {
    // The parser's message quotes the offending line, which may hold a password: only its position and code are shown.
    throw new CloudConfigError(`Cannot read ${file}`, [describeYamlError(error)]);
  }
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw new CloudConfigError(`Cannot read ${file}`, ['the top level is not a mapping']);
  const clouds = doc['clouds'];
  if (clouds === undefined) return {};
  if (!isRecord(clouds)) throw new CloudConfigError(`Cannot read ${file}`, ['`clouds` is not a mapping']);
  return clouds;
}

const YAML_REASONS: Partial<Record<string, string>> = {
  BAD_INDENT: 'bad indentation',
  TAB_AS_INDENT: 'a tab used as indentation',
  MISSING_CHAR: 'a missing character (an unclosed quote or bracket, or a key without `:`)',
  DUPLICATE_KEY: 'a key defined twice',
  UNEXPECTED_TOKEN: 'an unexpected character',
  MULTILINE_IMPLICIT_KEY: 'a key spanning several lines (a missing `:` or quote?)',
  BLOCK_AS_IMPLICIT_KEY: 'a mapping where a value was expected (quote a value that contains `: `)',
  BAD_DQ_ESCAPE: 'a bad escape in a double-quoted string',
  BAD_SCALAR_START: 'a plain value starting with a reserved character (quote it)',
  BLOCK_IN_FLOW: 'a block inside brackets',
  MULTIPLE_DOCS: 'several YAML documents',
  BAD_ALIAS: 'an unknown alias',
};

/** Where and why a YAML file does not parse, without the parser's excerpt of the offending line. */
function describeYamlError(error: unknown): string {
  if (!(error instanceof YAMLError)) return 'not valid YAML';
  const at = error.linePos?.[0];
  const where = at ? `line ${at.line}, column ${at.col}` : `offset ${error.pos[0]}`;
  const reason = YAML_REASONS[error.code] ?? error.code.toLowerCase().replace(/_/g, ' ');
  return `not valid YAML at ${where}: ${reason} (${error.code})`;
}

/** Duck-typed: errors from Node's own realm fail `instanceof Error` under test sandboxes. */
function errnoCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function settingsFromCloudEntry(entry: Record<string, unknown>, where: string): RawSettings {
  const out: RawSettings = {};
  const auth = isRecord(entry['auth']) ? entry['auth'] : {};
  const text = (value: unknown): string | undefined =>
    typeof value === 'string'
      ? value.trim() || undefined
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : undefined;
  for (const key of AUTH_KEYS) {
    const value = text(auth[key]);
    if (value !== undefined) out[key] = value;
  }
  // Keystone v2 spellings still appear in old clouds.yaml files.
  out.project_name ??= text(auth['tenant_name']);
  out.project_id ??= text(auth['tenant_id']);
  const top = (key: string) => text(entry[key]);
  out.auth_type = top('auth_type');
  out.region_name = top('region_name');
  if (out.region_name === undefined && Array.isArray(entry['regions'])) {
    const first: unknown = entry['regions'][0];
    out.region_name = text(isRecord(first) ? first['name'] : first);
  }
  out.interface = top('interface') ?? top('endpoint_type');
  out.cacert = top('cacert');
  const verify = entry['verify'];
  if (verify === false || verify === 'false' || verify === 'False') out.insecure = 'true';
  out.compute_api_version = top('compute_api_version');
  out.identity_api_version = top('identity_api_version');
  out.profile = top('profile') ?? top('cloud');
  out.cert = top('cert');
  out.key = top('key');
  out.api_timeout = top('api_timeout');
  for (const keys of Object.values(ENDPOINT_OVERRIDES)) for (const key of keys) out[key] = top(key);
  out.volume_endpoint_override ??= top('volumev3_endpoint_override');
  if (entry['auth'] !== undefined && !isRecord(entry['auth'])) {
    throw new CloudConfigError(`Cannot read ${where}`, ['`auth` is not a mapping']);
  }
  for (const key of Object.keys(out) as SettingKey[]) if (out[key] === undefined) delete out[key];
  return out;
}

function resolveCloud(cloudName: string, source: string, s: RawSettings, cwd: string, kind: 'clouds.yaml' | 'env'): CloudConfig {
  const problems: string[] = [];
  if (s.profile !== undefined) {
    problems.push(
      `clouds.${cloudName}.profile is ${s.profile}: vendor profiles (clouds-public.yaml) are not supported; write the vendor's auth_url, region_name and interface into the cloud's own entry`,
    );
  }
  // Name settings the way the operator would fix them: `OS_A (or OS_B)`, or `clouds.x.auth.a (or auth.b; OS_A, OS_B)`.
  const nameOf = (...keys: SettingKey[]): string => {
    const variables = keys.map((key) => ENV_NAMES[key][0]);
    if (kind === 'env') return variables.length > 1 ? `${variables[0]} (or ${variables.slice(1).join(', ')})` : `${variables[0]}`;
    const yamlKeys = keys.map((key) => (AUTH_KEYS.includes(key) ? `auth.${key}` : key));
    const alternatives = yamlKeys.slice(1);
    return `clouds.${cloudName}.${yamlKeys[0]} (${alternatives.length ? `or ${alternatives.join(', ')}; ` : ''}or ${variables.join(', ')})`;
  };

  if (s.identity_api_version !== undefined && !/^3(\.\d+)?$/.test(s.identity_api_version)) {
    problems.push(`${nameOf('identity_api_version')} is ${s.identity_api_version}: only Keystone v3 is supported`);
  }
  // A profile would have supplied the URL: saying it is missing would hide the real problem.
  if (!s.auth_url && s.profile === undefined) problems.push(`${nameOf('auth_url')} is missing`);

  const authType = (s.auth_type ?? '').toLowerCase().replace(/[-_]/g, '');
  const wantsAppCredential =
    authType === 'v3applicationcredential' ||
    authType === 'applicationcredential' ||
    (authType === '' && (s.application_credential_id !== undefined || s.application_credential_name !== undefined));
  // As the CLI does: a token with no password nor application credential beside it means the token method.
  const wantsToken =
    authType === 'v3token' ||
    authType === 'token' ||
    (authType === '' && !wantsAppCredential && s.token !== undefined && !s.password && !s.username && !s.user_id);
  if (authType !== '' && !wantsAppCredential && !wantsToken && authType !== 'password' && authType !== 'v3password') {
    problems.push(`${nameOf('auth_type')} is ${s.auth_type}: supported are password, v3applicationcredential and v3token`);
  }

  const userDomainId = s.user_domain_id ?? (s.user_domain_name ? undefined : s.default_domain);
  const projectDomainId = s.project_domain_id ?? (s.project_domain_name ? undefined : s.default_domain);
  let auth: CloudAuth | undefined;
  const authUrl = s.auth_url ? normalizeAuthUrl(s.auth_url) : '';

  if (wantsToken) {
    if (!s.token) problems.push(`${nameOf('token')} is missing`);
    if (s.project_name && !s.project_id && !s.project_domain_name && !projectDomainId) {
      problems.push(`${nameOf('project_domain_name', 'project_domain_id')} is missing: a project given by name needs its domain`);
    }
    auth = {
      type: 'token',
      authUrl,
      token: s.token ?? '',
      projectName: s.project_name,
      projectId: s.project_id,
      projectDomainName: s.project_domain_name,
      projectDomainId,
    };
  } else if (wantsAppCredential) {
    if (!s.application_credential_secret) problems.push(`${nameOf('application_credential_secret')} is missing`);
    if (!s.application_credential_id && !s.application_credential_name) {
      problems.push(`${nameOf('application_credential_id', 'application_credential_name')} is missing`);
    }
    if (!s.application_credential_id && s.application_credential_name) {
      if (!s.user_id && !s.username) {
        problems.push(`${nameOf('user_id', 'username')} is missing: an application credential given by name needs its owner`);
      } else if (!s.user_id && !s.user_domain_name && !userDomainId) {
        problems.push(`${nameOf('user_domain_name', 'user_domain_id')} is missing`);
      }
    }
    auth = {
      type: 'applicationCredential',
      authUrl,
      applicationCredentialId: s.application_credential_id,
      applicationCredentialName: s.application_credential_name,
      applicationCredentialSecret: s.application_credential_secret ?? '',
      username: s.username,
      userId: s.user_id,
      userDomainName: s.user_domain_name,
      userDomainId,
    };
  } else {
    if (!s.username && !s.user_id) problems.push(`${nameOf('username', 'user_id')} is missing`);
    if (!s.password) problems.push(`${nameOf('password')} is missing`);
    if (!s.project_name && !s.project_id) problems.push(`${nameOf('project_name', 'project_id')} is missing`);
    if (s.username && !s.user_id && !s.user_domain_name && !userDomainId) {
      problems.push(`${nameOf('user_domain_name', 'user_domain_id')} is missing: a user given by name needs its domain`);
    }
    if (s.project_name && !s.project_id && !s.project_domain_name && !projectDomainId) {
      problems.push(`${nameOf('project_domain_name', 'project_domain_id')} is missing: a project given by name needs its domain`);
    }
    auth = {
      type: 'password',
      authUrl,
      username: s.username,
      userId: s.user_id,
      password: s.password ?? '',
      userDomainName: s.user_domain_name,
      userDomainId,
      projectName: s.project_name,
      projectId: s.project_id,
      projectDomainName: s.project_domain_name,
      projectDomainId,
    };
  }

  let endpointInterface: EndpointInterface = 'public';
  if (s.interface !== undefined) {
    const normalized = s.interface.toLowerCase().replace(/url$/, '');
    if (normalized === 'public' || normalized === 'internal' || normalized === 'admin') endpointInterface = normalized;
    else problems.push(`${nameOf('interface')} is ${s.interface}: expected public, internal or admin`);
  }

  // Paths are relative to the working directory, as the CLI takes them; a missing file is reported now, not at the first call.
  const existingFile = (key: 'cacert' | 'cert' | 'key'): string | undefined => {
    const value = s[key];
    if (value === undefined) return undefined;
    const path = isAbsolute(value) ? value : resolve(cwd, value);
    if (!existsSync(path)) problems.push(`${nameOf(key)} points to ${path}, which does not exist`);
    return path;
  };
  const caCertFile = existingFile('cacert');
  const clientCertFile = existingFile('cert');
  const clientKeyFile = existingFile('key');
  if (clientKeyFile !== undefined && clientCertFile === undefined) {
    problems.push(`${nameOf('cert')} is missing: ${nameOf('key')} is the key of a client certificate`);
  }

  let apiTimeoutMs: number | undefined;
  if (s.api_timeout !== undefined) {
    const seconds = Number(s.api_timeout);
    if (Number.isFinite(seconds) && seconds > 0) apiTimeoutMs = Math.round(seconds * 1000);
    else problems.push(`${nameOf('api_timeout')} is ${s.api_timeout}: expected a number of seconds above 0`);
  }

  const endpointOverrides: Partial<Record<ServiceType, string>> = {};
  for (const [service, keys] of Object.entries(ENDPOINT_OVERRIDES) as [ServiceType, readonly SettingKey[]][]) {
    const key = keys.find((k) => s[k] !== undefined);
    const url = key && s[key];
    if (!key || !url) continue;
    if (/^https?:\/\/[^/]/i.test(url)) endpointOverrides[service] = url;
    else problems.push(`${nameOf(key)} is ${url}: expected an http(s) URL`);
  }
  if (s.compute_api_version !== undefined && !/^2\.\d+$/.test(s.compute_api_version)) {
    problems.push(`${nameOf('compute_api_version')} is ${s.compute_api_version}: expected a microversion like 2.79`);
  }
  if (authUrl && !/^https?:\/\//i.test(authUrl)) problems.push(`${nameOf('auth_url')} is ${authUrl}: expected an http(s) URL`);

  if (problems.length > 0 || !auth) {
    throw new CloudConfigError(`OpenStack cloud configuration from ${source} is incomplete`, problems);
  }
  return {
    cloudName,
    source,
    auth,
    regionName: s.region_name,
    interface: endpointInterface,
    caCertFile,
    verifyTls: !(s.insecure !== undefined && ['1', 'true', 'yes', 'on'].includes(s.insecure.toLowerCase())),
    computeApiVersion: s.compute_api_version,
    clientCertFile,
    clientKeyFile,
    apiTimeoutMs,
    endpointOverrides,
  };
}

/**
 * Keystone is published as `http://h:5000`, `http://h:5000/v3/`, `http://h/identity` (devstack) or
 * with a stale `/v2.0`: all of them mean the v3 API under the same root.
 */
export function normalizeAuthUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  if (/\/v3$/.test(trimmed)) return trimmed;
  if (/\/v2\.0$/.test(trimmed)) return trimmed.replace(/\/v2\.0$/, '/v3');
  return `${trimmed}/v3`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return out;
}
