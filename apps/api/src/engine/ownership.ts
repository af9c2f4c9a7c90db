import type { Server } from '@peak/openstack-client';

/**
 * How the engine marks the VMs it owns, so that it always finds them again (after a crash, a restart or a
 * failover) and never touches anyone else's. Nova tags are indexed and filterable (`GET /servers?tags=`);
 * metadata repeats the same facts for humans and other tools. Nova's limits: 50 tags of at most 60
 * characters without `/` or `,`; metadata keys up to 255 characters.
 */
export const OWNER_TAG = 'peak-scheduler';
const SCHEDULE_TAG_PREFIX = 'peak-schedule:';
const RUN_TAG_PREFIX = 'peak-run:';

export const METADATA = {
  scheduleId: 'peak-scheduler:schedule-id',
  runId: 'peak-scheduler:run-id',
  slot: 'peak-scheduler:slot',
  windowStart: 'peak-scheduler:window-start',
} as const;

export interface Ownership {
  scheduleId: string;
  runId: string;
  /** 1-based slot of the VM within its run. */
  slot: number;
}

export function ownershipTags(scheduleId: string, runId: string): string[] {
  return [OWNER_TAG, `${SCHEDULE_TAG_PREFIX}${scheduleId}`, `${RUN_TAG_PREFIX}${runId}`];
}

export function ownershipMetadata(owner: Ownership, windowStart: Date): Record<string, string> {
  return {
    [METADATA.scheduleId]: owner.scheduleId,
    [METADATA.runId]: owner.runId,
    [METADATA.slot]: String(owner.slot),
    [METADATA.windowStart]: windowStart.toISOString(),
  };
}

/**
 * Who owns this server, from its tags (authoritative) and slot metadata; null when it is not ours or its
 * marks are incomplete (then it is never touched).
 */
export function ownershipOf(server: Pick<Server, 'tags' | 'metadata'>): Ownership | null {
  if (!server.tags.includes(OWNER_TAG)) return null;
  const scheduleId = server.tags.find((t) => t.startsWith(SCHEDULE_TAG_PREFIX))?.slice(SCHEDULE_TAG_PREFIX.length);
  const runId = server.tags.find((t) => t.startsWith(RUN_TAG_PREFIX))?.slice(RUN_TAG_PREFIX.length);
  const slot = Number(server.metadata[METADATA.slot]);
  if (!scheduleId || !runId || !Number.isInteger(slot) || slot < 1) return null;
  return { scheduleId, runId, slot };
}

/**
 * A readable, unique VM name: schedule name, window start (UTC, minutes) and slot, e.g.
 * `black-friday-20261127t0800z-3`. Nova does not require unique names; people reading `server list` do.
 */
export function serverName(scheduleName: string, windowStart: Date, slot: number): string {
  const base =
    scheduleName
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'peak';
  const stamp = windowStart.toISOString().slice(0, 16).replace(/[-:]/g, '').toLowerCase();
  return `${base}-${stamp}z-${slot}`;
}
