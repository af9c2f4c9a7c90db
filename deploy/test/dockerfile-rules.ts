/**
 * A small Dockerfile reader and the rules our images keep. Not a full parser: instructions, line continuations,
 * comments and stages, which is what the rules need.
 */

export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, USER... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface Stage {
  /** The image or earlier stage it starts from, as written (flags such as --platform removed). */
  from: string;
  /** `AS name`, if given. */
  name?: string;
  /** True when `from` names an earlier stage rather than an image. */
  fromStage: boolean;
  instructions: Instruction[];
}

export interface Violation {
  rule: string;
  line: number;
  message: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let current: Instruction | undefined;
  let continues = false;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comments (and parser directives, which look like comments) are skipped, also inside a continued instruction.
    if (trimmed.startsWith('#')) return;
    if (continues && current) {
      if (trimmed === '') return;
      const more = trimmed.endsWith('\\');
      current.args = `${current.args} ${more ? trimmed.slice(0, -1).trim() : trimmed}`.trim();
      continues = more;
      return;
    }
    if (trimmed === '') return;
    const match = /^(\S+)\s*(.*)$/.exec(trimmed);
    if (!match) return;
    const rest = match[2] ?? '';
    const more = rest.endsWith('\\');
    current = { keyword: (match[1] ?? '').toUpperCase(), args: more ? rest.slice(0, -1).trim() : rest, line: index + 1 };
    instructions.push(current);
    continues = more;
  });
  return instructions;
}

export function stages(instructions: Instruction[]): Stage[] {
  const result: Stage[] = [];
  const names = new Set<string>();
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const from = words[0] ?? '';
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      result.push({ from, name, fromStage: names.has(from.toLowerCase()), instructions: [instruction] });
      if (name) names.add(name.toLowerCase());
    } else {
      result[result.length - 1]?.instructions.push(instruction);
    }
  }
  return result;
}

