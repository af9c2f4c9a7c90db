import type { ServiceType } from '../errors';

/** Which catalog endpoint to use; `publicURL`-style spellings are normalized by the loader. */
export type EndpointInterface = 'public' | 'internal' | 'admin';

/** Keystone v3 password authentication, always scoped to a project (our calls need one). */
export interface PasswordAuth {
  type: 'password';
  /** Normalized to end in `/v3`. */
  authUrl: string;
  username?: string;
  userId?: string;
  password: string;
  userDomainName?: string;
  userDomainId?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
}

/** Keystone v3 application credential: scoped by the credential itself. */
export interface ApplicationCredentialAuth {
  type: 'applicationCredential';
  authUrl: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret: string;
  /** A credential given by name also needs its owner. */
  username?: string;
  userId?: string;
  userDomainName?: string;
  userDomainId?: string;
}

/**
 * Keystone v3 token method (`auth_type: v3token`): an existing token (`OS_TOKEN`, `auth.token`) exchanged for one
 * scoped to the configured project (or, without one, the scope Keystone picks). Keystone never lets the new token
 * outlive the given one: once that expires, the session cannot authenticate any more.
 */
export interface TokenAuth {
  type: 'token';
  authUrl: string;
  token: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
}

export type CloudAuth = PasswordAuth | ApplicationCredentialAuth | TokenAuth;

/** A resolved cloud, whatever its source: what `OpenStackClient.create` needs. Holds secrets: log it with `describeCloudConfig`. */
export interface CloudConfig {
  /** `OS_CLOUD`'s value, or `envvars` when built from `OS_*` alone (openstacksdk's name for it). */
  cloudName: string;
  /** Where it came from, e.g. `/home/me/.config/openstack/clouds.yaml` or `environment`. */
  source: string;
  auth: CloudAuth;
  regionName?: string;
  interface: EndpointInterface;
  /** PEM bundle path (`OS_CACERT`, `cacert`), checked to exist at load time. */
  caCertFile?: string;
  /** False with `OS_INSECURE=true` or `verify: false`. */
  verifyTls: boolean;
  /** Pins the compute microversion (`OS_COMPUTE_API_VERSION`, `compute_api_version`); negotiated when absent. */
  computeApiVersion?: string;
  /** PEM client certificate presented on TLS connections (`OS_CERT`, `cert`), checked to exist at load time. */
  clientCertFile?: string;
  /** PEM private key of `clientCertFile` (`OS_KEY`, `key`); absent when the certificate file holds the key too. */
  clientKeyFile?: string;
  /** Default per-attempt timeout of every call (`OS_API_TIMEOUT`, `api_timeout`, given in seconds); `timeoutMs` of the client options wins. */
  apiTimeoutMs?: number;
  /**
   * URLs used instead of the catalog's, by service (`compute_endpoint_override`, `OS_COMPUTE_ENDPOINT_OVERRIDE`...;
   * `volume_endpoint_override` for block storage). `%(project_id)s` / `$(project_id)s` in them is the token's project.
   */
  endpointOverrides?: Partial<Record<ServiceType, string>>;
}

/** A one-line, secret-free description for start-up logs. */
export function describeCloudConfig(config: CloudConfig): string {
  const a = config.auth;
  const who =
    a.type === 'password'
      ? `user ${a.username ?? a.userId} project ${a.projectName ?? a.projectId}`
      : a.type === 'token'
        ? `a given token, project ${a.projectName ?? a.projectId ?? '(Keystone default)'}`
        : `application credential ${a.applicationCredentialName ?? a.applicationCredentialId}`;
  const region = config.regionName ? ` region ${config.regionName}` : '';
  return `cloud ${config.cloudName} (${config.source}): ${a.authUrl}, ${who},${region} ${config.interface} endpoints`;
}
