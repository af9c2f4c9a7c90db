module.exports = async () => {
  await globalThis.__peakTestServer?.stop();
};
