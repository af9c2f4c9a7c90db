import { defineConfig } from './env';

/** Limits and defaults of schedules, validated at boot. */
export const schedulerConfig = defineConfig('scheduler', (env) => ({
  /** Most VMs one schedule may ask for per window (`SCHEDULER_MAX_INSTANCE_COUNT`, default 50). */
  maxInstanceCount: env.int('SCHEDULER_MAX_INSTANCE_COUNT', 50, { min: 1, max: 10_000 }),
  /** Lead time of a schedule created without one (`SCHEDULER_DEFAULT_LEAD_TIME_MINUTES`, default 5). */
  defaultLeadTimeMinutes: env.int('SCHEDULER_DEFAULT_LEAD_TIME_MINUTES', 5, { min: 0, max: 1440 }),
  /**
   * A schedule whose next provisioning starts within this many minutes is `upcoming`, otherwise `idle`
   * (`SCHEDULER_UPCOMING_HORIZON_MINUTES`, default 60).
   */
  upcomingHorizonMinutes: env.int('SCHEDULER_UPCOMING_HORIZON_MINUTES', 60, { min: 0, max: 7 * 24 * 60 }),
  /**
   * How long a page of `GET /v1/schedules` is served again to identical queries (`SCHEDULER_LIST_CACHE_MS`,
   * default 1000; 0 turns it off). Changes through this replica, and engine passes on it, drop it at once;
   * another replica's changes show within this time plus one database read (an expired page is served while it is
   * read again, for up to twice this time).
   */
  listCacheMs: env.int('SCHEDULER_LIST_CACHE_MS', 1000, { min: 0, max: 60_000 }),
  /** Per-call timeout of the image/flavor/network existence checks (`SCHEDULER_REFERENCE_CHECK_TIMEOUT_MS`, default 10 s). */
  referenceCheckTimeoutMs: env.int('SCHEDULER_REFERENCE_CHECK_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
  /**
   * Roles the creator of a schedule delegates to the service user through the Keystone trust the engine acts
   * through (`TRUST_ROLES`, default `member`: enough to create and delete servers in the project).
   */
  trustRoles: env.list('TRUST_ROLES', ['member']),
  /**
   * Roles delegated too when the creator has them on the project (`TRUST_OPTIONAL_ROLES`, default
   * `load-balancer_member`: Octavia's default policy before new defaults wants it to change pool members).
   */
  trustOptionalRoles: env.list('TRUST_OPTIONAL_ROLES', ['load-balancer_member']),
  /** Days until such a trust expires (`TRUST_EXPIRY_DAYS`, default 0: never; an expired trust fails the next run). */
  trustExpiryDays: env.int('TRUST_EXPIRY_DAYS', 0, { min: 0, max: 3650 }),
  /** Days ahead the capacity check compares the schedules' windows with the quota (`CAPACITY_HORIZON_DAYS`, default 30). */
  capacityHorizonDays: env.int('CAPACITY_HORIZON_DAYS', 30, { min: 1, max: 92 }),
  /** Refuse (422) a create or change that does not fit the quota, instead of saving it with a warning (`CAPACITY_ENFORCE`, default false). */
  capacityEnforce: env.bool('CAPACITY_ENFORCE', false),
}));

export type SchedulerConfig = ReturnType<typeof schedulerConfig>;
