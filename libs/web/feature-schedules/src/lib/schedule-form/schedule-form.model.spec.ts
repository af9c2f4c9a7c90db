import { ScheduleDto } from '@peak/api-client';
import {
  cronShapeProblem,
  emptyFormValue,
  formFieldOf,
  formValueOf,
  oneOffNotesOf,
  presetCron,
  previewOf,
  requestOf,
  timingOf,
} from './schedule-form.model';

const base: ScheduleDto = {
  id: '8f0c7a52-3f1b-4a39-9d0c-2a3c7b5a1e10',
  name: 'Black Friday',
  description: 'Shop front',
  imageId: 'img',
  flavorId: 'flv',
  networkIds: ['net-a', 'net-b'],
  instanceCount: 4,
  timeZone: 'Europe/Paris',
  leadTimeMinutes: 10,
  enabled: true,
  vmsKeptUntil: null,
  state: 'idle',
  window: { type: 'recurring', cron: '30 17 * * 1-5', durationMinutes: 90, excludedDates: ['2026-12-25'] },
  nextOccurrence: null,
  latestRun: null,
  deletingSince: null,
  createdAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-01T00:00:00Z',
  projectId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  projectName: 'demo',
  domainId: 'default',
  createdBy: null,
  updatedBy: null,
  delegatedBy: null,
  launch: {},
  version: 3,
};

/** A one-off schedule made through the API: its start has seconds, which the form's time field does not show. */
const onceWithSeconds: ScheduleDto = {
  ...base,
  timeZone: 'Europe/Paris',
  window: { type: 'once', startAt: '2026-12-07T09:14:07.250Z', endAt: '2026-12-07T09:34:07.250Z' },
};

