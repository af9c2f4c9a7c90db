import { LaunchOptionsDto, LoadBalancerMembershipDto, schemaLimits } from '@peak/api-client';

/** One launch option as the detail page lists it. */
export interface LaunchLine {
  readonly label: string;
  readonly value: string;
}

const number = new Intl.NumberFormat('en-US');

const POLICY_TEXT: Readonly<Record<string, string>> = {
  'anti-affinity': 'anti-affinity',
  'soft-anti-affinity': 'soft anti-affinity',
  affinity: 'affinity',
  'soft-affinity': 'soft affinity',
};

/**
 * The launch options that are set, in words, in the form's order; none for `{}` (Nova's defaults). The pool is
 * named by `poolName` when known (the schedule holds only its id).
 */
export function launchLines(launch: LaunchOptionsDto, poolName?: string | null): LaunchLine[] {
  const lines: LaunchLine[] = [];
  const add = (label: string, value: string) => lines.push({ label, value });
  if (launch.keyName) add('Key pair', launch.keyName);
  if (launch.securityGroups?.length) add('Security groups', launch.securityGroups.join(', '));
  if (launch.userData) add('User data', userDataText(launch.userData));
  const metadata = Object.entries(launch.metadata ?? {});
  if (metadata.length > 0) add('Metadata', metadata.map(([key, value]) => `${key}=${value}`).join(', '));
  if (launch.tags?.length) add('Tags', launch.tags.join(', '));
  if (launch.availabilityZone) add('Availability zone', launch.availabilityZone);
  if (launch.spreadAcrossZones) add('Availability zone', 'Spread across the available zones');
  const group = launch.serverGroup;
  if (group?.policy) add('Server group', `New group per run, ${POLICY_TEXT[group.policy] ?? group.policy}`);
  if (group?.id) add('Server group', `Existing group ${group.id}`);
  const volume = launch.bootVolume;
  if (volume) {
    const type = volume.volumeType ? `${volume.volumeType}` : 'default type';
    const kept = volume.deleteOnTermination === false ? 'kept after the VM' : 'deleted with the VM';
    add('Boot volume', `${volume.sizeGiB} GiB, ${type}, ${kept}`);
  }
  if (launch.configDrive) add('Config drive', 'Yes');
  if (launch.description) add('VM description', launch.description);
  if (launch.hostnamePrefix) add('Hostnames', `${launch.hostnamePrefix}-1, ${launch.hostnamePrefix}-2…`);
  if (launch.loadBalancer) add('Load balancer', membershipText(launch.loadBalancer, poolName));
  return lines;
}

/** `behind pool web-pool:8080, drain 30 s`, then what differs from the API's defaults. */
export function membershipText(member: LoadBalancerMembershipDto, poolName?: string | null): string {
  const defaults = schemaLimits.LoadBalancerMembershipDto;
  const parts = [
    `behind pool ${poolName || member.poolId}:${member.protocolPort}`,
    `drain ${number.format(member.drainSeconds ?? defaults.drainSeconds.default)} s`,
  ];
  if (member.weight !== undefined && member.weight !== defaults.weight.default) parts.push(`weight ${member.weight}`);
  if (member.subnetId) parts.push(`subnet ${member.subnetId}`);
  if (member.monitorAddress || member.monitorPort !== undefined) {
    parts.push(`monitored at ${member.monitorAddress ?? 'its address'}${member.monitorPort !== undefined ? `:${member.monitorPort}` : ''}`);
  }
  if (member.waitForOnline === true) parts.push('ready once ONLINE');
  if (member.waitForOnline === false) parts.push('ready once joined');
  return parts.join(', ');
}

/** `1,234 bytes, first line “#cloud-config”`. */
function userDataText(text: string): string {
  const size = utf8Bytes(text);
  const first = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const shown = first.length > 60 ? `${first.slice(0, 60)}…` : first;
  return `${number.format(size)} bytes${shown ? `, first line “${shown}”` : ''}`;
}

/** Bytes of the text in UTF-8 (a lone surrogate counts as the 3 bytes of its replacement, as the API counts it). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
