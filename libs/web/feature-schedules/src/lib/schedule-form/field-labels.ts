import { ServerGroupMode } from './launch-form.model';
import { formFieldOf, ScheduleFormPath, WindowKind } from './schedule-form.model';

const WAIT_FOR_ONLINE_LABEL = 'Wait until the health monitor sees each VM ONLINE';

/** Each control of the form by the label it shows, for messages that name a field. */
export const FIELD_LABELS: Readonly<Record<ScheduleFormPath, string>> = {
  name: 'Name',
  description: 'Description',
  imageId: 'Image',
  flavorId: 'Flavor',
  networkIds: 'Networks',
  instanceCount: 'Number of VMs',
  timeZone: 'Time zone',
  kind: 'Kind of window',
  startDate: 'Start date',
  startTime: 'Start time',
  preset: 'Recurrence',
  presetTime: 'Start time',
  weekday: 'Day of the week',
  cron: 'Cron expression',
  excludedDates: 'Excluded dates',
  validFrom: 'Valid from',
  validUntil: 'Valid until',
  durationMinutes: 'Duration (minutes)',
  leadTimeMinutes: 'Lead time (minutes)',
  enabled: 'Enabled',
  'launch.keyName': 'Key pair',
  'launch.securityGroups': 'Security groups',
  'launch.userData': 'User data',
  'launch.metadata': 'Metadata',
  'launch.tags': 'Tags',
  'launch.placement': 'Placement',
  'launch.availabilityZone': 'Availability zone',
  'launch.serverGroupMode': 'Server group',
  'launch.serverGroupPolicy': 'Policy',
  'launch.serverGroupId': 'Server group',
  'launch.bootVolume': 'Boot from a new volume',
  'launch.bootVolumeSizeGiB': 'Volume size (GiB)',
  'launch.volumeType': 'Volume type',
  'launch.deleteOnTermination': 'Delete with the VM',
  'launch.configDrive': 'Config drive',
  'launch.description': 'VM description',
  'launch.hostnamePrefix': 'Hostname prefix',
  'launch.loadBalancer': 'Put the VMs behind a load balancer',
  'launch.loadBalancerId': 'Load balancer',
  'launch.poolId': 'Pool',
  'launch.protocolPort': 'Port the VMs serve on',
  'launch.memberSubnetId': 'Subnet (id)',
  'launch.memberWeight': 'Weight',
  'launch.monitorAddress': 'Monitor address',
  'launch.monitorPort': 'Monitor port',
  'launch.waitForOnline': WAIT_FOR_ONLINE_LABEL,
  'launch.drainSeconds': 'Drain (seconds)',
};

/** Fields of the API the form edits without a control of that name (a mode, a checkbox without an error line). */
const API_ONLY_LABELS: Readonly<Record<string, string>> = {
  'launch.configDrive': FIELD_LABELS['launch.configDrive'],
  'launch.spreadAcrossZones': 'Spread across zones',
  'launch.loadBalancer.waitForOnline': WAIT_FOR_ONLINE_LABEL,
  launch: 'Advanced launch options',
  window: 'When',
};

/**
 * How a person finds a field the API names (`window.cron`, `networkIds.0`, `launch.configDrive`): the label the
 * form shows for it, else its name in words ("somethingElse" → "Something else").
 */
export function fieldLabelOf(apiField: string, kind: WindowKind, serverGroupMode: ServerGroupMode = 'none'): string {
  const field = formFieldOf(apiField, kind, serverGroupMode);
  if (field) return FIELD_LABELS[field];
  const path = apiField.split('.').filter((part) => !/^\d+$/.test(part));
  const known = API_ONLY_LABELS[path.join('.')];
  if (known) return known;
  const words = (path.at(-1) ?? apiField).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A reason of the API as a person reads it: without the names of the server's settings ("(SCHEDULER_MAX_…)"). */
export function humanReason(reason: string): string {
  return reason.replace(/\s*\((?:[A-Z][A-Z0-9]*_)+[A-Z0-9]+\)/g, '').trim();
}
