import fc from 'fast-check';
import { seedPropertyTests } from '@peak/testing';
import { startSchedulesTestKit, type SchedulesTestKit } from './testing/schedules-test-kit';

seedPropertyTests(fc);

/**
 * Random bodies against the real `POST /v1/schedules`: whatever arrives, the answer is a 201 with a
 * schedule, or a 400/422 that says what is wrong (a message, and fields with reasons). Never a 500.
 */
describe('POST /v1/schedules with random bodies', () => {
  let kit: SchedulesTestKit;
  let counter = 0;

  beforeAll(async () => {
    kit = await startSchedulesTestKit('schedules_property', '2026-05-01T10:00:00Z', { SCHEDULER_MAX_INSTANCE_COUNT: '20' });
  });

  afterAll(async () => {
    await kit?.close();
  });

  /** Anything at all, or a value of the right type, or a valid one: so that runs get past the first check. */
  const junk = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 12 }),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.object({ maxDepth: 1 }),
  );
  const maybe = <T>(arb: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: fc.constant(undefined) });

  const instant = fc.oneof(
    fc
      .date({
        min: new Date('2025-01-01T00:00:00Z'),
        max: new Date('2028-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString()),
    fc.constantFrom(
      '2026-03-29T02:30:00+01:00',
      '2026-05-01T10:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-05-02T10:00',
      'tomorrow',
      '2026-02-30T10:00:00Z',
    ),
  );
  const cronField = fc.oneof(
    fc.constant('*'),
    fc.integer({ min: -1, max: 61 }).map(String),
    fc.constantFrom('*/15', '1-5', 'L', 'MON', '5#2', '?', '*/0', 'x', '1,2,3'),
  );
  const cron = fc.oneof(
    fc.array(cronField, { minLength: 4, maxLength: 6 }).map((f) => f.join(' ')),
    fc.constantFrom('0 9 * * 1-5', '30 2 * * *', '* * * * *', '0 0 30 2 *', '@daily', ''),
  );
  const zone = fc.constantFrom('UTC', 'Europe/Rome', 'America/New_York', 'Australia/Lord_Howe', 'europe/rome', 'Mars/Base', '+01:00', '');
  const window = fc.oneof(
    fc.record(
      {
        type: maybe(fc.constant('once')),
        startAt: maybe(instant),
        endAt: maybe(instant),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        type: maybe(fc.constant('recurring')),
        cron: maybe(cron),
        durationMinutes: maybe(fc.integer({ min: -5, max: 3000 })),
        validFrom: maybe(fc.option(instant)),
        validUntil: maybe(fc.option(instant)),
        excludedDates: maybe(fc.array(fc.constantFrom('2026-12-25', '2026-02-30', '2026-5-1', 'x', '2027-01-01'), { maxLength: 3 })),
      },
      { requiredKeys: [] },
    ),
    junk,
  );

  const body = (refs: SchedulesTestKit['refs']) =>
    fc.record(
      {
        name: maybe(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('', '   ', 'x'.repeat(101), 'tab\there'))),
        description: maybe(fc.string({ maxLength: 30 })),
        imageId: maybe(fc.constantFrom(refs.imageId, refs.imageId, 'no-such-image')),
        flavorId: maybe(fc.constantFrom(refs.flavorId, refs.flavorId, '999')),
        networkIds: maybe(
          fc.oneof(
            fc.constant([...refs.networkIds]),
            fc.constant([refs.networkIds[0]]),
            fc.constant([]),
            fc.constant(['no-such-net']),
            fc.constant([refs.networkIds[0], refs.networkIds[0]]),
          ),
        ),
        instanceCount: maybe(fc.integer({ min: -1, max: 30 })),
        timeZone: maybe(zone),
        window: maybe(window),
        leadTimeMinutes: maybe(fc.integer({ min: -5, max: 1500 })),
        enabled: maybe(fc.boolean()),
        extra: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
      },
      { requiredKeys: [] },
    );

  /** One valid body, for tests that need a schedule to start from. */
  const sampleValid = (refs: SchedulesTestKit['refs']) => ({
    imageId: refs.imageId,
    flavorId: refs.flavorId,
    networkIds: [...refs.networkIds],
    instanceCount: 2,
    timeZone: 'Europe/Rome',
    window: { type: 'recurring', cron: '0 9 * * 1-5', durationMinutes: 60 },
  });

  /** Bodies that should be accepted: valid crons, zones, references, and windows in the future. */
  const validBody = (refs: SchedulesTestKit['refs']) =>
    fc.record(
      {
        name: fc.string({ minLength: 1, maxLength: 20 }).filter((n) => n.trim() !== '' && !/\p{Cc}/u.test(n)),
        imageId: fc.constant(refs.imageId),
        flavorId: fc.constant(refs.flavorId),
        networkIds: fc.constant([...refs.networkIds]),
        instanceCount: fc.integer({ min: 1, max: 20 }),
        timeZone: fc.constantFrom('UTC', 'Europe/Rome', 'America/New_York', 'Australia/Lord_Howe'),
        leadTimeMinutes: fc.integer({ min: 0, max: 30 }),
        window: fc.oneof(
          fc.record(
            {
              type: fc.constant('recurring'),
              cron: fc.constantFrom('0 9 * * 1-5', '30 2 * * *', '15 */2 * * *', '0 0 L * *', '0 18 * * FRI#L'),
              durationMinutes: fc.integer({ min: 1, max: 60 }),
              validFrom: fc.constantFrom(null, '2026-01-01T00:00:00Z', '2026-06-01T00:00:00+02:00'),
              validUntil: fc.constantFrom(null, '2027-01-01T00:00:00Z'),
              excludedDates: fc.constantFrom([], ['2026-12-25']),
            },
            { requiredKeys: ['type', 'cron', 'durationMinutes'] },
          ),
          fc.integer({ min: 1, max: 1000 }).map((hours) => {
            const start = new Date(Date.UTC(2026, 4, 1, 10) + hours * 3_600_000);
            return {
              type: 'once',
              startAt: start.toISOString(),
              endAt: new Date(start.getTime() + 3_600_000).toISOString(),
            };
          }),
        ),
        description: fc.string({ maxLength: 20 }),
        enabled: fc.boolean(),
      },
      {
        requiredKeys: ['name', 'imageId', 'flavorId', 'networkIds', 'instanceCount', 'window'],
      },
    );

  /** A valid body with one or two fields replaced by what the random generator makes of them. */
  const mutatedBody = (refs: SchedulesTestKit['refs']) =>
    fc.tuple(validBody(refs), body(refs)).chain(([valid, random]) =>
      fc.subarray(Object.keys(random), { minLength: 1, maxLength: 2 }).map((keys) => {
        const mutated: Record<string, unknown> = { ...valid };
        for (const key of keys) mutated[key] = (random as Record<string, unknown>)[key];
        return mutated;
      }),
    );

  it('answers 201, or 400/422 naming what is wrong; never 500', async () => {
    const statuses = new Map<number, number>();
    const anyBody = fc.oneof(validBody(kit.refs), mutatedBody(kit.refs), body(kit.refs));
    await fc.assert(
      fc.asyncProperty(anyBody, async (raw) => {
        // Unique names, so that a 409 (name taken) is not produced by the generator repeating itself.
        const name = (raw as { name?: unknown }).name;
        const sent: Record<string, unknown> = {
          ...raw,
          ...(typeof name === 'string' && name.trim() ? { name: `${name}-${counter++}` } : {}),
        };
        const res = await kit.http().post('/v1/schedules').send(JSON.stringify(sent)).set('Content-Type', 'application/json');
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const answer = res.body as {
          id?: string;
          message?: string;
          errors?: { field: string; reason: string }[];
        };
        if (res.status === 201) {
          expect(answer.id).toEqual(expect.any(String));
          return;
        }
        expect([400, 422]).toContain(res.status);
        expect(answer.message).toEqual(expect.any(String));
        expect(answer.errors?.length).toBeGreaterThan(0);
        for (const error of answer.errors ?? []) {
          expect(error.field).toEqual(expect.any(String));
          expect(error.reason).toEqual(expect.any(String));
        }
      }),
      { numRuns: 200 },
    );
    // The generator must reach every outcome, or the property proves little.
    expect([...statuses.keys()].sort()).toEqual([201, 400, 422]);
  }, 120_000);

  it('answers PATCH with 200, or 400/409/422 naming what is wrong; never 500', async () => {
    const created = (
      await kit
        .http()
        .post('/v1/schedules')
        .send({ ...sampleValid(kit.refs), name: `patched-${counter++}` })
        .expect(201)
    ).body as { id: string; version: number };
    let version = created.version;
    const statuses = new Map<number, number>();
    const patch = fc.record(
      {
        version: fc.oneof(
          { weight: 8, arbitrary: fc.constant('current') },
          { weight: 1, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: junk },
        ),
        name: fc.oneof(fc.constant(null), fc.string({ maxLength: 12 }), junk),
        description: fc.oneof(fc.constant(null), fc.string({ maxLength: 12 })),
        instanceCount: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 30 })),
        enabled: fc.oneof(fc.constant(null), fc.boolean(), junk),
        timeZone: fc.oneof(fc.constant(null), zone),
        leadTimeMinutes: fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 2000 })),
        window: fc.oneof(fc.constant(null), window),
        imageId: fc.oneof(fc.constant(null), fc.constantFrom(kit.refs.imageId, 'gone')),
      },
      { requiredKeys: [] },
    );
    // Mostly one or two fields at a time, as people change schedules.
    const fewFields = patch.chain((full) =>
      fc.subarray(Object.keys(full), { maxLength: 2 }).map((keys) => ({
        version: full.version,
        ...Object.fromEntries(keys.map((k) => [k, (full as Record<string, unknown>)[k]])),
      })),
    );
    await fc.assert(
      fc.asyncProperty(fewFields, async (raw) => {
        const sent: Record<string, unknown> = {
          ...raw,
          version: raw.version === 'current' ? version : raw.version,
        };
        if (typeof sent['name'] === 'string' && sent['name'].trim()) sent['name'] = `${sent['name']}-${counter++}`;
        const res = await kit
          .http()
          .patch(`/v1/schedules/${created.id}`)
          .send(JSON.stringify(sent))
          .set('Content-Type', 'application/json');
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const answer = res.body as {
          version?: number;
          message?: string;
          errors?: { field: string; reason: string }[];
        };
        if (res.status === 200) {
          version = answer.version as number;
          return;
        }
        expect([400, 409, 422]).toContain(res.status);
        expect(answer.message).toEqual(expect.any(String));
        if (res.status !== 409) expect(answer.errors?.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
    expect(statuses.has(200) && statuses.has(400)).toBe(true);
  }, 120_000);
});
