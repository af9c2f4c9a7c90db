import { AbstractControl, FormArray, ValidationErrors, ValidatorFn } from '@angular/forms';
import { LaunchOptionsDto, LoadBalancerMembershipDto, schemaLimits, ServerGroupOptionDto } from '@peak/api-client';
import { utf8Bytes } from '../shared/launch-text';

export type PlacementMode = 'any' | 'zone' | 'spread';
export type ServerGroupMode = 'none' | 'new' | 'existing';
export type ServerGroupPolicy = NonNullable<ServerGroupOptionDto['policy']>;

export const SERVER_GROUP_POLICIES: readonly { value: ServerGroupPolicy; label: string }[] = [
  { value: 'anti-affinity', label: 'Anti-affinity (each VM on another host, or fail)' },
  { value: 'soft-anti-affinity', label: 'Soft anti-affinity (other hosts when possible)' },
  { value: 'affinity', label: 'Affinity (all VMs on one host, or fail)' },
  { value: 'soft-affinity', label: 'Soft affinity (one host when possible)' },
];

/**
 * The API's rules for launch options that its spec cannot state (they live in its validators): the form checks
 * them before sending, the API checks them again.
 */
export const launchRules = {
  /** Nova's limit on `user_data`, once base64-encoded. */
  userDataEncodedBytes: 65_535,
  metadataItems: 100,
  metadataKeyLength: 255,
  metadataValueLength: 255,
  /** Letters, digits, spaces and `- _ : .`, as Nova requires of metadata keys. */
  metadataKey: /^[a-zA-Z0-9-_:. ]+$/,
  tags: 46,
  tagLength: 60,
  /** Tags and metadata keys starting with this are the engine's own. */
  reservedPrefix: 'peak-',
  hostnamePrefix: /^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/,
  description: schemaLimits.LaunchOptionsDto.description,
  securityGroups: schemaLimits.LaunchOptionsDto.securityGroups,
  bootVolumeSizeGiB: schemaLimits.BootVolumeDto.sizeGiB,
  deleteOnTermination: schemaLimits.BootVolumeDto.deleteOnTermination,
  loadBalancer: schemaLimits.LoadBalancerMembershipDto,
} as const;

export interface MetadataRow {
  key: string;
  value: string;
}

/** The "Advanced launch options" part of the form: one control per choice, modes for the either-or options. */
export interface LaunchFormValue {
  keyName: string | null;
  securityGroups: string[];
  userData: string;
  metadata: MetadataRow[];
  tags: string[];
  placement: PlacementMode;
  availabilityZone: string | null;
  serverGroupMode: ServerGroupMode;
  serverGroupPolicy: ServerGroupPolicy;
  serverGroupId: string | null;
  bootVolume: boolean;
  bootVolumeSizeGiB: number | null;
  volumeType: string | null;
  deleteOnTermination: boolean;
  configDrive: boolean;
  description: string;
  hostnamePrefix: string;
  /** Membership of an Octavia pool (`launch.loadBalancer`): off by default. */
  loadBalancer: boolean;
  /** Only a picker's choice (the pools are listed per load balancer): the API takes the pool alone. */
  loadBalancerId: string | null;
  poolId: string | null;
  protocolPort: number | null;
  /** Empty: the load balancer's VIP subnet. */
  memberSubnetId: string;
  memberWeight: number | null;
  monitorAddress: string;
  monitorPort: number | null;
  /** `null`: the API's default, which follows whether the pool has a health monitor. */
  waitForOnline: boolean | null;
  drainSeconds: number | null;
}

export type LaunchFormField = keyof LaunchFormValue;

/** Nova's defaults: nothing set. */
export function emptyLaunchValue(): LaunchFormValue {
  return {
    keyName: null,
    securityGroups: [],
    userData: '',
    metadata: [],
    tags: [],
    placement: 'any',
    availabilityZone: null,
    serverGroupMode: 'none',
    serverGroupPolicy: 'anti-affinity',
    serverGroupId: null,
    bootVolume: false,
    bootVolumeSizeGiB: 20,
    volumeType: null,
    deleteOnTermination: launchRules.deleteOnTermination.default,
    configDrive: false,
    description: '',
    hostnamePrefix: '',
    loadBalancer: false,
    loadBalancerId: null,
    poolId: null,
    protocolPort: null,
    memberSubnetId: '',
    memberWeight: launchRules.loadBalancer.weight.default,
    monitorAddress: '',
    monitorPort: null,
    waitForOnline: null,
    drainSeconds: launchRules.loadBalancer.drainSeconds.default,
  };
}

