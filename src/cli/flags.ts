/**
 * How the CLI declares a flag, on commander's Option: a required flag (checked after commander's own
 * checks, so a mistyped flag is named before a missing one, and never on `--help`), a repeatable one,
 * and the flags several commands share, each declared once here.
 */
import { Option, type Command } from 'commander';

const REQUIRED = new WeakSet<Option>();
const REPEATABLE = new WeakSet<Option>();

export function isRequired(option: Option): boolean {
  return REQUIRED.has(option);
}

export function isRepeatable(option: Option): boolean {
  return REPEATABLE.has(option);
}

/** A flag the command cannot do without (`--server S`); its usage shows it without brackets. */
export function required(option: Option): Option {
  REQUIRED.add(option);
  return option;
}

/** A flag that may be given more than once (`--server a --server b`): its values, in order. */
export function repeatable(flags: string, description: string): Option {
  const option = new Option(flags, description).argParser((value: string, previous: string[] | undefined) => [
    ...(previous ?? []),
    value,
  ]);
  REPEATABLE.add(option);
  return option;
}

/** The first required flag the admin left out (or gave empty), for the usage error that names it. */
export function missingRequired(command: Command): string | undefined {
  for (const option of command.options) {
    if (!isRequired(option)) continue;
    const value: unknown = command.getOptionValue(option.attributeName());
    if (value === undefined || value === '' || value === false) return option.long ?? option.flags;
  }
  return undefined;
}

/** Every peer command, and drift: which server, which interface, and JSON instead of text. */
export const serverFlag = (): Option =>
  new Option('--server <S>', 'the server (a name from wgdeck server list)');
export const interfaceFlag = (): Option => new Option('--interface <I>', 'the WireGuard interface, e.g. wg0');
export const jsonFlag = (): Option => new Option('--json', 'print JSON instead of text');

/** Every command that changes a config file (peer changes, drift --reconcile). */
export const confirmTimeoutFlag = (): Option =>
  new Option('--confirm-timeout <N>', 'rollback unless confirmed in N s (default 60)');
export const dryRunFlag = (): Option =>
  new Option('--dry-run', 'print the plan and the diff; change nothing');
export const yesFlag = (): Option => new Option('--yes', 'do not ask first (a script, or you are sure)');
