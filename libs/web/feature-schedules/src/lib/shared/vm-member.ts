import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RunVmMemberDto } from '@peak/api-client';
import { StateChip, StateLook } from '@peak/web/ui';

/** How each step of a VM's pool membership looks. */
export const MEMBER_LOOKS: Readonly<Record<string, StateLook>> = {
  pending: { label: 'Pending', icon: 'hourglass_empty', tone: 'info', hint: 'Not in the pool yet: it joins once ACTIVE' },
  member: { label: 'Member', icon: 'sync', tone: 'progress', hint: 'In the pool; the health monitor has not seen it ONLINE yet' },
  online: { label: 'Online', icon: 'check_circle', tone: 'success', hint: 'In the pool and ONLINE: it serves' },
  draining: { label: 'Draining', icon: 'hourglass_bottom', tone: 'warning', hint: 'Weight 0: no new connections, its open ones finish' },
  removed: { label: 'Removed', icon: 'logout', tone: 'neutral', hint: 'Left the pool; then the VM is deleted' },
};

export interface MemberStep {
  readonly label: string;
  readonly at: string;
}

/** The steps a member has taken, in order, with their instants. */
export function memberSteps(member: RunVmMemberDto): MemberStep[] {
  const steps: [string, string | null][] = [
    ['Joined', member.joinedAt],
    ['Online', member.onlineAt],
    ['Draining', member.drainingAt],
    ['Removed', member.removedAt],
  ];
  return steps.filter((step): step is [string, string] => step[1] !== null).map(([label, at]) => ({ label, at }));
}

/**
 * A VM's place in its run's load balancer pool: its state as a chip, the member's address, and the time of each step
 * (written out, not only on hover, so that it reads the same by keyboard and screen reader).
 */
@Component({
  selector: 'peak-vm-member',
  imports: [StateChip],
  template: `
    <span class="line">
      <peak-state-chip [state]="member().state" [looks]="looks" />
      @if (member().address; as address) {
        <span class="address">{{ address }}</span>
      }
    </span>
    @if (steps().length > 0) {
      <span class="steps">
        @for (step of steps(); track step.label) {
          <span class="step">{{ step.label }} {{ step.time }}</span>
        }
      </span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      flex-direction: column;
      gap: 2px;
    }
    .line {
      display: inline-flex;
      align-items: center;
      gap: 8px;
    }
    .address {
      font-family: ui-monospace, monospace;
    }
    .steps {
      display: flex;
      flex-wrap: wrap;
      column-gap: 8px;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-body-small);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmMember {
  readonly member = input.required<RunVmMemberDto>();
  /** How an instant is written (the page's zone and format). */
  readonly formatTime = input.required<(instant: string) => string>();
  protected readonly looks = MEMBER_LOOKS;
  protected readonly steps = computed(() => {
    const format = this.formatTime();
    return memberSteps(this.member()).map((step) => ({ label: step.label, time: format(step.at) }));
  });
}
