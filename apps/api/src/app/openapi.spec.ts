import type { INestApplication } from '@nestjs/common';
import SwaggerParser from '@apidevtools/swagger-parser';
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
});
