import type { FieldErrorDto } from '../common/api-error.dto';
import type { LaunchOptionsDto } from './dto/launch-options.dto';
import { DEFAULT_DRAIN_SECONDS, type LaunchOptions } from './entities/launch-options';

/**
 * The rules between launch fields that a field's own validation cannot see, as 400 rows: a zone and a spread, or
 * a server group with both (or neither) a policy and an id.
 */
export function launchProblems(launch: LaunchOptionsDto | LaunchOptions | undefined): FieldErrorDto[] {
  if (!launch) return [];
  const problems: FieldErrorDto[] = [];
  if (launch.availabilityZone !== undefined && launch.spreadAcrossZones)
    problems.push({
      field: 'launch.spreadAcrossZones',
      reason: 'cannot be combined with availabilityZone: give one zone, or spread over all of them',
      constraint: 'exclusive',
    });
  const group = launch.serverGroup;
  if (group && (group.policy === undefined) === (group.id === undefined))
    problems.push({
      field: 'launch.serverGroup',
      reason: 'give either policy (a server group made for each run) or id (an existing server group), not both',
      constraint: 'exactlyOne',
    });
  return problems;
}

/** The options as stored: only the fields given, a boot volume deleted with its VM unless told otherwise. */
export function normalizeLaunch(launch: LaunchOptionsDto | undefined): LaunchOptions {
  if (!launch) return {};
  const plain = JSON.parse(JSON.stringify(launch)) as LaunchOptions;
  if (plain.bootVolume) plain.bootVolume = { ...plain.bootVolume, deleteOnTermination: plain.bootVolume.deleteOnTermination ?? true };
  if (plain.spreadAcrossZones === false) delete plain.spreadAcrossZones;
  if (plain.loadBalancer)
    plain.loadBalancer = {
      ...plain.loadBalancer,
      weight: plain.loadBalancer.weight ?? 1,
      drainSeconds: plain.loadBalancer.drainSeconds ?? DEFAULT_DRAIN_SECONDS,
    };
  return plain;
}
