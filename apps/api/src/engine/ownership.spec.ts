import { isServerDeleted } from '@peak/openstack-client';
import { installationTag, isVisibleTo, METADATA, OWNER_TAG, ownershipMetadata, ownershipOf, ownershipTags, serverName } from './ownership';

describe('ownership', () => {
  const scheduleId = '0b0e8c2e-7a38-4a57-9b8a-2f7c2e1d9a10';
  const runId = 'c9a0e5de-2d0f-4f61-8f1e-5f5e4b9a3c21';
  const installationId = '5d1f3b8e-0c2a-4f7e-9a61-7b2c4d8e9f01';
  const other = 'e2a7c1d4-9b3f-4e8a-8c5d-1f2e3a4b5c6d';
  const windowStart = new Date('2026-11-27T08:00:00Z');
  const owner = { installationId, scheduleId, runId };

  it('round-trips the owner through tags and metadata', () => {
    const server = { tags: ownershipTags(owner), metadata: ownershipMetadata({ ...owner, slot: 3 }, windowStart) };
    expect(ownershipOf(server)).toEqual({ installationId, scheduleId, runId, slot: 3 });
    expect(server.tags).toContain(`peak-installation:${installationId}`);
    expect(server.metadata[METADATA.windowStart]).toBe('2026-11-27T08:00:00.000Z');
    expect(server.metadata[METADATA.installationId]).toBe(installationId);
  });

  it("sees its own installation's VMs, never another's, and a legacy VM only when its run is known", () => {
    const metadata = ownershipMetadata({ ...owner, slot: 1 }, windowStart);
    const known = (id: string) => id === runId;
    const unknown = () => false;
    expect(isVisibleTo({ tags: ownershipTags(owner), metadata }, installationId, unknown)).toBe(true);
    expect(isVisibleTo({ tags: ownershipTags({ ...owner, installationId: other }), metadata }, installationId, known)).toBe(false);
    // Made by a version that did not tag its installation.
    const legacy = { tags: ownershipTags(owner).filter((t) => t !== installationTag(installationId)), metadata };
    expect(ownershipOf(legacy)?.installationId).toBeNull();
    expect(isVisibleTo(legacy, installationId, known)).toBe(true);
    expect(isVisibleTo(legacy, installationId, unknown)).toBe(false);
    expect(isVisibleTo({ tags: ['web'], metadata: {} }, installationId, known)).toBe(false);
  });

  it('respects Nova tag limits: at most 60 characters, no slash or comma', () => {
    for (const tag of ownershipTags(owner)) {
      expect(tag.length).toBeLessThanOrEqual(60);
      expect(tag).not.toMatch(/[/,]/);
    }
  });

  it('disowns servers without the owner tag or with incomplete marks', () => {
    const metadata = ownershipMetadata({ ...owner, slot: 1 }, windowStart);
    expect(ownershipOf({ tags: ownershipTags(owner).slice(1), metadata })).toBeNull();
    expect(ownershipOf({ tags: [OWNER_TAG], metadata })).toBeNull();
    expect(ownershipOf({ tags: ownershipTags(owner), metadata: {} })).toBeNull();
    expect(ownershipOf({ tags: ['web'], metadata: {} })).toBeNull();
  });

  it('names VMs readably and uniquely per schedule, window and slot', () => {
    expect(serverName('Black Friday (EU)', windowStart, 3)).toBe('black-friday-eu-20261127t0800z-3');
    expect(serverName('Ünïcödé!!', windowStart, 1)).toBe('unicode-20261127t0800z-1');
    expect(serverName('***', windowStart, 1)).toBe('peak-20261127t0800z-1');
    expect(serverName('x'.repeat(300), windowStart, 12).length).toBeLessThanOrEqual(80);
  });

  it('counts a server Nova still lists as DELETED or SOFT_DELETED as gone', () => {
    expect(isServerDeleted({ status: 'DELETED' })).toBe(true);
    expect(isServerDeleted({ status: 'SOFT_DELETED' })).toBe(true);
    for (const status of ['ACTIVE', 'BUILD', 'ERROR', 'SHUTOFF'] as const) expect(isServerDeleted({ status })).toBe(false);
  });
});
