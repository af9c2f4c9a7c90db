import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { isOpenStackError, isServerDeleted, OpenStackClient, type Server, type ServerGroupPolicy } from '@peak/openstack-client';
import { Clock } from '../common/clock';
import { engineConfig } from '../config/engine.config';
import { InstallationService } from '../installation/installation.service';
import { EngineMetrics } from '../metrics/engine-metrics';
import { describeError } from '../openstack/describe-error';
import { RunsRepository, type SlotUpdate } from '../runs/runs.repository';
import { Backoffs } from './backoffs';
import { mapWithConcurrency } from './concurrency';
import { CreateIntents } from './create-intents';
import { SlotWrites } from './slot-writes';
import { installationTag, OWNER_TAG, ownershipMetadata, ownershipOf, ownershipTags, RUN_TAG_PREFIX } from './ownership';
import { recordRunError, VM_STATUS, type Action, type Launch, type RunRecord, type SlotRecord } from './planner';
import { runServerGroupName, serverRequest, zoneForSlot } from './launch-request';

/** Server groups of finished runs deleted per pass at most (the rest wait for the next passes). */
const GROUPS_RELEASED_PER_PASS = 20;

/**
 * How long the outcomes of creates gather before each statement. Nothing but the end of the pass waits for them (a
 * crash before they are written leaves the intents, and the next leader finds those VMs by their tags), so a window
 * of 500 VMs records its servers in about one statement per 50 ms of its burst, not one per database round trip (about
 * 100 statements for 500 creates on the benchmark's machine), and the statements leave the burst's cores to the creates.
 */
const OUTCOME_GATHER_MS = 50;

type CloudAction = Extract<Action, { kind: 'create' | 'delete' }>;

/** What applying a plan did. */
export interface ExecutionReport {
  /** Every run as it stands after the actions (tracked records, with the outcome of their calls). */
  runs: Map<string, RunRecord>;
  created: number;
  deleted: number;
  /** The lease was lost during the pass: the calls not yet sent were dropped, and nothing more may be written. */
  fenced: boolean;
  /** Creates refused for lack of quota, by the project each was for. */
  quotaRefusals: Launch['project'][];
}

/** Asked before every create and delete: whether this replica still holds the lease it planned under. */
export type LeaseGuard = () => Promise<boolean>;

