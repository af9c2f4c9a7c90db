import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { isOpenStackError, isServerDeleted, OpenStackClient } from '@peak/openstack-client';
import { engineConfig } from '../config/engine.config';
import { describeError } from '../openstack/describe-error';
import { RunsRepository } from '../runs/runs.repository';
import { Backoffs } from './backoffs';
import { mapWithConcurrency } from './concurrency';
import { ownershipMetadata, ownershipTags } from './ownership';
import { recordRunError, VM_STATUS, type Action, type RunRecord, type SlotRecord } from './planner';

type CloudAction = Extract<Action, { kind: 'create' | 'delete' }>;

/** What applying a plan did. */
export interface ExecutionReport {
  /** Every run as it stands after the actions (tracked records, with the outcome of their calls). */
  runs: Map<string, RunRecord>;
  created: number;
  deleted: number;
}

/**
 * Applies the planner's actions: the only part of the engine that calls Nova or writes run rows. Cloud calls
 * run in parallel with bounded concurrency, creations first so that a new window starts promptly. A create's
 * intent is written before `POST /servers`, so a crash right after sending is recognised by the next leader.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger('Engine');
  readonly backoffs: Backoffs;

  constructor(
    private readonly openstack: OpenStackClient,
    private readonly runs: RunsRepository,
    @Inject(engineConfig.KEY) private readonly config: ConfigType<typeof engineConfig>,
  ) {
    this.backoffs = new Backoffs(config.retryBaseMs);
  }

  async execute(actions: readonly Action[], runs: readonly RunRecord[], now: Date): Promise<ExecutionReport> {
    const working = new Map(runs.map((run) => [run.id, run]));
    const calls: CloudAction[] = [];
    for (const action of actions) {
      switch (action.kind) {
        case 'track':
          working.set(action.run.id, action.run);
          break;
        case 'back-off-slot':
          this.backoffs.backOffSlot(action.slotId, action.attempt, now);
          break;
        case 'back-off-run':
          this.backoffs.backOffRun(action.runId, now);
          break;
        case 'reset-run-backoff':
          this.backoffs.resetRun(action.runId);
          break;
        case 'create':
        case 'delete':
          calls.push(action);
          break;
      }
    }
    calls.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'create' ? -1 : 1));
    const results = await mapWithConcurrency(calls, this.config.concurrency, (call) =>
      call.kind === 'create' ? this.create(call, working, now) : this.remove(call, working, now),
    );
    const report: ExecutionReport = { runs: working, created: 0, deleted: 0 };
    results.forEach((result, i) => {
      if (result.status === 'fulfilled' && result.value) report[calls[i]?.kind === 'create' ? 'created' : 'deleted']++;
    });
    return report;
  }

  /** Saves a run as the pass left it; a closed run's backoffs are forgotten. */
  async save(run: RunRecord, closed: boolean, now: Date): Promise<void> {
    const { vms, ...row } = run;
    await this.runs.save({ ...row, updatedAt: now }, vms);
    if (closed) this.backoffs.forgetRun(run.id, vms);
  }

  private async create(action: Extract<Action, { kind: 'create' }>, runs: Map<string, RunRecord>, now: Date): Promise<boolean> {
    const run = runs.get(action.runId);
    const vm = run?.vms.find((slot) => slot.id === action.slotId);
    if (!run || !vm) return false;
    if (action.knownServerId && (await this.stillExists(action.knownServerId))) return false;
    vm.attempts++;
    vm.status = VM_STATUS.creating;
    vm.createdAt = now;
    vm.serverId = null;
    await this.runs.updateSlot(vm.id, { attempts: vm.attempts, status: vm.status, createdAt: now, serverId: null });
    try {
      const created = await this.openstack.compute.createServer({
        name: vm.name,
        imageId: action.launch.imageId,
        flavorId: action.launch.flavorId,
        networks: action.launch.networkIds.map((networkId) => ({ networkId })),
        tags: ownershipTags(run.scheduleId, run.id),
        metadata: ownershipMetadata({ scheduleId: run.scheduleId, runId: run.id, slot: vm.slot }, run.windowStart),
      });
      vm.serverId = created.id;
      vm.status = 'BUILD';
      // The last fault stays: beside attempts > 1 it says why this VM is a replacement.
      await this.runs.updateSlot(vm.id, { serverId: created.id, status: vm.status });
      return true;
    } catch (error) {
      await this.onCreateFailed(run, vm, error, now);
      return false;
    }
  }

  /**
   * A VM we created is missing from the tagged listing: deleted by someone, or (on some clouds) not listed
   * yet. Ask for it by id before replacing it, so a slow listing never causes a duplicate.
   */
  private async stillExists(serverId: string): Promise<boolean> {
    try {
      return !isServerDeleted(await this.openstack.compute.getServer(serverId));
    } catch (error) {
      if (isOpenStackError(error) && error.isNotFound) {
        this.logger.warn(`Server ${serverId} disappeared (deleted outside the engine?); replacing it`);
        return false;
      }
      throw error;
    }
  }

  private async onCreateFailed(run: RunRecord, vm: SlotRecord, error: unknown, now: Date): Promise<void> {
    const message = describeError(error);
    const answerLost = isOpenStackError(error) && (error.status === 0 || error.status >= 500) && error.fault !== 'MicroversionUnsupported';
    if (answerLost) {
      // The server may exist anyway: keep the intent (CREATING); the grace period and the tags decide.
      this.logger.warn(`Create of ${vm.name} got no clear answer (${message}); will check by tags before trying again`);
    } else {
      // Refused (quota, bad request...): nothing was made, so this was not a VM failure.
      vm.attempts = Math.max(0, vm.attempts - 1);
      vm.status = VM_STATUS.pending;
      vm.createdAt = null;
    }
    vm.faultMessage = message;
    vm.shortfallReason = isOpenStackError(error) && error.isQuotaExceeded ? 'quota' : 'cloud_error';
    this.backoffs.backOffRun(run.id, now);
    recordRunError(run, isOpenStackError(error) ? error.message : message, isOpenStackError(error) ? (error.requestId ?? null) : null, now);
    await this.runs.updateSlot(vm.id, {
      attempts: vm.attempts,
      status: vm.status,
      createdAt: vm.createdAt,
      faultMessage: message,
      shortfallReason: vm.shortfallReason,
    });
    this.logger.warn(`Could not create ${vm.name} for run ${run.id}: ${message}`);
  }

  private async remove(action: Extract<Action, { kind: 'delete' }>, runs: Map<string, RunRecord>, now: Date): Promise<boolean> {
    this.backoffs.deleteSent(action.serverId, now);
    try {
      await this.openstack.compute.deleteServer(action.serverId, { ignoreNotFound: true });
      return true;
    } catch (error) {
      this.backoffs.deleteFailed(action.serverId);
      const run = action.runId ? runs.get(action.runId) : undefined;
      if (run)
        recordRunError(
          run,
          isOpenStackError(error) ? error.message : describeError(error),
          isOpenStackError(error) ? (error.requestId ?? null) : null,
          now,
        );
      this.logger.warn(`Could not delete server ${action.serverId}: ${describeError(error)}`);
      return false;
    }
  }
}
