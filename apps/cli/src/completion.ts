import type { Command } from 'commander';

/** Every command path (`''`, `schedule`, `schedule list`, ...) with the words that may follow it. */
export function completionTable(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const globals = program.options.map((o) => o.long).filter((l): l is string => l !== undefined);
  const visit = (command: Command, path: string) => {
    const subcommands = command.commands.map((c) => c.name()).filter((n) => n !== 'help');
    const own = command === program ? [] : command.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
    table.set(path, [...subcommands, ...own, ...globals, '--help']);
    for (const sub of command.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, '');
  return table;
}

/** A bash completion script for `program`, generated from its command tree. */
export function bashCompletion(program: Command): string {
  const name = program.name();
  const cases = [...completionTable(program)]
    .map(([path, words]) => `    '${path}') words='${[...new Set(words)].join(' ')}' ;;`)
    .join('\n');
  return `# ${name} completion for bash: source <(${name} completion bash)
_${name}_complete() {
  local cur path word i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=''
  # The command path is the leading words that are not options (options with values are skipped over loosely).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      -*) continue ;;
    esac
    local candidate="\${path:+$path }$word"
    if _${name}_words "$candidate" >/dev/null; then path="$candidate"; fi
  done
  local words
  words="$(_${name}_words "$path")"
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
_${name}_words() {
  local words
  case "$1" in
${cases}
    *) return 1 ;;
  esac
  printf '%s\\n' "$words"
}
complete -o default -F _${name}_complete ${name}
`;
}

/** zsh runs the bash script through bashcompinit. */
export function zshCompletion(program: Command): string {
  const name = program.name();
  return `# ${name} completion for zsh: source <(${name} completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program).split('\n').slice(1).join('\n')}`;
}
