import type {
  OpenAPIObject,
  OperationObject,
  PathItemObject,
  ResponseObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One answer of the API as a client saw it. */
export interface ObservedResponse {
  method: string;
  /** The request's path without its query. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The raw body bytes. */
  body: Buffer;
}

/**
 * Paths the document does not describe on purpose: the Swagger UI with its own JSON/YAML, and the Prometheus scrape
 * (its text format is Prometheus', for scrapers, not a REST resource).
 */
const UNDESCRIBED = /^\/(docs(-json|-yaml)?(\/|$)|metrics$)/;

/**
 * Checks answers of the API against its own OpenAPI document: the status must be one the operation lists, a JSON
 * body must match that response's schema (Ajv, every format checked), a documented body must be there, and so must
 * the headers the response marks required. Integration tests run every answer through it (see `createTestApp`), so
 * the document cannot drift from what the API does.
 */
export class ResponseContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  private readonly routes: { pattern: RegExp; template: string; item: PathItemObject }[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenAPIObject) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi.json', components: toJsonSchema(document.components ?? {}) });
    // A literal segment wins over a parameter (`/schedules/preview` before `/schedules/{id}`), as in Nest's router.
    const parameters = (template: string) => template.split('{').length;
    this.routes = Object.entries(document.paths)
      .sort(([a], [b]) => parameters(a) - parameters(b))
      .map(([template, item]) => ({
        template,
        item,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      }));
  }

  /** What is wrong with the answer, one line each (empty when it matches the document). */
  check(response: ObservedResponse): string[] {
    const where = `${response.method} ${response.path} → ${response.status}`;
    // CORS preflights are answered by the CORS middleware, before any operation.
    if (UNDESCRIBED.test(response.path) || response.method === 'OPTIONS') return [];
    const route = this.routes.find((r) => r.pattern.test(response.path));
    const operation = route?.item[response.method.toLowerCase() as 'get'] as OperationObject | undefined;
    if (!route || !operation) {
      // Unknown routes and methods answer 404 (Nest's router): nothing to describe.
      return response.status === 404 || response.status === 405 ? [] : [`${where}: no operation in the document`];
    }
    const described = (operation.responses[String(response.status)] ?? operation.responses['default']) as ResponseObject | undefined;
    if (!described) return [`${where}: status not among the operation's responses (${Object.keys(operation.responses).join(', ')})`];
    const problems: string[] = [];
    for (const [name, declared] of Object.entries(described.headers ?? {})) {
      const header = '$ref' in declared ? this.document.components?.headers?.[declared.$ref.split('/').pop() ?? ''] : declared;
      if (header && 'required' in header && header.required && response.headers[name.toLowerCase()] === undefined)
        problems.push(`${where}: header ${name} missing`);
    }
    const schema = described.content?.['application/json']?.schema;
    const contentType = String(response.headers['content-type'] ?? '');
    if (!schema) {
      if (response.body.length > 0 && contentType.startsWith('application/json'))
        problems.push(`${where}: a JSON body, but the document describes none`);
      return problems;
    }
    if (response.method === 'HEAD') return problems;
    if (!contentType.startsWith('application/json')) return [...problems, `${where}: content type ${contentType || 'none'}, not JSON`];
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      return [...problems, `${where}: body is not JSON`];
    }
    const key = `${route.template} ${response.method} ${response.status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      // Component references are resolved in the schema registered as `openapi.json`.
      validate = this.ajv.compile(
        toJsonSchema(JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi.json#/components/'))),
      );
      this.validators.set(key, validate);
    }
    if (!validate(body)) {
      for (const error of validate.errors ?? []) problems.push(`${where}: body${error.instancePath || ''} ${error.message}`);
    }
    return problems;
  }
}

/**
 * OpenAPI 3.0's `nullable` in JSON Schema terms, which Ajv validates: `null` joins the `type` (and the `enum`), and a
 * composed schema (a `$ref`, an `allOf`, as Nest writes a nullable nested DTO) becomes "that, or null".
 */
function toJsonSchema<T>(node: T): T {
  if (Array.isArray(node)) return node.map(toJsonSchema) as T;
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, toJsonSchema(value)])) as Record<
    string,
    unknown
  >;
  if (nullable !== true) return (nullable === undefined ? rest : { ...rest, nullable }) as T;
  if (rest['type'] === undefined || ['$ref', 'allOf', 'anyOf', 'oneOf'].some((key) => key in rest))
    return { anyOf: [rest, { type: 'null' }] } as T;
  const types = Array.isArray(rest['type']) ? rest['type'] : [rest['type']];
  const widened: Record<string, unknown> = { ...rest, type: [...new Set([...types, 'null'])] };
  if (Array.isArray(rest['enum']) && !rest['enum'].includes(null)) widened['enum'] = [...rest['enum'], null];
  return widened as T;
}
