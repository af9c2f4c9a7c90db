import type { Server } from '@peak/openstack-client';

/**
 * How the engine marks the VMs it owns, so that it always finds them again (after a crash, a restart or a
 * failover) and never touches anyone else's. Nova tags are indexed and filterable (`GET /servers?tags=`);
 * metadata repeats the same facts for humans and other tools. Nova's limits: 50 tags of at most 60
 * characters without `/` or `,`; metadata keys up to 255 characters.
 */
export const OWNER_TAG = 'peak-scheduler';
const INSTALLATION_TAG_PREFIX = 'peak-installation:';
const SCHEDULE_TAG_PREFIX = 'peak-schedule:';
export const RUN_TAG_PREFIX = 'peak-run:';

export const METADATA = {
  installationId: 'peak-scheduler:installation-id',
  scheduleId: 'peak-scheduler:schedule-id',
  runId: 'peak-scheduler:run-id',
  slot: 'peak-scheduler:slot',
  windowStart: 'peak-scheduler:window-start',
} as const;

export interface Ownership {
  /** The installation that made it; null for a VM made by a version that did not tag it (see `isVisibleTo`). */
  installationId: string | null;
  scheduleId: string;
  runId: string;
  /** 1-based slot of the VM within its run. */
  slot: number;
}

export function installationTag(installationId: string): string {
  return `${INSTALLATION_TAG_PREFIX}${installationId}`;
}

/** The tags of a new VM. Nova's `tags` filter matches all of them: `[OWNER_TAG, installationTag(id)]` lists one installation's. */
export function ownershipTags(owner: Omit<Ownership, 'slot'> & { installationId: string }): string[] {
  return [OWNER_TAG, installationTag(owner.installationId), `${SCHEDULE_TAG_PREFIX}${owner.scheduleId}`, `${RUN_TAG_PREFIX}${owner.runId}`];
}

export function ownershipMetadata(owner: Ownership & { installationId: string }, windowStart: Date): Record<string, string> {
  return {
    [METADATA.installationId]: owner.installationId,
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
  const installationId = server.tags.find((t) => t.startsWith(INSTALLATION_TAG_PREFIX))?.slice(INSTALLATION_TAG_PREFIX.length) ?? null;
  const slot = Number(server.metadata[METADATA.slot]);
  if (!scheduleId || !runId || !Number.isInteger(slot) || slot < 1) return null;
  return { installationId, scheduleId, runId, slot };
}

/**
 * Whether this installation may list, adopt or delete the server. Another installation's VMs are invisible. A VM of
 * a version that did not tag its installation is ours only when its run is known to our database (`knownRun`):
 * an empty database never takes over, let alone deletes, what an older installation made.
 */
export function isVisibleTo(
  server: Pick<Server, 'tags' | 'metadata'>,
  installationId: string,
  knownRun: (runId: string) => boolean,
): boolean {
  const owner = ownershipOf(server);
  if (!owner) return false;
  return owner.installationId === null ? knownRun(owner.runId) : owner.installationId === installationId;
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
