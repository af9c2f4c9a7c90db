import { isOpenStackError } from '@peak/openstack-client';

const SERVICE_NAMES = {
  identity: 'Keystone',
  compute: 'Nova',
  image: 'Glance',
  network: 'Neutron',
  'block-storage': 'Cinder',
  'load-balancer': 'Octavia',
} as const;

/** One line for logs, run records and health: which service, what status, the cloud's own words and request id. */
export function describeError(error: unknown): string {
  if (isOpenStackError(error)) {
    const status = error.status === 0 ? (error.fault ?? 'no answer') : `${error.status}${error.fault ? ` ${error.fault}` : ''}`;
    return `${SERVICE_NAMES[error.service]} ${status}: ${error.message}${error.requestId ? ` [${error.requestId}]` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function serviceName(service: keyof typeof SERVICE_NAMES): string {
  return SERVICE_NAMES[service];
}
