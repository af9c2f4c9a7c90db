// Child process for the e2e tests: serves the built console with tools/web-server.mjs (an ES module, which
// the tests' CommonJS sandbox cannot import) and prints its URL as the first line of output.
import { startWebServer } from '../../../../tools/web-server.mjs';

const server = await startWebServer({ root: process.env.WEB_ROOT, apiUrl: process.env.API_URL, port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