/** A schedule's launch options (`{}` for Nova's defaults), as the form shows them. */
export function launchValueOf(launch: LaunchOptionsDto): LaunchFormValue {
  const empty = emptyLaunchValue();
  const group = launch.serverGroup;
  const volume = launch.bootVolume;
  return {
    keyName: launch.keyName ?? null,
    securityGroups: [...(launch.securityGroups ?? [])],
    userData: launch.userData ?? '',
    metadata: Object.entries(launch.metadata ?? {}).map(([key, value]) => ({ key, value })),
    tags: [...(launch.tags ?? [])],
    placement: launch.spreadAcrossZones ? 'spread' : launch.availabilityZone ? 'zone' : 'any',
    availabilityZone: launch.availabilityZone ?? null,
    serverGroupMode: group?.id ? 'existing' : group?.policy ? 'new' : 'none',
    serverGroupPolicy: group?.policy ?? empty.serverGroupPolicy,
    serverGroupId: group?.id ?? null,
    bootVolume: volume !== undefined,
    bootVolumeSizeGiB: volume?.sizeGiB ?? empty.bootVolumeSizeGiB,
    volumeType: volume?.volumeType ?? null,
    deleteOnTermination: volume?.deleteOnTermination ?? empty.deleteOnTermination,
    configDrive: launch.configDrive ?? false,
    description: launch.description ?? '',
    hostnamePrefix: launch.hostnamePrefix ?? '',
    ...membershipValueOf(launch.loadBalancer),
  };
}

type MembershipField =
  | 'loadBalancer'
  | 'loadBalancerId'
  | 'poolId'
  | 'protocolPort'
  | 'memberSubnetId'
  | 'memberWeight'
  | 'monitorAddress'
  | 'monitorPort'
  | 'waitForOnline'
  | 'drainSeconds';

/** The load balancer is not in the schedule: the form finds it from the pool once the load balancers are listed. */
function membershipValueOf(member: LoadBalancerMembershipDto | undefined): Pick<LaunchFormValue, MembershipField> {
  const empty = emptyLaunchValue();
  return {
    loadBalancer: member !== undefined,
    loadBalancerId: null,
    poolId: member?.poolId ?? null,
    protocolPort: member?.protocolPort ?? null,
    memberSubnetId: member?.subnetId ?? '',
    memberWeight: member?.weight ?? empty.memberWeight,
    monitorAddress: member?.monitorAddress ?? '',
    monitorPort: member?.monitorPort ?? null,
    waitForOnline: member?.waitForOnline ?? null,
    drainSeconds: member?.drainSeconds ?? empty.drainSeconds,
  };
}

/** `launch.loadBalancer` when on and complete; the API's defaults (weight 1, drain 30 s) are left to it. */
function membershipOf(value: LaunchFormValue): LoadBalancerMembershipDto | null {
  if (!value.loadBalancer || !value.poolId || value.protocolPort === null) return null;
  const defaults = launchRules.loadBalancer;
  const member: LoadBalancerMembershipDto = { poolId: value.poolId, protocolPort: value.protocolPort };
  if (value.memberSubnetId.trim()) member.subnetId = value.memberSubnetId.trim();
  if (value.memberWeight !== null && value.memberWeight !== defaults.weight.default) member.weight = value.memberWeight;
  if (value.monitorAddress.trim()) member.monitorAddress = value.monitorAddress.trim();
  if (value.monitorPort !== null) member.monitorPort = value.monitorPort;
  if (value.waitForOnline !== null) member.waitForOnline = value.waitForOnline;
  if (value.drainSeconds !== null && value.drainSeconds !== defaults.drainSeconds.default) member.drainSeconds = value.drainSeconds;
  return member;
}

/** The `launch` object of a request: only what is set (`{}` is Nova's defaults); the hidden side of a mode is left out. */
export function launchOf(value: LaunchFormValue): LaunchOptionsDto {
  const launch: LaunchOptionsDto = {};
  if (value.keyName) launch.keyName = value.keyName;
  if (value.securityGroups.length > 0) launch.securityGroups = [...value.securityGroups];
  if (value.userData.trim()) launch.userData = value.userData;
  const rows = value.metadata.filter((row) => row.key !== '' || row.value !== '');
  if (rows.length > 0) launch.metadata = Object.fromEntries(rows.map((row) => [row.key, row.value]));
  if (value.tags.length > 0) launch.tags = [...value.tags];
  if (value.placement === 'zone' && value.availabilityZone) launch.availabilityZone = value.availabilityZone;
  if (value.placement === 'spread') launch.spreadAcrossZones = true;
  if (value.serverGroupMode === 'new') launch.serverGroup = { policy: value.serverGroupPolicy };
  if (value.serverGroupMode === 'existing' && value.serverGroupId) launch.serverGroup = { id: value.serverGroupId };
  if (value.bootVolume && value.bootVolumeSizeGiB !== null) {
    launch.bootVolume = {
      sizeGiB: value.bootVolumeSizeGiB,
      ...(value.volumeType ? { volumeType: value.volumeType } : {}),
      deleteOnTermination: value.deleteOnTermination,
    };
  }
  if (value.configDrive) launch.configDrive = true;
  if (value.description.trim()) launch.description = value.description.trim();
  if (value.hostnamePrefix) launch.hostnamePrefix = value.hostnamePrefix;
  const member = membershipOf(value);
  if (member) launch.loadBalancer = member;
  return launch;
}

