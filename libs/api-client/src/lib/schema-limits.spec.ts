import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaLimits } from '../index';

interface Spec {
  components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
}

const LIMIT_KEYS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'default',
];

describe('schemaLimits', () => {
  const spec = JSON.parse(readFileSync(join(__dirname, '../../../../apps/api/openapi.json'), 'utf8')) as Spec;

  it('states the limits and defaults of the schedule bodies', () => {
    expect(schemaLimits.CreateScheduleDto.name).toEqual({ minLength: 1, maxLength: 100 });
    expect(schemaLimits.CreateScheduleDto.leadTimeMinutes).toEqual({ minimum: 0, maximum: 1440, default: 5 });
    expect(schemaLimits.CreateScheduleDto.instanceCount).toEqual({ minimum: 1, maximum: 10000 });
    expect(schemaLimits.CreateScheduleDto.timeZone).toEqual({ default: 'UTC' });
    expect(schemaLimits.CreateScheduleDto.enabled).toEqual({ default: true });
  });

  it('holds exactly what the committed spec states, property by property', () => {
    const fromSpec: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [schemaName, schema] of Object.entries(spec.components.schemas)) {
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        const limits = Object.fromEntries(LIMIT_KEYS.filter((key) => property[key] !== undefined).map((key) => [key, property[key]]));
        if (Object.keys(limits).length > 0) (fromSpec[schemaName] ??= {})[name] = limits;
      }
    }

    expect(schemaLimits).toEqual(fromSpec);
  });

  it('has no defaults in the PATCH body, where a missing field keeps its value', () => {
    for (const limits of Object.values(schemaLimits.UpdateScheduleDto)) expect(limits).not.toHaveProperty('default');
  });
});