/**
 * Applies the planner's actions: the only part of the engine that calls Nova or writes run rows. Cloud calls
 * run in parallel with bounded concurrency, creations first so that a new window starts promptly. A create's
 * intent is written before `POST /servers`, so a crash right after sending is recognised by the next leader.
 * Every call is fenced: the lease is confirmed just before it is sent, and once it is lost nothing more goes out.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger('Engine');
  readonly backoffs: Backoffs;
  /** Server groups being made for runs, by run id. */
  private readonly groupsMaking = new Map<string, Promise<string>>();
  /** Availability zones per trust (or '' for the service's project), for the current pass. */
  private readonly zones = new Map<string, Promise<string[]>>();
  /** Schedules whose trust failed their last create: that trust and the reason (shown by the readiness probe). */
  readonly trustProblems = new Map<string, { trustId: string; reason: string }>();

  /** Slot writes a cloud call waits on (a retry's intent, an adopted VM, a refusal), grouped into one statement per turn. */
  private readonly slotWrites: SlotWrites;
  /** The outcomes of creates (each server's id), gathered for `OUTCOME_GATHER_MS` per statement. */
  private readonly outcomeWrites: SlotWrites;

  constructor(
    private readonly openstack: OpenStackClient,
    private readonly runs: RunsRepository,
    private readonly installation: InstallationService,
    private readonly clock: Clock,
    private readonly metrics: EngineMetrics,
    @Inject(engineConfig.KEY) private readonly config: ConfigType<typeof engineConfig>,
  ) {
    this.backoffs = new Backoffs(config.retryBaseMs);
    this.slotWrites = new SlotWrites((rows) => this.runs.updateSlots(rows));
    this.outcomeWrites = new SlotWrites((rows) => this.runs.updateSlots(rows), OUTCOME_GATHER_MS);
  }

  async execute(actions: readonly Action[], runs: readonly RunRecord[], now: Date, guard: LeaseGuard): Promise<ExecutionReport> {
    const working = new Map(runs.map((run) => [run.id, run]));
    this.zones.clear();
    const calls: CloudAction[] = [];
    const t = this.clock.monotonicMs();
    for (const action of actions) {
      switch (action.kind) {
        case 'track':
          working.set(action.run.id, action.run);
          break;
        case 'back-off-slot':
          this.backoffs.backOffSlot(action.slotId, action.attempt, t);
          break;
        case 'back-off-run':
          this.backoffs.backOffRun(action.runId, t);
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
    const report: ExecutionReport = { runs: working, created: 0, deleted: 0, fenced: false, quotaRefusals: [] };
    const intents = this.intentsOf(calls, working, now);
    // A create's outcome (its server's id) is written beside the next creates, not before them; the pass waits for
    // them all before it saves its runs.
    const outcomes: Promise<void>[] = [];
    let dropped = 0;
    const results = await mapWithConcurrency(calls, this.config.concurrency, async (call) => {
      // Fencing: a replica that lost the lease (paused, partitioned, its renewal starved) sends nothing more.
      if (report.fenced || !(await guard())) {
        report.fenced = true;
        dropped++;
        return false;
      }
      return call.kind === 'create' ? this.create(call, working, now, report, intents, outcomes) : this.remove(call, working, now);
    });
    await Promise.all(outcomes);
    results.forEach((result, i) => {
      if (result.status === 'fulfilled' && result.value) report[calls[i]?.kind === 'create' ? 'created' : 'deleted']++;
    });
    if (dropped > 0) {
      this.metrics.recordFenced(dropped);
      this.logger.warn(`Lease lost during the pass: ${dropped} cloud call(s) not sent; the new leader takes over`);
    }
    return report;
  }

  /**
   * The creates of new slots (not a retry that must first look for the VM an earlier attempt may have made): their
   * intents are written in chunks of the engine's concurrency, in the order the creates go out.
   */
  private intentsOf(calls: readonly CloudAction[], runs: Map<string, RunRecord>, now: Date): CreateIntents {
    const fresh: SlotRecord[] = [];
    for (const call of calls) {
      if (call.kind !== 'create' || call.knownServerId) continue;
      const vm = runs.get(call.runId)?.vms.find((slot) => slot.id === call.slotId);
      if (vm && vm.status !== VM_STATUS.creating) fresh.push(vm);
    }
    return new CreateIntents(fresh, this.config.concurrency, async (chunk) => {
      for (const vm of chunk) markCreating(vm, now);
      await this.runs.updateSlots(chunk.map((vm) => intentOf(vm, now)));
    });
  }

  /** Saves the runs as the pass left them, together (one transaction); the closed runs' backoffs are forgotten. */
  async saveAll(settled: readonly { run: RunRecord; closed: boolean }[], now: Date): Promise<void> {
    await this.runs.saveMany(settled.map(({ run: { vms, ...row } }) => ({ run: { ...row, updatedAt: now }, vms })));
    for (const { run, closed } of settled) if (closed) this.backoffs.forgetRun(run.id, run.vms);
  }

  private async create(
    action: Extract<Action, { kind: 'create' }>,
    runs: Map<string, RunRecord>,
    now: Date,
    report: ExecutionReport,
    intents: CreateIntents,
    outcomes: Promise<void>[],
  ): Promise<boolean> {
    const run = runs.get(action.runId);
    const vm = run?.vms.find((slot) => slot.id === action.slotId);
    if (!run || !vm) return false;
    if (intents.has(vm.id)) await intents.ready(vm.id);
    else {
      if (action.knownServerId && (await this.stillExists(action.knownServerId))) return false;
      // An earlier create of this slot got no answer (timeout, crash): look for its VM by tags and slot before
      // sending another, so a slow cloud never gets the same VM twice.
      if (vm.status === VM_STATUS.creating && (await this.adoptUnanswered(run, vm))) return false;
      markCreating(vm, now);
      await this.slotWrites.write(intentOf(vm, now));
    }
    try {
      // In the schedule's project, through the trust its creator gave the service user (none: the service's own project).
      const { trustId, options } = action.launch;
      const cloud = trustId ? this.openstack.forTrust(trustId) : this.openstack;
      const created = await cloud.compute.createServer(
        serverRequest(action.launch, {
          name: vm.name,
          slot: vm.slot,
          tags: ownershipTags({ installationId: this.installation.id, scheduleId: run.scheduleId, runId: run.id }),
          metadata: ownershipMetadata(
            { installationId: this.installation.id, scheduleId: run.scheduleId, runId: run.id, slot: vm.slot },
            run.windowStart,
          ),
          serverGroupId: await this.serverGroupOf(run, action.launch, cloud),
          availabilityZone: options.spreadAcrossZones ? zoneForSlot(await this.zonesOf(trustId, cloud), vm.slot) : options.availabilityZone,
        }),
      );
      this.trustProblems.delete(run.scheduleId);
      vm.serverId = created.id;
      vm.status = 'BUILD';
      // The last fault stays: beside attempts > 1 it says why this VM is a replacement. Should this write fail, the
      // pass's save of the run writes it (and a crash before that leaves the intent, which finds the VM by tags).
      outcomes.push(
        this.outcomeWrites
          .write({ id: vm.id, serverId: created.id, status: vm.status })
          .catch((error: unknown) => this.logger.warn(`Could not record server ${created.id} of ${vm.name} yet: ${describeError(error)}`)),
      );
      return true;
    } catch (error) {
      if (isOpenStackError(error) && error.isQuotaExceeded) report.quotaRefusals.push(action.launch.project);
      await this.onCreateFailed(run, vm, error, now, action.launch);
      return false;
    }
  }

  /**
   * The server group a run's VMs go in: the schedule's existing one, or the one made for this run (policy), made
   * once before its first VM: found by its name first, so a crash between making it and saving its id costs nothing.
   */
  private serverGroupOf(run: RunRecord, launch: Launch, cloud: OpenStackClient): Promise<string | undefined> {
    const group = launch.options.serverGroup;
    if (!group) return Promise.resolve(undefined);
    if (group.id !== undefined) return Promise.resolve(group.id);
    if (run.serverGroupId) return Promise.resolve(run.serverGroupId);
    // The run's creates go out in parallel: they share one making of the group.
    let making = this.groupsMaking.get(run.id);
    if (!making) {
      making = this.makeRunGroup(run, group.policy ?? 'soft-anti-affinity', cloud).finally(() => this.groupsMaking.delete(run.id));
      this.groupsMaking.set(run.id, making);
    }
    return making;
  }

  private async makeRunGroup(run: RunRecord, policy: ServerGroupPolicy, cloud: OpenStackClient): Promise<string> {
    const name = runServerGroupName(run.id);
    const found = (await cloud.compute.listServerGroups()).find((group) => group.name === name);
    const group = found ?? (await cloud.compute.createServerGroup({ name, policy }));
    run.serverGroupId = group.id;
    await this.runs.setServerGroup(run.id, group.id);
    if (!found) this.logger.log(`Server group ${group.id} (${policy}) made for run ${run.id}`);
    return group.id;
  }

  /** The zones a project can use, asked once per pass and project (for spreading a run's VMs over them). */
  private zonesOf(trustId: string | null, cloud: OpenStackClient): Promise<string[]> {
    const key = trustId ?? '';
    let zones = this.zones.get(key);
    if (!zones) {
      zones = cloud.compute.listAvailabilityZones();
      this.zones.set(key, zones);
      zones.catch(() => this.zones.delete(key));
    }
    return zones;
  }

  /**
   * Deletes the server groups made for runs that are over (their VMs are gone): a few per pass, each retried by the
   * next pass until Nova confirms. A group the schedule named by id is the user's, and never recorded, so never deleted.
   */
  async releaseServerGroups(guard: LeaseGuard): Promise<void> {
    for (const { runId, serverGroupId } of await this.runs.finishedWithServerGroups(GROUPS_RELEASED_PER_PASS)) {
      if (!(await guard())) return;
      try {
        await this.openstack.compute.deleteServerGroup(serverGroupId, { ignoreNotFound: true });
        await this.runs.setServerGroup(runId, null);
      } catch (error) {
        this.logger.warn(`Could not delete server group ${serverGroupId} of run ${runId} (will try again): ${describeError(error)}`);
      }
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

  /**
   * Lists the run's VMs by tag and adopts the one in this slot, if Nova made it after all. Returns whether it did;
   * a listing error is thrown, so the create is not sent blindly.
   */
  private async adoptUnanswered(run: RunRecord, vm: SlotRecord): Promise<boolean> {
    const listed = await this.openstack.compute.listServers({
      tags: [OWNER_TAG, installationTag(this.installation.id), `${RUN_TAG_PREFIX}${run.id}`],
      allProjects: true,
    });
    const found = listed
      .filter((server: Server) => !isServerDeleted(server) && ownershipOf(server)?.slot === vm.slot)
      .sort((a, b) => (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0))[0];
    if (!found) return false;
    this.logger.warn(`The unanswered create of ${vm.name} did make server ${found.id}; adopting it instead of creating again`);
    vm.serverId = found.id;
    vm.status = found.status;
    vm.createdAt = found.created ?? vm.createdAt;
    await this.slotWrites.write({ id: vm.id, serverId: found.id, status: vm.status, createdAt: vm.createdAt });
    return true;
  }

  private async onCreateFailed(run: RunRecord, vm: SlotRecord, error: unknown, now: Date, launch: Launch): Promise<void> {
    const { trustId, project } = launch;
    const trustBroken =
      trustId !== null && isOpenStackError(error) && error.service === 'identity' && [401, 403, 404].includes(error.status);
    if (trustBroken) {
      // Never silent: the run says why, and so does the readiness summary, until a create through the trust works again.
      const reason =
        `The Keystone trust ${trustId} this schedule acts through no longer works (${describeError(error)}): its trustor was ` +
        `deleted, lost the role, or the trust was deleted. A member of the project can take the delegation over ` +
        `(POST /v1/schedules/${run.scheduleId}/delegation, or "Take over" in the console).`;
      this.trustProblems.set(run.scheduleId, { trustId, reason });
      error = new Error(reason);
    }
    const message = describeError(error);
    const answerLost = isOpenStackError(error) && (error.status === 0 || error.status >= 500) && error.fault !== 'MicroversionUnsupported';
    if (answerLost) {
      // The server may exist anyway: keep the intent (CREATING). The grace period counts from now, when the answer
      // was lost, not from when the request was sent; then the slot is looked up by its tags before any retry.
      vm.createdAt = this.clock.now();
      this.logger.warn(`Create of ${vm.name} got no clear answer (${message}); will check by tags before trying again`);
    } else {
      // Refused (quota, bad request...): nothing was made, so this was not a VM failure.
      vm.attempts = Math.max(0, vm.attempts - 1);
      vm.status = VM_STATUS.pending;
      vm.createdAt = null;
    }
    const quota = isOpenStackError(error) && error.isQuotaExceeded;
    vm.faultMessage = message;
    vm.shortfallReason = quota ? 'quota' : 'cloud_error';
    this.backoffs.backOffRun(run.id, this.clock.monotonicMs());
    // A quota is per project: say whose is full, so the operator knows which project to raise it for.
    const runError = isOpenStackError(error) ? error.message : message;
    recordRunError(
      run,
      quota && project ? `Project ${project.name ?? project.id} is out of quota: ${runError}` : runError,
      isOpenStackError(error) ? (error.requestId ?? null) : null,
      now,
    );
    await this.slotWrites.write({
      id: vm.id,
      attempts: vm.attempts,
      status: vm.status,
      createdAt: vm.createdAt,
      faultMessage: message,
      shortfallReason: vm.shortfallReason,
    });
    this.logger.warn(`Could not create ${vm.name} for run ${run.id}: ${message}`);
  }

  private async remove(action: Extract<Action, { kind: 'delete' }>, runs: Map<string, RunRecord>, now: Date): Promise<boolean> {
    this.backoffs.deleteSent(action.serverId, this.clock.monotonicMs());
    try {
      await this.openstack.compute.deleteServer(action.serverId, { ignoreNotFound: true });
      return true;
    } catch (error) {
      const failures = this.backoffs.deleteFailed(action.serverId, this.clock.monotonicMs());
      this.metrics.recordDeleteFailure();
      const run = action.runId ? runs.get(action.runId) : undefined;
      if (run)
        recordRunError(
          run,
          `Could not delete server ${action.serverId}: ${isOpenStackError(error) ? error.message : describeError(error)}`,
          isOpenStackError(error) ? (error.requestId ?? null) : null,
          now,
        );
      this.logger.warn(`Could not delete server ${action.serverId} (${failures} time(s) in a row, backing off): ${describeError(error)}`);
      return false;
    }
  }
}

/** A slot about to be created: CREATING, one attempt more, with no server yet. */
function markCreating(vm: SlotRecord, now: Date): void {
  vm.attempts++;
  vm.status = VM_STATUS.creating;
  vm.createdAt = now;
  vm.serverId = null;
}

/** The write that records a create's intent, before its `POST /servers`. */
function intentOf(vm: SlotRecord, now: Date): SlotUpdate {
  return { id: vm.id, attempts: vm.attempts, status: vm.status, createdAt: now, serverId: null };
}
