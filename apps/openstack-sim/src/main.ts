import { startSimulator } from '@peak/openstack-sim';
import { USAGE, banner, readOptions } from './options';

async function main(): Promise<void> {
  const commandLine = readOptions(process.argv.slice(2), process.env);
  if (commandLine.help) {
    console.log(USAGE);
    return;
  }
  const { options } = commandLine;
  const sim = await startSimulator(options);
  console.log(banner(sim.url, options.publicUrl ?? sim.url));

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal} received: stopping the simulator`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`openstack-sim: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
