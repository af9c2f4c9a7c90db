export { OpenStackClient, type OpenStackClientOptions } from './openstack-client';
export {
  OpenStackError,
  isOpenStackError,
  isNotFound,
  isConflict,
  isUnauthorized,
  isForbidden,
  isQuotaExceeded,
  isUnavailable,
  isRetryable,
  isLoadBalancerImmutable,
  LoadBalancerImmutableError,
  type OpenStackErrorInit,
  type ServiceType,
  type ClientFault,
} from './errors';
export { silentLogger, redactHeaders, redactSecrets, type OpenStackLogger, type RequestEvent, type RequestHook } from './logger';
export { loadCloudConfig, normalizeAuthUrl, CloudConfigError, type LoadCloudConfigOptions } from './config/load-cloud-config';
export {
  describeCloudConfig,
  type CloudConfig,
  type CloudAuth,
  type PasswordAuth,
  type ApplicationCredentialAuth,
  type TokenAuth,
  type EndpointInterface,
} from './config/cloud-config';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './http/retry';
export type { RequestOptions } from './service-client';
export type { IdentityClient, UserTokenOptions } from './identity/identity.client';
export type {
  AuthResult,
  TokenInfo,
  PasswordLogin,
  ApplicationCredentialLogin,
  UserRef,
  ProjectRef,
  DomainRef,
  RoleRef,
  CatalogService,
  CatalogEndpoint,
  TokenTrust,
  Trust,
  CreateTrustInput,
  ListTrustsFilter,
} from './identity/identity.models';
export type { ComputeClient, WaitOptions, ListFlavorsFilter } from './compute/compute.client';
export { MIN_COMPUTE_MICROVERSION, PREFERRED_COMPUTE_MICROVERSION } from './compute/microversion';
export {
  isQuotaFault,
  isServerDeleted,
  HOSTNAME_MICROVERSION,
  BDM_VOLUME_TYPE_MICROVERSION,
  SERVER_GROUP_RULES_MICROVERSION,
} from './compute/compute.models';
export type {
  Flavor,
  CreateFlavorRequest,
  Server,
  ServerStatus,
  ServerFault,
  ServerAddress,
  ServerNetworks,
  CreateServerRequest,
  CreatedServer,
  ListServersFilter,
  Limits,
  QuotaUsage,
  BootVolume,
  Keypair,
  ServerGroup,
  ServerGroupPolicy,
  CreateServerGroupRequest,
} from './compute/compute.models';
export type { ImageClient } from './image/image.client';
export type { Image, ListImagesFilter } from './image/image.models';
export type { NetworkClient } from './network/network.client';
export type {
  Network,
  ListNetworksFilter,
  Port,
  ListPortsFilter,
  Subnet,
  ListSubnetsFilter,
  SecurityGroup,
  ListSecurityGroupsFilter,
  ResolvedSecurityGroups,
} from './network/network.models';
export type { BlockStorageClient } from './block-storage/block-storage.client';
export type { Volume, VolumeType, VolumeQuotaUsage, ListVolumesFilter } from './block-storage/block-storage.models';
export type { LoadBalancerClient } from './load-balancer/load-balancer.client';
export { PROVISIONING_STATUSES, OPERATING_STATUSES } from './load-balancer/load-balancer.models';
export type {
  LoadBalancer,
  Pool,
  Member,
  HealthMonitor,
  ProvisioningStatus,
  OperatingStatus,
  LoadBalancerStatusTree,
  ListenerStatus,
  PoolStatus,
  MemberStatus,
  ListLoadBalancersFilter,
  ListPoolsFilter,
  ListMembersFilter,
  ListHealthMonitorsFilter,
  CreateMemberRequest,
  UpdateMemberRequest,
  BatchMember,
} from './load-balancer/load-balancer.models';