describe('schedule form model', () => {
  it('says how long until a one-off start on the schedule zone clock, and nothing for a recurring window', () => {
    const now = new Date('2026-06-01T10:00:00Z');
    const once = {
      ...emptyFormValue('Asia/Tokyo', now),
      kind: 'once' as const,
      startDate: new Date(2026, 5, 1),
      leadTimeMinutes: 0,
    };

    expect(oneOffNotesOf({ ...once, startTime: new Date(2026, 0, 1, 19, 0) }, now)).toEqual({
      hint: 'Starts in less than a minute',
      warning: null,
    });
    expect(oneOffNotesOf({ ...once, startTime: new Date(2026, 0, 1, 18, 59) }, now)).toEqual({
      hint: 'This start is in the past',
      warning: null,
    });
    expect(oneOffNotesOf({ ...once, startDate: new Date(2026, 5, 3), startTime: new Date(2026, 0, 1, 20, 30) }, now)?.hint).toBe(
      'Starts in 2 days 1 h 30 min',
    );
    expect(oneOffNotesOf({ ...once, kind: 'recurring' }, now)).toBeNull();
    expect(oneOffNotesOf({ ...once, startTime: new Date(Number.NaN) }, now)).toBeNull();
  });

  it('has no timing while a date or time is a typo (an invalid date), never a NaN one', () => {
    const invalid = new Date(Number.NaN);
    const once = { ...emptyFormValue('UTC'), kind: 'once' as const, startDate: new Date(2099, 0, 15) };

    expect(timingOf({ ...once, startTime: invalid })).toBeNull();
    expect(timingOf({ ...once, startDate: invalid })).toBeNull();
    expect(requestOf({ ...once, startTime: invalid, name: 'x', imageId: 'i', flavorId: 'f' })).toBeNull();
    expect(presetCron({ preset: 'weekdays', presetTime: invalid, weekday: 1 })).toBeNull();
    expect(presetCron({ preset: 'weekdays', presetTime: new Date(2099, 0, 1, 16, 45), weekday: 1 })).toBe('45 16 * * 1-5');
  });

  it('sends no cron that is not five fields of cron characters (the API checks the rest)', () => {
    const recurring = { ...emptyFormValue('UTC'), kind: 'recurring' as const };

    expect(cronShapeProblem('0 8 * *')).toBe('Needs 5 fields (minute hour day-of-month month day-of-week), not 4');
    expect(cronShapeProblem('NaN NaN * * 1-5')).toBeNull();
    expect(cronShapeProblem('0 8 * * ;')).toBe('“;” is not a cron field');
    expect(cronShapeProblem('*/15 9-17 L * MON-FRI')).toBeNull();
    expect(timingOf({ ...recurring, cron: '0 8 * *' })).toBeNull();
    expect(timingOf({ ...recurring, cron: ' 0 8 * * 1-5 ' })?.window).toMatchObject({ cron: '0 8 * * 1-5' });
  });

  it('reads a one-off start on the schedule zone clock, whatever the browser zone', () => {
    const value = {
      ...emptyFormValue('America/New_York'),
      kind: 'once' as const,
      startDate: new Date(2026, 6, 14),
      startTime: new Date(2026, 0, 1, 9, 30),
      durationMinutes: 45,
      leadTimeMinutes: 0,
    };

    expect(timingOf(value)).toEqual({
      timeZone: 'America/New_York',
      leadTimeMinutes: 0,
      window: { type: 'once', startAt: '2026-07-14T13:30:00.000Z', endAt: '2026-07-14T14:15:00.000Z' },
    });
  });

  it('builds the create body of a recurring schedule', () => {
    const value = { ...formValueOf(base), name: '  Black Friday  ' };

    expect(requestOf(value)).toEqual({
      name: 'Black Friday',
      description: 'Shop front',
      imageId: 'img',
      flavorId: 'flv',
      networkIds: ['net-a', 'net-b'],
      instanceCount: 4,
      enabled: true,
      timeZone: 'Europe/Paris',
      leadTimeMinutes: 10,
      window: { type: 'recurring', cron: '30 17 * * 1-5', durationMinutes: 90, excludedDates: ['2026-12-25'] },
      launch: {},
    });
  });

  it('keeps a validity range it has no field for: an edit sends it back as the schedule has it', () => {
    const window = {
      ...base.window,
      validFrom: '2026-12-01T00:00:00.000Z',
      validUntil: '2027-01-31T23:00:00.000Z',
    } as ScheduleDto['window'];
    const value = formValueOf({ ...base, window });

    expect(requestOf(value)?.window).toEqual({
      type: 'recurring',
      cron: '30 17 * * 1-5',
      durationMinutes: 90,
      excludedDates: ['2026-12-25'],
      validFrom: '2026-12-01T00:00:00.000Z',
      validUntil: '2027-01-31T23:00:00.000Z',
    });
    expect(timingOf(value)?.window).toMatchObject({ validFrom: '2026-12-01T00:00:00.000Z' });
    // Without one, nothing is sent (the API's default: no range).
    expect(requestOf(formValueOf(base))?.window).not.toHaveProperty('validFrom');
  });

  it('sends the whole launch object on save, and launch options in the preview only when some are set', () => {
    const launch = { keyName: 'ops', spreadAcrossZones: true, serverGroup: { policy: 'anti-affinity' as const } };
    const value = formValueOf({ ...base, launch });

    expect(requestOf(value)?.launch).toEqual(launch);
    expect(timingOf(value)?.launch).toEqual(launch);
    expect(timingOf(formValueOf(base))).not.toHaveProperty('launch');
  });

  it('opens a recurring schedule on the preset its cron expression is', () => {
    const sut = formValueOf(base);

    expect(sut).toMatchObject({ kind: 'recurring', preset: 'weekdays', cron: '30 17 * * 1-5' });
    expect([sut.presetTime?.getHours(), sut.presetTime?.getMinutes()]).toEqual([17, 30]);
    expect(formValueOf({ ...base, window: { ...base.window, cron: '*/15 8-18 * * *' } as ScheduleDto['window'] }).preset).toBe('custom');
  });

  it('opens a one-off schedule with its start on the schedule zone clock and its duration', () => {
    const sut = formValueOf({
      ...base,
      timeZone: 'Asia/Tokyo',
      window: { type: 'once', startAt: '2026-12-24T23:00:00Z', endAt: '2026-12-25T03:00:00Z' },
    });

    expect(sut.kind).toBe('once');
    expect(sut.startDate?.toDateString()).toBe(new Date(2026, 11, 25).toDateString());
    expect([sut.startTime?.getHours(), sut.startTime?.getMinutes()]).toEqual([8, 0]);
    expect(sut.durationMinutes).toBe(240);
  });

  it('is incomplete without the references or the timing', () => {
    expect(requestOf(emptyFormValue('UTC'))).toBeNull();
    expect(timingOf({ ...emptyFormValue('UTC'), cron: '  ' })).toBeNull();
    expect(timingOf({ ...emptyFormValue('UTC'), timeZone: null })).toBeNull();
  });

  it.each([
    ['name', 'recurring', 'name'],
    ['networkIds.1', 'recurring', 'networkIds'],
    ['window.cron', 'recurring', 'cron'],
    ['window.durationMinutes', 'recurring', 'durationMinutes'],
    ['window.excludedDates.0', 'recurring', 'excludedDates'],
    ['window.startAt', 'once', 'startDate'],
    ['window.endAt', 'once', 'durationMinutes'],
    ['window', 'once', 'startDate'],
    ['window.type', 'recurring', 'cron'],
    ['version', 'recurring', null],
    ['launch.keyName', 'recurring', 'launch.keyName'],
    ['launch.securityGroups.1', 'recurring', 'launch.securityGroups'],
    ['launch.userData', 'once', 'launch.userData'],
    ['launch.metadata', 'recurring', 'launch.metadata'],
    ['launch.tags.3', 'recurring', 'launch.tags'],
    ['launch.bootVolume.sizeGiB', 'recurring', 'launch.bootVolumeSizeGiB'],
    ['launch.bootVolume.volumeType', 'recurring', 'launch.volumeType'],
    ['launch.serverGroup.id', 'recurring', 'launch.serverGroupId'],
    ['launch.hostnamePrefix', 'recurring', 'launch.hostnamePrefix'],
    ['launch.spreadAcrossZones', 'recurring', null],
    ['launch', 'recurring', null],
  ] as const)('puts the API field %s on the form field (%s window) %s', (apiField, kind, expected) => {
    expect(formFieldOf(apiField, kind)).toBe(expected);
  });

  it('adds what the quota check needs to the preview once a flavor and a valid count are chosen; an edit names its schedule', () => {
    const value = formValueOf(base);
    const timing = timingOf(value);
    expect(previewOf(value, base)).toEqual({ ...timing, flavorId: 'flv', instanceCount: 4, enabled: true, scheduleId: base.id });
    expect(previewOf(value)).toEqual({ ...timing, flavorId: 'flv', instanceCount: 4, enabled: true });
    expect(previewOf({ ...value, flavorId: null })).toEqual(timing);
    expect(previewOf({ ...value, instanceCount: 0 })).toEqual(timing);
    // An edit always names its schedule, so that a one-off window under way is judged as its save would be.
    expect(previewOf({ ...value, flavorId: null }, base)).toEqual({ ...timing, scheduleId: base.id });
    expect(previewOf({ ...value, timeZone: '' })).toBeNull();
  });

  it('keeps a saved one-off start with seconds while the form leaves it on its minute, so the end of a window under way can move', () => {
    const saved = onceWithSeconds;
    const value = formValueOf(saved);
    expect(requestOf(value, saved)?.window).toEqual(saved.window);
    // 30 minutes longer: the same start, the end 30 minutes later.
    expect(requestOf({ ...value, durationMinutes: 50 }, saved)?.window).toEqual({ ...saved.window, endAt: '2026-12-07T10:04:07.250Z' });
    expect(previewOf(value, saved)).toMatchObject({ window: saved.window, scheduleId: saved.id });
    // A start moved to another minute is the form's, to the minute; so is a new schedule's.
    expect(requestOf({ ...value, startTime: new Date(2026, 0, 1, 10, 20) }, saved)?.window).toEqual({
      type: 'once',
      startAt: '2026-12-07T09:20:00.000Z',
      endAt: '2026-12-07T09:40:00.000Z',
    });
    expect(requestOf(value)?.window).toEqual({ type: 'once', startAt: '2026-12-07T09:14:00.000Z', endAt: '2026-12-07T09:34:00.000Z' });
  });

  it("says a saved one-off window kept at its start is under way or over, and any other past start is the form's own", () => {
    const saved = onceWithSeconds;
    const value = formValueOf(saved);
    const at = (iso: string) => new Date(iso);
    expect(oneOffNotesOf(value, at('2026-12-07T09:14:30Z'), saved)?.hint).toBe(
      'Under way, started less than a minute ago: its end may move',
    );
    expect(oneOffNotesOf(value, at('2026-12-07T09:26:10Z'), saved)).toEqual({
      hint: 'Under way, started 12 min ago: its end may move',
      warning: null,
    });
    // Still under way by the form's longer duration, but the saved end has passed: that window is over.
    expect(oneOffNotesOf({ ...value, durationMinutes: 60 }, at('2026-12-07T09:40:00Z'), saved)?.hint).toBe(
      'This window is over: a new start makes a new window',
    );
    // Without the saved schedule (a new one), or with the start moved to another past minute, it is a past start.
    expect(oneOffNotesOf(value, at('2026-12-07T09:26:10Z'))?.hint).toBe('This start is in the past');
    expect(oneOffNotesOf({ ...value, startTime: new Date(2026, 0, 1, 10, 10) }, at('2026-12-07T09:26:10Z'), saved)?.hint).toBe(
      'This start is in the past',
    );
  });
});
