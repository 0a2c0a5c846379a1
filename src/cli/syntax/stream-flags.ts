import type { Command } from 'commander';

/** `--whole-frames`: declared once, for `serve` and `collect`. */
export function withStreamFlags(command: Command): Command {
  return command.option(
    '--whole-frames',
    'every wg dump whole, no delta frames (more bytes; for a server whose awk misbehaves)',
  );
}
