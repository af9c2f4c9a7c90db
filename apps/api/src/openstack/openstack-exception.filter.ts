import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { OpenStackError } from '@peak/openstack-client';
import type { ApiErrorDto } from '../common/api-error.dto';
import { serviceName } from './describe-error';

/**
 * Turns an upstream OpenStack failure that no feature handled into a meaningful HTTP answer, keeping the
 * cloud's message and request id so an operator can find the call in the cloud's logs:
 * - no answer, 503 or 429 from the cloud: 503 (with Retry-After when known); a timeout: 504;
 * - the cloud rejected our own credentials (401/403): 502, since the caller cannot fix that;
 * - 404 and 409 keep their meaning; any other failure of the cloud: 502.
 * The body names the service (Nova, Keystone) but never an address: the cloud's internal endpoints are for the log,
 * which keeps the whole error.
 */
@Catch(OpenStackError)
export class OpenStackExceptionFilter implements ExceptionFilter<OpenStackError> {
  private readonly logger = new Logger('OpenStack');

  catch(error: OpenStackError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const status = httpStatusFor(error);
    const service = serviceName(error.service);
    const body: ApiErrorDto = {
      statusCode: status,
      error:
        HttpStatus[status]
          ?.replace(/_/g, ' ')
          .toLowerCase()
          .replace(/\b\w/g, (c) => c.toUpperCase()) ?? 'Error',
      message: `${service}: ${withoutUrls(error.message)}`,
      ...(error.requestId && { openstackRequestId: error.requestId }),
    };
    if (status >= 500) this.logger.warn(`Upstream failure answered with ${status}: ${JSON.stringify(error.toJSON())}`);
    if (status === 503 && error.retryAfterMs) response.setHeader('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
    response.status(status).json(body);
  }
}

/** Addresses (`http://10.0.0.5:8774/v2.1`, `keystone.internal:5000`) replaced by a neutral word. */
export function withoutUrls(message: string): string {
  // A colon or full stop right after an address ends the sentence, not the address.
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>),;]+/gi, (url) => `its endpoint${/[:.]+$/.exec(url)?.[0] ?? ''}`);
}

export function httpStatusFor(error: OpenStackError): number {
  if (error.status === 0 && error.fault === 'Timeout') return HttpStatus.GATEWAY_TIMEOUT;
  if (error.isUnavailable || error.status === 429) return HttpStatus.SERVICE_UNAVAILABLE;
  if (error.status === 401 || error.isForbidden) return HttpStatus.BAD_GATEWAY;
  if (error.isNotFound) return HttpStatus.NOT_FOUND;
  if (error.isConflict) return HttpStatus.CONFLICT;
  if (error.isQuotaExceeded) return HttpStatus.UNPROCESSABLE_ENTITY;
  return HttpStatus.BAD_GATEWAY;
}
