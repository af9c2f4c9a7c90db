import { defineConfig } from '../config/env';

export const catalogConfig = defineConfig('catalog', (env) => ({
  /** How long image, flavor and network lists are reused before asking the cloud again (`CATALOG_CACHE_TTL_SECONDS`, default 30; 0 = never cache). */
  cacheTtlMs: env.int('CATALOG_CACHE_TTL_SECONDS', 30, { min: 0 }) * 1000,
}));

export type CatalogConfig = ReturnType<typeof catalogConfig>;
