import { registerAs, type ConfigObject } from '@nestjs/config';

/** The variables a namespace reads (process.env, or a test's own). */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A parsed value, or why the text is not one. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/**
 * Reads one config namespace from the environment. Every read names its variable, its default and its rule; a
 * bad value is collected (not thrown at once), so `done()` reports every bad variable of the namespace in one
 * error, each with its name, the rule and the value given. An unset or empty variable takes the default.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: EnvSource = process.env) {}

  /** The raw text, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, range: { min: number; max?: number }): number {
    const { min, max = Number.MAX_SAFE_INTEGER } = range;
    const rule = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    return this.parse(name, fallback, (raw) => {
      const value = Number(raw.trim());
      return Number.isInteger(value) && value >= min && value <= max ? { ok: true, value } : { ok: false, reason: `must be ${rule}` };
    });
  }

  bool(name: string, fallback: boolean): boolean {
    return this.parse(name, fallback, (raw) => {
      const text = raw.trim().toLowerCase();
      if (TRUE.includes(text)) return { ok: true, value: true };
      if (FALSE.includes(text)) return { ok: true, value: false };
      return { ok: false, reason: 'must be true or false' };
    });
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    return this.parse(name, fallback, (raw) => {
      const text = raw.trim().toLowerCase();
      const value = values.find((v) => v === text);
      return value !== undefined ? { ok: true, value } : { ok: false, reason: `must be one of ${values.join(', ')}` };
    });
  }

  /** A comma-separated list; blanks and repeats dropped. */
  list(name: string, fallback: readonly string[]): string[] {
    const raw = this.raw(name);
    if (raw === undefined) return [...fallback];
    return [
      ...new Set(
        raw
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      ),
    ];
  }

  /** Any other rule: `parse` turns the text into a value or a reason. */
  parse<T>(name: string, fallback: T, parse: (raw: string) => Parsed<T>): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const parsed = parse(raw);
    if (parsed.ok) return parsed.value;
    this.problem(name, parsed.reason, raw);
    return fallback;
  }

  /** A problem found across variables (two names that must differ, say). */
  problem(name: string, reason: string, raw?: string): void {
    this.problems.push(`  ${name}: ${reason}${raw === undefined ? '' : ` (got "${raw}")`}`);
  }

  /** The namespace's values, or one error naming every bad variable. */
  done<T>(value: T): T {
    if (this.problems.length > 0) throw new Error(`Invalid environment configuration:\n${this.problems.join('\n')}`);
    return value;
  }
}

/**
 * One config namespace for `ConfigModule`: `read` declares each variable through the reader, and the API stops at
 * start-up with every bad variable named.
 */
export function defineConfig<T extends ConfigObject>(namespace: string, read: (env: EnvReader) => T) {
  return registerAs<T, () => T>(namespace, (): T => {
    const env = new EnvReader();
    return env.done(read(env));
  });
}