export interface ImageReference {
  /** Repository without registry and `library/`: `node`, `nginxinc/nginx-unprivileged`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImage(reference: string): ImageReference {
  const [withoutDigest, digest] = reference.split('@');
  const parts = (withoutDigest ?? '').split('/');
  // A first part with a dot or a colon (or `localhost`) is a registry.
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0] ?? '')) parts.shift();
  if (parts[0] === 'library' && parts.length > 1) parts.shift();
  const last = parts.pop() ?? '';
  const colon = last.indexOf(':');
  const image = colon < 0 ? last : last.slice(0, colon);
  const tag = colon < 0 ? undefined : last.slice(colon + 1);
  return { repository: [...parts, image].join('/'), tag, digest };
}

function commandOf(args: string): string {
  // Exec form ["a", "b"] becomes "a b"; shell form stays as written.
  if (args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed)) return parsed.map(String).join(' ');
    } catch {
      return args;
    }
  }
  return args;
}

type Rule = (all: Stage[]) => Violation[];

/** Every base image is pinned to a tag (or digest) that is not `latest`, and written literally (no build argument). */
const fromPinned: Rule = (all) =>
  all
    .filter((stage) => !stage.fromStage)
    .flatMap((stage) => {
      const line = stage.instructions[0]?.line ?? 0;
      if (stage.from.includes('$'))
        return [{ rule: 'from-pinned', line, message: `FROM ${stage.from} takes its image from a build argument` }];
      const image = parseImage(stage.from);
      if (image.digest) return [];
      if (!image.tag) return [{ rule: 'from-pinned', line, message: `FROM ${stage.from} has no tag (that is "latest")` }];
      if (image.tag === 'latest') return [{ rule: 'from-pinned', line, message: `FROM ${stage.from} uses "latest"` }];
      return [];
    });

/** Node images are Node 24 (the current LTS). */
const node24: Rule = (all) =>
  all
    .filter((stage) => !stage.fromStage && parseImage(stage.from).repository === 'node')
    .filter((stage) => !/^24([.-]|$)/.test(parseImage(stage.from).tag ?? ''))
    .map((stage) => ({ rule: 'node-24', line: stage.instructions[0]?.line ?? 0, message: `FROM ${stage.from} is not Node 24` }));

/** The final stage runs as a user that is not root. */
const nonRootUser: Rule = (all) => {
  const final = all[all.length - 1];
  if (!final) return [{ rule: 'non-root-user', line: 0, message: 'no FROM' }];
  const users = final.instructions.filter((instruction) => instruction.keyword === 'USER');
  const last = users[users.length - 1];
  if (!last)
    return [{ rule: 'non-root-user', line: final.instructions[0]?.line ?? 0, message: 'the final stage sets no USER (runs as root)' }];
  const user = last.args.split(':')[0]?.trim() ?? '';
  if (user === '' || user === 'root' || user === '0') {
    return [{ rule: 'non-root-user', line: last.line, message: `the final stage runs as ${last.args}` }];
  }
  return [];
};

/** The final stage has a HEALTHCHECK (not NONE). */
const healthcheck: Rule = (all) => {
  const final = all[all.length - 1];
  const checks = final?.instructions.filter((instruction) => instruction.keyword === 'HEALTHCHECK') ?? [];
  const last = checks[checks.length - 1];
  if (!last) return [{ rule: 'healthcheck', line: final?.instructions[0]?.line ?? 0, message: 'the final stage has no HEALTHCHECK' }];
  if (/^NONE$/i.test(last.args.trim())) return [{ rule: 'healthcheck', line: last.line, message: 'HEALTHCHECK NONE' }];
  if (!/\bCMD\b/.test(last.args)) return [{ rule: 'healthcheck', line: last.line, message: 'HEALTHCHECK without CMD' }];
  return [];
};

// `npm install` and its aliases (npm accepts these abbreviations and misspellings), flags before it allowed.
const npmInstall = /\bnpm\s+(?:--?\S+\s+)*(?:install|instal|insta|inst|ins|in|i|isntall|isntal|isnta|isnt|add)(?=\s|$|;|&|\|)/;

/** Dependencies come from the lock file: `npm ci`, never `npm install`; in the final stage without dev dependencies. */
const npmCi: Rule = (all) => {
  const violations: Violation[] = [];
  all.forEach((stage, index) => {
    const final = index === all.length - 1;
    for (const instruction of stage.instructions.filter((each) => each.keyword === 'RUN')) {
      const command = commandOf(instruction.args);
      if (npmInstall.test(command)) {
        violations.push({ rule: 'npm-ci', line: instruction.line, message: `RUN uses npm install rather than npm ci: ${command}` });
      }
      if (final && /\bnpm\s+ci\b/.test(command) && !/--omit[= ]dev\b|--only[= ]prod|--production\b/.test(command)) {
        violations.push({ rule: 'npm-ci', line: instruction.line, message: `the final stage installs dev dependencies: ${command}` });
      }
    }
  });
  return violations;
};

/** ADD never fetches a URL (nothing unverified from the network; COPY or a pinned package instead). */
const noAddUrl: Rule = (all) =>
  all
    .flatMap((stage) => stage.instructions)
    .filter((instruction) => instruction.keyword === 'ADD')
    .filter((instruction) => /(?:^|[\s["])(?:https?:\/\/|git@|ftp:\/\/)/i.test(instruction.args))
    .map((instruction) => ({ rule: 'no-add-url', line: instruction.line, message: `ADD of a URL: ${instruction.args}` }));

export const RULES: Record<string, Rule> = {
  'from-pinned': fromPinned,
  'node-24': node24,
  'non-root-user': nonRootUser,
  healthcheck,
  'npm-ci': npmCi,
  'no-add-url': noAddUrl,
};

export function lintDockerfile(text: string): Violation[] {
  const all = stages(parseDockerfile(text));
  return Object.values(RULES).flatMap((rule) => rule(all));
}

/** The HEALTHCHECK's command of the final stage (exec form joined), for the tests that compare it with the probes. */
export function healthcheckCommand(text: string): string | undefined {
  const all = stages(parseDockerfile(text));
  const final = all[all.length - 1];
  const checks = final?.instructions.filter((instruction) => instruction.keyword === 'HEALTHCHECK') ?? [];
  const args = checks[checks.length - 1]?.args;
  if (!args) return undefined;
  const cmd = /\bCMD\s+(.*)$/.exec(args)?.[1];
  return cmd === undefined ? undefined : commandOf(cmd);
}

/** Ports the final stage EXPOSEs. */
export function exposedPorts(text: string): number[] {
  const all = stages(parseDockerfile(text));
  const final = all[all.length - 1];
  return (final?.instructions ?? [])
    .filter((instruction) => instruction.keyword === 'EXPOSE')
    .flatMap((instruction) => instruction.args.split(/\s+/))
    .map((port) => Number.parseInt(port, 10))
    .filter((port) => Number.isInteger(port));
}
