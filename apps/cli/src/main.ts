import { run } from './cli';

void run(process.argv, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
}).then((code) => {
  process.exitCode = code;
});
