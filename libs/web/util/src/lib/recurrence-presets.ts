/** The shapes of recurrence the form offers besides a raw cron expression. */
export type RecurrencePreset = 'daily' | 'weekdays' | 'weekly' | 'custom';

export interface PresetChoice {
  readonly preset: Exclude<RecurrencePreset, 'custom'>;
  /** Start time of day, in the schedule's zone. */
  readonly hour: number;
  readonly minute: number;
  /** 0 = Sunday … 6 = Saturday (cron's numbering); only for `weekly`. */
  readonly weekday?: number;
}

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** The 5-field cron expression for a preset (minute hour day-of-month month day-of-week). */
export function cronForPreset(choice: PresetChoice): string {
  const head = `${choice.minute} ${choice.hour} * *`;
  switch (choice.preset) {
    case 'daily':
      return `${head} *`;
    case 'weekdays':
      return `${head} 1-5`;
    case 'weekly':
      return `${head} ${choice.weekday ?? 1}`;
  }
}

const PRESET_PATTERN = /^(\d{1,2}) (\d{1,2}) \* \* (\*|1-5|[0-7])$/;

/** Which preset a cron expression is, if any: an existing schedule opens on the preset it was made with. */
export function presetOfCron(cron: string): PresetChoice | null {
  const match = PRESET_PATTERN.exec(cron.trim().replace(/\s+/g, ' '));
  if (!match) return null;
  const minute = Number(match[1]);
  const hour = Number(match[2]);
  const dow = match[3] ?? '*';
  if (minute > 59 || hour > 23) return null;
  if (dow === '*') return { preset: 'daily', hour, minute };
  if (dow === '1-5') return { preset: 'weekdays', hour, minute };
  return { preset: 'weekly', hour, minute, weekday: Number(dow) % 7 };
}

/** "Every weekday at 08:00", or the raw expression when it is not a preset. */
export function describeCron(cron: string): string {
  const choice = presetOfCron(cron);
  if (!choice) return `cron “${cron}”`;
  const time = `${String(choice.hour).padStart(2, '0')}:${String(choice.minute).padStart(2, '0')}`;
  switch (choice.preset) {
    case 'daily':
      return `Every day at ${time}`;
    case 'weekdays':
      return `Every weekday at ${time}`;
    case 'weekly':
      return `Every ${WEEKDAY_NAMES[choice.weekday ?? 1]} at ${time}`;
  }
}
