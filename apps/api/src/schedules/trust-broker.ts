import { Inject, Injectable, Logger, UnprocessableEntityException } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { isOpenStackError, OpenStackClient } from '@peak/openstack-client';
import type { ApiErrorDto } from '../common/api-error.dto';
import { schedulerConfig } from '../config/scheduler.config';
import { describeError } from '../openstack/describe-error';
import type { Caller } from './caller';

/**
 * Delegation, as Heat and Aodh do it: the user who creates a schedule gives the service user, through a Keystone
 * trust, the roles the engine needs in the schedule's project; at window time the engine acts through that trust,
 * so the VMs land in the schedule's project and count against its quota. The service user in its own project
 * needs no trust.
 */
@Injectable()
export class TrustBroker {
  private readonly logger = new Logger('Trusts');

  constructor(
    private readonly openstack: OpenStackClient,
    @Inject(schedulerConfig.KEY) private readonly config: ConfigType<typeof schedulerConfig>,
  ) {}

  /** The trust the engine will act through for a schedule the caller creates (null: none needed). */
  async delegate(caller: Caller): Promise<string | null> {
    const service = await this.openstack.identity.serviceToken();
    if (caller.userId === service.user.id && caller.projectId === service.project?.id) return null;
    if (caller.userId === service.user.id)
      throw unprocessable("The service account cannot delegate to itself: create schedules of other projects with a member's own token");
    if (caller.viaApplicationCredential)
      throw unprocessable(
        'Your token comes from an application credential, which cannot create the Keystone trust the engine needs ' +
          '(unless the credential is unrestricted). Log in with your password, or use an unrestricted application credential.',
      );
    if (!caller.projectId) throw unprocessable('A schedule needs a token scoped to its project');
    const held = new Set(caller.identity.roles);
    const roles = [
      ...new Set([...this.config.trustRoles, ...this.config.trustOptionalRoles.filter((role) => held.has(role.toLowerCase()))]),
    ];
    try {
      const trust = await this.openstack.identity.createTrust(
        {
          trustorUserId: caller.userId,
          trusteeUserId: service.user.id,
          projectId: caller.projectId,
          roles,
          impersonation: true,
          expiresAt: this.config.trustExpiryDays > 0 ? new Date(Date.now() + this.config.trustExpiryDays * 86_400_000) : null,
        },
        { authToken: caller.token },
      );
      this.logger.log(`Trust ${trust.id}: ${caller.userName} delegates ${roles.join(', ')} in project ${caller.projectId}`);
      return trust.id;
    } catch (error) {
      if (isOpenStackError(error) && error.status >= 400 && error.status < 500)
        throw unprocessable(
          `Keystone refused the trust that lets the engine create VMs in your project (${error.message}). ` +
            `You need the role(s) ${this.config.trustRoles.join(', ')} in project ${caller.projectName ?? caller.projectId}.`,
        );
      throw error;
    }
  }

  /** Deletes a schedule's trust once its VMs are gone; a trust already gone is fine. */
  async revoke(trustId: string, authToken?: string): Promise<void> {
    try {
      await this.openstack.identity.deleteTrust(trustId, authToken ? { authToken } : undefined);
    } catch (error) {
      if (isOpenStackError(error) && error.status === 404) return;
      this.logger.warn(`Could not delete trust ${trustId}: ${describeError(error)}`);
    }
  }
}

function unprocessable(message: string): UnprocessableEntityException {
  return new UnprocessableEntityException({ statusCode: 422, error: 'Unprocessable Entity', message } satisfies ApiErrorDto);
}
