import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { isOpenStackError, OpenStackClient } from '@peak/openstack-client';
import { callerTokenError } from '../catalog/catalog.service';
import { schedulerConfig } from '../config/scheduler.config';
import { describeError } from '../openstack/describe-error';

/** The cloud objects a schedule names. */
export interface CloudReferences {
  readonly imageId: string;
  readonly flavorId: string;
  readonly networkIds: readonly string[];
}

/** A reference the cloud does not have (or cannot use), named by its field in the request. */
export interface MissingReference {
  /** `imageId`, `flavorId` or `networkIds.<index>`. */
  readonly field: string;
  readonly reason: string;
}

/** The cloud could not be asked: the answer is a 503, with the cloud's words and request id. */
export class CloudUnavailableError extends Error {
  override readonly name = 'CloudUnavailableError';

  constructor(
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/**
 * Port: do the image, flavor and networks of a schedule exist, for the caller's project? Asked with the caller's own
 * token, so another project's private image, flavor or network is missing (as the cloud answers 404 for what a
 * project cannot see). Resolves with what is missing (empty when all exist); rejects with `CloudUnavailableError`
 * when the cloud cannot answer, with the API's 401/403 when the cloud refuses the token.
 */
export abstract class CloudReferenceChecker {
  abstract check(refs: CloudReferences, token: string): Promise<MissingReference[]>;
}

/** The check over the OpenStack client, with the caller's token: one GET per reference, in parallel. */
@Injectable()
export class OpenStackReferenceChecker extends CloudReferenceChecker {
  constructor(
    private readonly client: OpenStackClient,
    @Inject(schedulerConfig.KEY) private readonly config: ConfigType<typeof schedulerConfig>,
  ) {
    super();
  }

  async check(refs: CloudReferences, token: string): Promise<MissingReference[]> {
    const options = { timeoutMs: this.config.referenceCheckTimeoutMs };
    const client = this.client.withToken(token);
    const results = await Promise.allSettled([
      client.image
        .getImage(refs.imageId, options)
        .then((image) =>
          image.status === 'active'
            ? null
            : { field: 'imageId', reason: `image ${refs.imageId} is ${image.status}, not active: VMs cannot boot from it` },
        ),
      client.compute.getFlavor(refs.flavorId, options).then(() => null),
      ...refs.networkIds.map((id) => client.network.getNetwork(id, options).then(() => null)),
    ]);
    const fields = ['imageId', 'flavorId', ...refs.networkIds.map((_, i) => `networkIds.${i}`)];
    const kinds = ['image', 'flavor', ...refs.networkIds.map(() => 'network')];
    const ids = [refs.imageId, refs.flavorId, ...refs.networkIds];
    const missing: MissingReference[] = [];
    for (const [i, result] of results.entries()) {
      if (result.status === 'fulfilled') {
        if (result.value) missing.push(result.value);
      } else if (isOpenStackError(result.reason) && result.reason.isNotFound) {
        missing.push({ field: fields[i], reason: `no ${kinds[i]} with id ${ids[i]} in the cloud` });
      } else {
        const error: unknown = result.reason;
        // The caller's token refused (expired since the guard saw it, or roles that do not allow it): 401/403.
        const refusal = callerTokenError(error);
        if (refusal !== error) throw refusal;
        throw new CloudUnavailableError(
          `The cloud could not be asked whether ${kinds[i]} ${ids[i]} exists: ${describeError(error)}`,
          isOpenStackError(error) ? error.requestId : undefined,
        );
      }
    }
    return missing;
  }
}
