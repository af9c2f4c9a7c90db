import { registerAs } from '@nestjs/config';

export const catalogConfig = registerAs('catalog', () => {
  const raw = process.env['CATALOG_CACHE_TTL_SECONDS'] ?? '30';
  const ttlSeconds = Number(raw);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) {
    throw new Error(`CATALOG_CACHE_TTL_SECONDS must be a number of seconds >= 0 (got "${raw}")`);
  }
  /** How long image, flavor and network lists are reused before asking the cloud again (0 = never cache). */
  return { cacheTtlMs: ttlSeconds * 1000 };
});

export type CatalogConfig = ReturnType<typeof catalogConfig>;
