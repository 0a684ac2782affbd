// `meshfleet completion bash|zsh|fish`: a completion script for the shell, from the command table.
import { COMMAND_OPTIONS } from './help.ts';
import { UsageError } from './usage-error.ts';
import type { CliIo } from './io.ts';

export const COMPLETION_HELP = `usage: meshfleet completion bash|zsh|fish

Prints a shell completion script for meshfleet commands and options.
Examples:
  meshfleet completion bash > ~/.local/share/bash-completion/completions/meshfleet
  meshfleet completion zsh > "\${fpath[1]}/_meshfleet"
  meshfleet completion fish > ~/.config/fish/completions/meshfleet.fish
`;

const commands = Object.keys(COMMAND_OPTIONS);

function bash(): string {
  const cases = commands.map((c) => `    ${c}) opts="${COMMAND_OPTIONS[c].join(' ')}" ;;`).join('\n');
  return `# bash completion for meshfleet (meshfleet completion bash)
_meshfleet() {
  local cur=\${COMP_WORDS[COMP_CWORD]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.join(' ')} --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* || "\${COMP_WORDS[1]}" == completion ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _meshfleet meshfleet
`;
}

function zsh(): string {
  const cases = commands.map((c) => `    ${c}) compadd -- ${COMMAND_OPTIONS[c].join(' ')}; _files ;;`).join('\n');
  return `#compdef meshfleet
# zsh completion for meshfleet (meshfleet completion zsh)
_meshfleet() {
  if (( CURRENT == 2 )); then
    compadd -- ${commands.join(' ')} --help --version
    return
  fi
  case $words[2] in
${cases}
  esac
}
compdef _meshfleet meshfleet
`;
}

function fish(): string {
  const lines = [
    '# fish completion for meshfleet (meshfleet completion fish)',
    'complete -c meshfleet -f',
    `complete -c meshfleet -n __fish_use_subcommand -a "${commands.join(' ')}"`,
    'complete -c meshfleet -n __fish_use_subcommand -l help -l version',
    ...commands.flatMap((c) =>
      COMMAND_OPTIONS[c].map((o) =>
        o.startsWith('--') ? `complete -c meshfleet -n "__fish_seen_subcommand_from ${c}" -l ${o.slice(2)}` : `complete -c meshfleet -n "__fish_seen_subcommand_from ${c}" -a ${o}`,
      ),
    ),
    `complete -c meshfleet -n "__fish_seen_subcommand_from ${commands.filter((c) => c !== 'completion' && c !== 'help').join(' ')}" -F`,
  ];
  return lines.join('\n') + '\n';
}

const SHELLS: Readonly<Record<string, () => string>> = { bash, zsh, fish };

export async function runCompletion(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(COMPLETION_HELP);
    return 0;
  }
  const [shell, ...rest] = argv;
  if (!shell || rest.length || !Object.hasOwn(SHELLS, shell)) throw new UsageError(`completion needs one shell: ${Object.keys(SHELLS).join(', ')}`);
  io.out(SHELLS[shell]());
  return 0;
}
