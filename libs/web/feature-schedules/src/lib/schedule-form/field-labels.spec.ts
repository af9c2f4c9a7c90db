import { fieldLabelOf, humanReason } from './field-labels';

describe('field labels', () => {
  it.each([
    ['window.cron', 'recurring', 'Cron expression'],
    ['window.startAt', 'once', 'Start date'],
    ['window.endAt', 'once', 'Duration (minutes)'],
    ['networkIds.0', 'recurring', 'Networks'],
    ['instanceCount', 'recurring', 'Number of VMs'],
    ['launch.securityGroups.1', 'recurring', 'Security groups'],
    ['launch.configDrive', 'recurring', 'Config drive'],
    ['launch.spreadAcrossZones', 'recurring', 'Spread across zones'],
    ['launch.loadBalancer.poolId', 'recurring', 'Pool'],
    ['launch.loadBalancer.subnetId', 'recurring', 'Subnet (id)'],
    ['launch.loadBalancer.waitForOnline', 'recurring', 'Wait until the health monitor sees each VM ONLINE'],
    ['somethingElse', 'recurring', 'Something else'],
  ] as const)('names the API field %s (%s window) as the form shows it: %s', (field, kind, label) => {
    expect(fieldLabelOf(field, kind)).toBe(label);
  });

  it('leaves out the names of the server settings', () => {
    expect(humanReason('must not be greater than 50 (SCHEDULER_MAX_INSTANCE_COUNT)')).toBe('must not be greater than 50');
    expect(humanReason('must be a valid 5-field cron expression: minute 61 is out of range')).toBe(
      'must be a valid 5-field cron expression: minute 61 is out of range',
    );
    expect(humanReason('is odd (see the docs)')).toBe('is odd (see the docs)');
  });
});
