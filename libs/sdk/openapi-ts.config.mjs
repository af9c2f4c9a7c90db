// @hey-api/openapi-ts: the SDK's generated layer (types, a fetch client, one `PeakApi` class with a method per
// operation) from the committed spec. `npx nx run sdk:generate` rewrites src/generated; CI fails when it is stale.
export default {
  input: 'apps/api/openapi.json',
  output: { path: 'libs/sdk/src/generated', clean: true },
  plugins: [
    // Every call throws a PeakApiError (see ../src/errors.ts) instead of returning `{ error }`.
    { name: '@hey-api/client-fetch', throwOnError: true },
    // Enums also as objects, so that tools (the CLI's choices) list the values the spec allows instead of copying them.
    { name: '@hey-api/typescript', enums: 'javascript' },
    // The hand-written PeakClient passes its own client: the generated module holds no global one.
    { name: '@hey-api/sdk', client: false, operations: { strategy: 'single', containerName: 'PeakApi', methods: 'instance' } },
  ],
};