/** How many launch options are set, for the collapsed section's summary. */
export function launchOptionCount(launch: LaunchOptionsDto): number {
  return Object.keys(launch).length;
}

/** The size of user data once the API has base64-encoded it: what Nova's limit applies to. */
export function encodedUserDataBytes(text: string): number {
  return 4 * Math.ceil(utf8Bytes(text) / 3);
}

/** Each rule gives its reason as the error's value (`{ rule: 'reason' }`), worded like the API's. */
function rule(reason: string | null): ValidationErrors | null {
  return reason === null ? null : { rule: reason };
}

export const userDataValidator: ValidatorFn = (control) => {
  const bytes = encodedUserDataBytes((control.value as string | null) ?? '');
  const max = launchRules.userDataEncodedBytes;
  return rule(bytes > max ? `${bytes.toLocaleString('en-US')} bytes once encoded; at most ${max.toLocaleString('en-US')}` : null);
};

export const metadataKeyValidator: ValidatorFn = (control) => {
  const key = (control.value as string | null) ?? '';
  if (key.length === 0) return { required: true };
  if (key.length > launchRules.metadataKeyLength) return rule(`At most ${launchRules.metadataKeyLength} characters`);
  if (!launchRules.metadataKey.test(key)) return rule('Only letters, digits, spaces and - _ : .');
  if (key.startsWith(launchRules.reservedPrefix)) return rule(`Keys starting with “${launchRules.reservedPrefix}” are the engine’s own`);
  return null;
};

/** The rows together: not too many, no key twice. */
export const metadataRowsValidator: ValidatorFn = (control: AbstractControl) => {
  const rows = ((control as FormArray).getRawValue() as MetadataRow[]) ?? [];
  if (rows.length > launchRules.metadataItems) return rule(`${rows.length} keys; at most ${launchRules.metadataItems}`);
  const seen = new Set<string>();
  for (const { key } of rows) {
    if (seen.has(key)) return rule(`The key “${key}” is given twice`);
    seen.add(key);
  }
  return null;
};

/** A tag's problem, or null. */
export function tagProblem(tag: string): string | null {
  if (tag.length < 1 || tag.length > launchRules.tagLength) return `“${tag}” must be 1-${launchRules.tagLength} characters`;
  if (/[,/]/.test(tag)) return `“${tag}” must not contain “,” or “/”`;
  if (tag.startsWith(launchRules.reservedPrefix))
    return `“${tag}”: tags starting with “${launchRules.reservedPrefix}” are the engine’s own`;
  return null;
}

export const tagsValidator: ValidatorFn = (control) => {
  const tags = (control.value as string[] | null) ?? [];
  if (tags.length > launchRules.tags) return rule(`${tags.length} tags; at most ${launchRules.tags}`);
  for (const tag of tags) {
    const problem = tagProblem(tag);
    if (problem) return rule(problem);
  }
  return null;
};

export const hostnamePrefixValidator: ValidatorFn = (control) => {
  const prefix = (control.value as string | null) ?? '';
  return rule(
    prefix && !launchRules.hostnamePrefix.test(prefix) ? '1-50 lower-case letters, digits or “-”, not starting or ending with “-”' : null,
  );
};

/** Where a launch field named by the API (`launch.securityGroups.1`) is edited; `null` when the form has no place for it. */
export function launchFieldOf(path: readonly string[], serverGroupMode: ServerGroupMode): LaunchFormField | null {
  const [head, sub] = path;
  switch (head) {
    case 'keyName':
    case 'securityGroups':
    case 'userData':
    case 'metadata':
    case 'tags':
    case 'availabilityZone':
    case 'description':
    case 'hostnamePrefix':
      return head;
    case 'serverGroup':
      if (sub === 'id') return 'serverGroupId';
      if (sub === 'policy') return 'serverGroupPolicy';
      return serverGroupMode === 'existing' ? 'serverGroupId' : 'serverGroupPolicy';
    case 'bootVolume':
      return sub === 'volumeType' ? 'volumeType' : 'bootVolumeSizeGiB';
    case 'loadBalancer':
      return membershipFieldOf(sub);
    default:
      return null;
  }
}

/** Where a field of `launch.loadBalancer` is edited; the whole object's problem goes to the pool. */
function membershipFieldOf(sub: string | undefined): LaunchFormField | null {
  switch (sub) {
    case undefined:
    case 'poolId':
      return 'poolId';
    case 'protocolPort':
    case 'monitorAddress':
    case 'monitorPort':
    case 'drainSeconds':
      return sub;
    case 'subnetId':
      return 'memberSubnetId';
    case 'weight':
      return 'memberWeight';
    default:
      // `waitForOnline` is a checkbox, without an error line: its reason goes above the form.
      return null;
  }
}
