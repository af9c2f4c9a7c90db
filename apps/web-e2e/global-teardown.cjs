module.exports = async function globalTeardown() {
  const handles = globalThis.__peakE2eDatabase;
  if (!handles) return;
  await handles.database.drop().catch((error) => console.warn(`[e2e] could not drop the test database: ${error.message}`));
  await handles.server.stop();
};
