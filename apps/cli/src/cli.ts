import { Argument, Command, CommanderError } from 'commander';
import { version } from '../package.json';
import { registerAudit } from './commands/audit';
import { registerCapacity } from './commands/capacity';
import { registerCatalog } from './commands/catalog';
import { registerRun } from './commands/run';
import { registerSchedule } from './commands/schedule';
import { registerWebhook } from './commands/webhook';
import { bashCompletion, zshCompletion } from './completion';
import { addGlobalOptions, type Io } from './context';
import { describeFailure, EXIT_CODES_HELP, ExitCode } from './errors';

export function buildProgram(io: Io): Command {
  const program = new Command('peak')
    .description('Peak Scheduler: extra OpenStack VM capacity at peak hours')
    .version(version, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(`peak: ${text.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      `
Authentication: PEAK_TOKEN (or --peak-token) is used as it is; otherwise peak logs in to Keystone like the
openstack client, from OS_CLOUD and clouds.yaml or the OS_* variables (each --os-* option overrides its variable).

${EXIT_CODES_HELP}`,
    );
  addGlobalOptions(program);
  registerSchedule(program, io);
  registerRun(program, io);
  registerCatalog(program, io);
  registerAudit(program, io);
  registerCapacity(program, io);
  registerWebhook(program, io);
  program
    .command('completion')
    .description('print a shell completion script: source <(peak completion bash)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action((shell: string) => io.stdout(shell === 'zsh' ? zshCompletion(program) : bashCompletion(program)));
  // Commander's own settings hold for every subcommand only when set before they are added; these are set after.
  const inherit = (command: Command) => {
    command.exitOverride().configureOutput(program.configureOutput());
    command.commands.forEach(inherit);
  };
  inherit(program);
  return program;
}

/** Runs `peak` with `argv` (as `process.argv`, node and script first) and resolves to its exit status. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the message already; help and --version end with 0, anything else is a usage error.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? ExitCode.Ok : ExitCode.Usage;
    }
    const failure = describeFailure(error);
    io.stderr(failure.lines.map((line) => `${line}\n`).join(''));
    return failure.exitCode;
  }
}
