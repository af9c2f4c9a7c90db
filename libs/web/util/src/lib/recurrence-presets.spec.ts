import { cronForPreset, describeCron, presetOfCron } from './recurrence-presets';

describe('recurrence presets', () => {
  it.each([
    [{ preset: 'daily', hour: 8, minute: 0 } as const, '0 8 * * *', 'Every day at 08:00'],
    [{ preset: 'weekdays', hour: 17, minute: 30 } as const, '30 17 * * 1-5', 'Every weekday at 17:30'],
    [{ preset: 'weekly', hour: 6, minute: 5, weekday: 0 } as const, '5 6 * * 0', 'Every Sunday at 06:05'],
  ])('round-trips %o through cron', (choice, cron, description) => {
    expect(cronForPreset(choice)).toBe(cron);
    expect(presetOfCron(cron)).toEqual(choice);
    expect(describeCron(cron)).toBe(description);
  });

  it('reads day 7 as Sunday and tolerates extra spaces', () => {
    expect(presetOfCron(' 0  9 * * 7 ')).toEqual({ preset: 'weekly', hour: 9, minute: 0, weekday: 0 });
  });

  it.each(['*/15 * * * *', '0 8 1 * *', '0 8 * * 1,3', '0 24 * * *', 'garbage'])('treats %s as custom', (cron) => {
    expect(presetOfCron(cron)).toBeNull();
    expect(describeCron(cron)).toBe(`cron “${cron}”`);
  });
});
