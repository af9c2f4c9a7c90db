import type { OpenAPIObject } from '@nestjs/swagger';
import { type ObservedResponse, ResponseContract } from './response-contract';

const json = { 'content-type': 'application/json; charset=utf-8' };

/** A document shaped as Nest writes it: a nullable nested DTO is `nullable` + `allOf`, an enum may be nullable. */
const DOCUMENT: OpenAPIObject = {
  openapi: '3.0.0',
  info: { title: 'test', version: '1' },
  paths: {
    '/v1/things/{id}': {
      get: {
        responses: {
          '200': {
            description: 'The thing.',
            headers: { ETag: { required: true, schema: { type: 'string' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': { description: 'None.' },
        },
      },
    },
    '/v1/things/preview': { post: { responses: { '204': { description: 'Previewed.' } } } },
  },
  components: {
    schemas: {
      Owner: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      Thing: {
        type: 'object',
        required: ['id', 'count', 'owner', 'reason'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          count: { type: 'integer' },
          owner: { nullable: true, type: 'object', allOf: [{ $ref: '#/components/schemas/Owner' }] },
          reason: { nullable: true, type: 'string', enum: ['excluded-date'] },
        },
      },
    },
  },
};

const ID = '6f1c2a56-3e2b-4a37-9d7e-1c2f0a4b5c6d';

function answer(over: Partial<ObservedResponse> & { json?: unknown }): ObservedResponse {
  const { json: value, ...rest } = over;
  return {
    method: 'GET',
    path: `/v1/things/${ID}`,
    status: 200,
    headers: { ...json, etag: '"1"' },
    body: Buffer.from(JSON.stringify(value ?? { id: ID, count: 1, owner: null, reason: null })),
    ...rest,
  };
}

describe('ResponseContract', () => {
  const contract = new ResponseContract(DOCUMENT);

  it('accepts an answer the document describes, nulls of nullable enums and nested objects included', () => {
    expect(contract.check(answer({}))).toEqual([]);
    expect(contract.check(answer({ json: { id: ID, count: 2, owner: { name: 'alice' }, reason: 'excluded-date' } }))).toEqual([]);
  });

  it('names each body mismatch with its path', () => {
    const problems = contract.check(answer({ json: { id: 'not-a-uuid', count: 1.5, owner: {}, reason: 'other' } }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/v1\/things\/\S+ → 200: body\/id must match format "uuid"$/),
        expect.stringMatching(/body\/count must be integer$/),
        expect.stringMatching(/body\/owner must have required property 'name'$/),
        expect.stringMatching(/body\/reason must be equal to one of the allowed values$/),
      ]),
    );
  });

  it('refuses a status the operation does not list, a missing required header and an undescribed body', () => {
    expect(contract.check(answer({ status: 500 }))).toEqual([
      expect.stringMatching(/status not among the operation's responses \(200, 404\)$/),
    ]);
    expect(contract.check(answer({ headers: json }))).toEqual([expect.stringMatching(/header ETag missing$/)]);
    expect(contract.check(answer({ status: 404, json: { message: 'gone' } }))).toEqual([
      expect.stringMatching(/a JSON body, but the document describes none$/),
    ]);
  });

  it('matches a literal path segment before a parameter, and leaves unknown routes and the docs alone', () => {
    expect(contract.check(answer({ method: 'POST', path: '/v1/things/preview', status: 204, headers: {}, body: Buffer.alloc(0) }))).toEqual(
      [],
    );
    expect(contract.check(answer({ method: 'DELETE', status: 200 }))).toEqual([expect.stringMatching(/no operation in the document$/)]);
    expect(contract.check(answer({ path: '/v1/nowhere', status: 404 }))).toEqual([]);
    expect(contract.check(answer({ path: '/docs-json', headers: json }))).toEqual([]);
  });
});
