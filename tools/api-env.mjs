// The environment the API's process starts with wherever this repository starts it (the quick start, the
// benchmark), the same as its image sets (deploy/Dockerfile.api; deploy/test/dockerfiles.spec.ts checks they agree).
// The operator's own environment wins. Why each variable: the README's Deployment section (the API on Kubernetes).
import { readFileSync } from 'node:fs';

export const API_PROCESS_ENV = JSON.parse(readFileSync(new URL('./api-env.json', import.meta.url), 'utf8'));

/** This process's environment over the API's defaults. */
export function apiProcessEnv() {
  return { ...API_PROCESS_ENV, ...process.env };
}
