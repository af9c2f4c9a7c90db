import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type OperationObject,
  type PathItemObject,
  type ResponseObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import type { ConfigType } from '@nestjs/config';
import { ACCESS_EXTENSION, type AccessPolicy } from '../auth/access.decorators';
import { schedulerConfig } from '../config/scheduler.config';
import { IDEMPOTENCY_KEY_HEADER } from '../idempotency/idempotency.interceptor';

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
    .addTag('capacity', "Will it fit? A project's planned demand (its schedules' windows) against its compute quota.")
    .addTag('quotas', 'The compute quotas of a project, and what it uses of them.')
    .addTag('launch-options', 'What a schedule can launch its VMs with: key pairs, security groups, zones, server groups, volume types.')
    .addTag('load-balancers', "Octavia load balancers of the token's project and their pools (empty without Octavia).")
    .addTag('webhooks', 'Events (schedule and run changes) sent to your HTTPS endpoints, signed, retried, with their deliveries.')
    .addTag('audit', 'Who changed what: a record of every write through the API, refused attempts included.')
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
  // DocumentBuilder starts with an empty contact; an empty one tells a reader nothing (and linters flag it).
  delete document.info.contact;
  const limits = app.get<ConfigType<typeof schedulerConfig> | undefined>(schedulerConfig.KEY, { strict: false });
  return sortDocument(
    markCommonResponses(markAccess(listNullInNullableEnums(stateInstanceCountMaximum(document, limits?.maxInstanceCount)))),
  );
}

/**
 * In the document a deployment serves, `instanceCount`'s `maximum` is the one it checks (`SCHEDULER_MAX_INSTANCE_COUNT`);
 * the exported document, made without configuration, states the most any deployment may configure.
 */
function stateInstanceCountMaximum(document: OpenAPIObject, configured: number | undefined): OpenAPIObject {
  if (configured === undefined) return document;
  for (const schema of Object.values(document.components?.schemas ?? {}) as SchemaObject[]) {
    const count = schema.properties?.['instanceCount'] as SchemaObject | undefined;
    if (count?.maximum === undefined) continue;
    count.maximum = configured;
    count.description = `VMs per window: 1 to ${configured}, this deployment's \`SCHEDULER_MAX_INSTANCE_COUNT\`.`;
  }
  return document;
}

/**
 * A nullable property with an `enum` lists `null` among its values too: OpenAPI 3.0.3 says `nullable` does not widen an
 * `enum`, so validators (Ajv) and generators would otherwise reject or drop the `null` the API sends.
 */
function listNullInNullableEnums(document: OpenAPIObject): OpenAPIObject {
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    for (const property of Object.values((schema as SchemaObject).properties ?? {}) as SchemaObject[]) {
      if (property.nullable && property.enum && !property.enum.includes(null)) property.enum = [...property.enum, null];
    }
  }
  return document;
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
/** The body of every error answer. */
const ERROR_BODY = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorDto' } } } };

/**
 * Each operation's `security`, from the access policy its decorators declared (`x-peak-access`, removed here) or,
 * without one, from its method as the guard decides: GET and HEAD read, the rest write. Protected operations also
 * list their 401, 403 and 429 answers.
 */
function markAccess(document: OpenAPIObject): OpenAPIObject {
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
      responses['401'] ??= {
        description: 'No token, or one Keystone does not accept (invalid, expired, revoked).',
        headers: {
          'WWW-Authenticate': {
            description: 'Where to get a token, as keystonemiddleware says it: `Keystone uri="<the Keystone of this cloud>"`.',
            schema: { type: 'string' },
          },
        },
        ...ERROR_BODY,
      };
      responses['429'] ??= {
        description:
          'Too many failed authentications from this client address (`AUTH_FAILURE_LIMIT` per window); `Retry-After` says when to try again.',
        headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } } },
        ...ERROR_BODY,
      };
      responses['403'] ??= {
        description:
          policy === 'authenticated'
            ? 'The token is scoped in a way this API does not accept (a project outside `AUTH_PROJECTS`, a domain or system scope).'
            : 'The token lacks the role this operation needs, or its scope is not accepted.',
        ...ERROR_BODY,
      };
    }
  }
  return document;
}

/** Sent with every answer: the caller's `X-Request-Id` when it is a sane id, a new UUID otherwise. */
const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The answers any operation may give besides its own: 400 where it takes parameters or a body, 413 where it takes a
 * body, 500, and 503 where it needs Keystone or the database; and on every answer the `X-Request-Id` header, which
 * finds the request in the service's log.
 */
function markCommonResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    headers: {
      ...document.components?.headers,
      [REQUEST_ID_HEADER]: {
        description:
          "The id of this request in the service's log: the `X-Request-Id` the caller sent when it is a sane id, a new UUID otherwise.",
        required: true,
        schema: { type: 'string' },
      },
    },
  };
  for (const item of Object.values(document.paths) as PathItemObject[]) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const responses = operation.responses;
      const takesParameters = (operation.parameters ?? []).some((p) => 'in' in p && (p.in === 'query' || p.in === 'path'));
      if (takesParameters || operation.requestBody)
        responses['400'] ??= { description: 'A parameter or the body is invalid: `errors` names each field and why.', ...ERROR_BODY };
      if (operation.requestBody)
        responses['413'] ??= { description: 'The body is larger than `BODY_LIMIT` (100 kB unless configured).', ...ERROR_BODY };
      responses['500'] ??= { description: "An unexpected error: `X-Request-Id` finds it in the service's log.", ...ERROR_BODY };
      if ((operation.parameters ?? []).some((p) => 'name' in p && p.name === IDEMPOTENCY_KEY_HEADER)) {
        const also = (status: string, text: string) => {
          const response = (responses[status] ??= { description: '', ...ERROR_BODY }) as ResponseObject;
          response.description = [response.description, text].filter(Boolean).join(' Also: ');
        };
        also('409', `the first request with this \`${IDEMPOTENCY_KEY_HEADER}\` is still running; ask again after \`Retry-After\` seconds.`);
        (responses['409'] as ResponseObject).headers = {
          ...(responses['409'] as ResponseObject).headers,
          'Retry-After': {
            description: 'Seconds to wait, when the first request with the key still runs.',
            schema: { type: 'integer', minimum: 1 },
          },
        };
        also('422', `this \`${IDEMPOTENCY_KEY_HEADER}\` was used with a different request (method, path or body) in the last 24 hours.`);
        for (const [status, response] of Object.entries(responses) as [string, ResponseObject][]) {
          if (!status.startsWith('2')) continue;
          response.headers = {
            ...response.headers,
            'Idempotent-Replayed': {
              description: `\`true\` when this is the kept answer of an earlier request with the same \`${IDEMPOTENCY_KEY_HEADER}\`.`,
              schema: { type: 'string', enum: ['true'] },
            },
          };
        }
      }
      if (operation.security?.length)
        responses['503'] ??= { description: 'Keystone or the database cannot be reached; try again later.', ...ERROR_BODY };
      for (const response of Object.values(responses) as ResponseObject[])
        response.headers = { ...response.headers, [REQUEST_ID_HEADER]: { $ref: `#/components/headers/${REQUEST_ID_HEADER}` } };
      operation.responses = sortKeys(responses);
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
