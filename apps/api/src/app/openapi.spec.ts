import type { INestApplication } from '@nestjs/common';
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp } from '../testing/test-app';
import { createTestDatabase, TestDatabase } from '../testing/test-database';

describe('OpenAPI and Swagger UI', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase('openapi');
    app = await createTestApp({ databaseUrl: db.url });
  });

  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await request(app.getHttpServer()).get('/docs').redirects(1).expect(200);
    expect(res.text).toContain('swagger-ui');
  });

  it('serves a valid OpenAPI 3 document at /docs-json, paths under /v1, sorted', async () => {
    const res = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const doc = res.body as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    const paths = Object.keys(doc.paths);
    expect(paths).toContain('/v1/health');
    expect(paths).toEqual([...paths].sort((a, b) => a.localeCompare(b)));
  });

  describe('what a client generated from it in another language needs', () => {
    interface Doc {
      info: { license?: { name: string } };
      servers?: { url: string }[];
      tags?: { name: string; description?: string }[];
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { properties?: Record<string, Property> }> };
    }
    interface Property {
      type?: string;
      example?: unknown;
      $ref?: string;
      allOf?: { $ref?: string }[];
      items?: { $ref?: string };
    }
    interface Operation {
      tags?: string[];
      parameters?: { in: string; name: string; schema?: { format?: string } }[];
      responses: Record<string, { description?: string; headers?: Record<string, unknown> }>;
    }
    let doc: Doc;
    const operations = () =>
      Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ at: `${method} ${path}`, op })));

    beforeAll(async () => {
      doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as Doc;
    });

    it('names its license, and describes every tag an operation uses', () => {
      expect(doc.info.license?.name).toBe('MIT');
      // No servers: OpenAPI's default is the serving host's `/`, which is right (paths carry /v1).
      expect(doc.servers ?? []).toEqual([]);
      const described = new Map((doc.tags ?? []).map((tag) => [tag.name, tag.description]));
      const used = new Set(operations().flatMap(({ op }) => op.tags ?? []));
      expect([...used].filter((tag) => !described.get(tag))).toEqual([]);
    });

    it('describes every response', () => {
      const bare = operations().flatMap(({ at, op }) =>
        Object.entries(op.responses)
          .filter(([, response]) => !response.description)
          .map(([status]) => `${at} ${status}`),
      );
      expect(bare).toEqual([]);
    });

    it('types every count as an integer (no property is a bare number)', () => {
      const numbers = Object.entries(doc.components.schemas).flatMap(([name, schema]) =>
        Object.entries(schema.properties ?? {})
          .filter(([, property]) => property.type === 'number')
          .map(([property]) => `${name}.${property}`),
      );
      expect(numbers).toEqual([]);
    });

    it("gives an example for every property of every schema (references take the referenced schema's)", () => {
      const isReference = (property: Property) =>
        property.$ref !== undefined ||
        (property.allOf?.length === 1 && property.allOf[0]?.$ref !== undefined) ||
        (property.type === 'array' && property.items?.$ref !== undefined);
      const properties = Object.entries(doc.components.schemas).flatMap(([name, schema]) =>
        Object.entries(schema.properties ?? {}).map(([property, value]) => ({ at: `${name}.${property}`, value })),
      );
      expect(properties.length).toBeGreaterThan(0);
      const bare = properties.filter(({ value }) => !isReference(value) && !('example' in value)).map(({ at }) => at);
      expect(bare).toEqual([]);
    });

    it('says that every id in a path is a UUID', () => {
      const ids = operations().flatMap(({ at, op }) =>
        (op.parameters ?? []).filter((p) => p.in === 'path' && p.name === 'id').map((p) => ({ at, format: p.schema?.format })),
      );
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.filter((id) => id.format !== 'uuid')).toEqual([]);
    });

    it('documents the Location of a created schedule', () => {
      expect(doc.paths['/v1/schedules']?.['post']?.responses['201']?.headers).toHaveProperty('Location');
    });
  });

  describe("instanceCount's maximum", () => {
    const maximum = (doc: { components: { schemas: Record<string, { properties?: Record<string, { maximum?: number }> }> } }) =>
      ['CreateScheduleDto', 'UpdateScheduleDto'].map((name) => doc.components.schemas[name]?.properties?.['instanceCount']?.maximum);

    it('is the most any deployment may configure in the exported document', () => {
      const exported = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8'));
      expect(maximum(exported)).toEqual([10_000, 10_000]);
    });

    it("is the serving deployment's own in the document it serves", async () => {
      const configured = await createTestApp({ databaseUrl: db.url, env: { SCHEDULER_MAX_INSTANCE_COUNT: '12' } });
      try {
        const served = (await request(configured.getHttpServer()).get('/docs-json').expect(200)).body;
        expect(maximum(served)).toEqual([12, 12]);
      } finally {
        await configured.close();
        delete process.env['SCHEDULER_MAX_INSTANCE_COUNT'];
      }
    });
  });
});
