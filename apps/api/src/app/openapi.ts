import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, type OperationObject, type PathItemObject, SwaggerModule } from '@nestjs/swagger';
import { ACCESS_EXTENSION, type AccessPolicy } from '../auth/access.decorators';

export { API_PREFIX } from '../common/api-prefix';
export const DOCS_PATH = 'docs';

/**
 * The OpenAPI document, with paths, schemas and tags sorted so that the committed spec (and the
 * client generated from it) changes only when the API does.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Peak Scheduler API')
    .setDescription(
      'Schedules extra OpenStack VM capacity for peak hours: the service creates the VMs at the start of each ' +
        'peak window and destroys them at its end. Instants are RFC 3339 in UTC; each schedule keeps its IANA time zone.',
    )
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    // No `servers`: OpenAPI's default (`/`, the host serving this document) is right, and the Angular client's generator
    // would prefix every path with a declared `/` (giving `//v1/...`).
    .addTag('schedules', 'Peak schedules: their windows, the VMs they make, and the history of their runs.')
    .addTag('images', 'Glance images a schedule can boot.')
    .addTag('flavors', 'Nova flavors, the two the product manages marked.')
    .addTag('networks', 'Neutron networks a schedule can attach its VMs to.')
    .addTag('quotas', 'The compute quotas of a project, and what it uses of them.')
    .addTag('launch-options', 'What a schedule can launch its VMs with: key pairs, security groups, zones, server groups, volume types.')
    .addTag('auth', 'Keystone tokens for the console and for tools.')
    .addTag('health', 'Liveness and readiness probes.')
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Auth-Token',
        description: 'A Keystone token (`POST /v1/auth/tokens`, or `openstack token issue`).',
      },
      TOKEN_SCHEME,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'Keystone token',
        description: 'The same Keystone token as `Authorization: Bearer <token>`.',
      },
      BEARER_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey: string, methodKey: string) => methodKey,
  });
  return sortDocument(markAccess(document));
}

export const TOKEN_SCHEME = 'X-Auth-Token';
export const BEARER_SCHEME = 'bearer';

const ACCESS_NOTES: Record<AccessPolicy | 'write', string> = {
  public: 'Needs no token.',
  metrics: 'Needs no token unless METRICS_TOKEN is set.',
  authenticated: 'Needs a valid project-scoped Keystone token, whatever its roles.',
  read: 'Needs a project-scoped Keystone token with a read role on its project (`AUTH_READ_ROLES`, default reader, member or admin), or a cloud admin.',
  write:
    'Needs a project-scoped Keystone token with a write role on its project (`AUTH_WRITE_ROLES`, default member or admin), or a cloud admin.',
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Each operation's `security`, from the access policy its decorators declared (`x-peak-access`, removed here) or,
 * without one, from its method as the guard decides: GET and HEAD read, the rest write. Protected operations also
 * list their 401, 403 and 429 answers.
 */
function markAccess(document: OpenAPIObject): OpenAPIObject {
  const errorBody = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorDto' } } } };
  for (const item of Object.values(document.paths) as PathItemObject[]) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as (OperationObject & { [ACCESS_EXTENSION]?: AccessPolicy }) | undefined;
      if (!operation) continue;
      const policy = operation[ACCESS_EXTENSION] ?? (method === 'get' || method === 'head' ? 'read' : 'write');
      delete operation[ACCESS_EXTENSION];
      operation.description = [operation.description, ACCESS_NOTES[policy]].filter(Boolean).join(' ');
      if (policy === 'public' || policy === 'metrics') {
        operation.security = [];
        continue;
      }
      operation.security = [{ [TOKEN_SCHEME]: [] }, { [BEARER_SCHEME]: [] }];
      const responses = operation.responses;
      responses['401'] ??= { description: 'No token, or one Keystone does not accept (invalid, expired, revoked).', ...errorBody };
      responses['429'] ??= {
        description:
          'Too many failed authentications from this client address (`AUTH_FAILURE_LIMIT` per window); `Retry-After` says when to try again.',
        headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } } },
        ...errorBody,
      };
      if (policy !== 'authenticated')
        responses['403'] ??= { description: 'The token lacks the role this operation needs, or its scope is not accepted.', ...errorBody };
    }
  }
  return document;
}

export function sortDocument(document: OpenAPIObject): OpenAPIObject {
  return {
    ...document,
    tags: [...(document.tags ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    paths: sortKeys(document.paths),
    components: document.components && {
      ...document.components,
      schemas: document.components.schemas && sortKeys(document.components.schemas),
    },
  };
}

function sortKeys<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b))) as T;
}
