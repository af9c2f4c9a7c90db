// What every benchmark report says besides its figures: the machine it ran on, and the table of rows.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export function describeMachine(postgresVersion) {
  const cpu = cpus();
  const git = (argv) => {
    try {
      return execFileSync('git', argv, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  let os = 'unknown';
  try {
    os = /^PRETTY_NAME="?(.*?)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // not Linux
  }
  const info = {
    cpu: `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}`,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os}, kernel ${kernelRelease()}`,
    node: process.version,
    postgres: postgresVersion,
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) ? ' (with uncommitted changes)' : ''}`,
  };
  return {
    ...info,
    summary: `${info.cpu}, ${info.memory}, ${info.os}, Node ${info.node}, PostgreSQL ${info.postgres}, commit ${info.commit}`,
  };
}

function kernelRelease() {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

export const verdict = (pass) => (pass === true ? 'pass' : pass === false ? 'FAIL' : '—');

export function renderTable(rows) {
  const header = ['#', 'figure', 'target', 'measured', 'result', 'note'];
  const cells = rows.map((r) => [String(r.scenario), r.figure, r.target || '—', r.measured, verdict(r.pass), r.note || '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
