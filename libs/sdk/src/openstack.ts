/**
 * Node-only: Keystone authentication the way the `openstack` CLI does it (`OS_CLOUD` and `clouds.yaml`, or the
 * `OS_*` variables: password, application credential or token), through `@peak/openstack-client`'s loader.
 */
import { describeCloudConfig, loadCloudConfig, OpenStackClient, type LoadCloudConfigOptions } from '@peak/openstack-client';
import { PeakClient, type PeakClientOptions, type TokenProvider } from './peak-client';

export interface KeystoneAuthOptions {
  /** The variables to read (`OS_CLOUD`, `OS_AUTH_URL`, ...); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where `./clouds.yaml` is looked for; default the working directory. */
  cwd?: string;
}

/** A Keystone session as a {@link TokenProvider}, with a `describe()` that names the cloud and user (no secrets). */
export interface KeystoneTokenProvider extends TokenProvider {
  describe(): string;
}

/**
 * A token provider that logs in to Keystone with the configured credentials on first use, keeps the token until
 * shortly before it expires, and logs in again when the API refuses it. Reading the configuration happens now, so a
 * missing or broken `clouds.yaml` throws here (an error named `CloudConfigError` whose message lists every problem).
 */
export function keystoneAuth(options: KeystoneAuthOptions = {}): KeystoneTokenProvider {
  const loaderOptions: LoadCloudConfigOptions = { env: options.env, cwd: options.cwd };
  const config = loadCloudConfig(loaderOptions);
  const identity = OpenStackClient.create(config, { userAgent: 'peak-scheduler-sdk' }).identity;
  return {
    getToken: async ({ rejected } = {}) => (await identity.issueToken(rejected)).token,
    describe: () => describeCloudConfig(config),
  };
}

export interface ConnectOptions extends KeystoneAuthOptions, Partial<Pick<PeakClientOptions, 'timeoutMs' | 'fetch' | 'headers'>> {
  /** The API's root URL; default `PEAK_URL`. */
  url?: string;
  /** A token to use as it is; default `PEAK_TOKEN`, else Keystone from `clouds.yaml` / `OS_*`. */
  token?: string;
}

/** A `PeakClient` from the environment: `PEAK_URL`, and `PEAK_TOKEN` or the cloud's credentials. */
export function connect(options: ConnectOptions = {}): PeakClient {
  const env = options.env ?? process.env;
  const url = options.url ?? env['PEAK_URL']?.trim();
  if (!url) throw new TypeError("Peak Scheduler's URL is not set: set PEAK_URL (e.g. https://peak.example.org) or pass `url`");
  const token = options.token ?? (env['PEAK_TOKEN']?.trim() || undefined);
  const auth = token ?? keystoneAuth(options);
  return new PeakClient({ url, auth, timeoutMs: options.timeoutMs, fetch: options.fetch, headers: options.headers });
}
