/**
 * The `wgdeck` program on commander: the commands, the global flags, and one path for everything it
 * prints — help to stdout, errors to stderr, all of it terminal-safe (an argument the admin typed may
 * hold an escape sequence, and commander quotes it back).
 */
import { inspect } from 'node:util';
import { Command, CommanderError } from 'commander';
import { ZodError, z } from 'zod';
import pkg from '../../package.json' with { type: 'json' };
import { errorCode, errorMessage } from '../main/core/errors.ts';
import type { CliContext } from './context.ts';
import { cliHint, serverNameOf } from './error-hints.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { missingRequired } from './flags.ts';
import type { CliRun } from './run.ts';
import { collectCommands } from './syntax/collect.ts';
import { driftCommands } from './syntax/drift.ts';
import { eventsCommands } from './syntax/events.ts';
import { alertCommands } from './syntax/alert.ts';
import { groupCommands } from './syntax/group.ts';
import { peerCommands } from './syntax/peer.ts';
import { placementCommands } from './syntax/placement.ts';
import { serveCommands } from './syntax/serve.ts';
import { serverCommands } from './syntax/server.ts';
import { statusCommands } from './syntax/status.ts';
import { watchCommands } from './syntax/watch.ts';
import { terminalSafe } from './terminal-safe.ts';
import { helpConfiguration, usageError } from './usage.ts';

const AFTER_HELP = `
Data dir: --data-dir, else $WGDECK_DATA_DIR, else the platform's app-data dir.
Exit codes: 0 ok, 1 failure, 2 usage, 3 unreachable, 4 authentication,
5 host key not trusted, 6 host key changed/revoked, 7 sudo/privilege,
8 WireGuard missing or failing, 9 change refused (file changed, lock held,
rollback pending) or rolled back, 10 unconfirmed, rollback refused to restore.`;

/** `wgdeck help peer add`: that command's help, as `wgdeck peer add --help` prints it. */
function helpCommand(program: Command, run: CliRun): Command {
  const help = new Command('help')
    .description("Print a command's help, as COMMAND --help does.")
    .summary("print a command's help")
    .argument('[COMMAND...]', 'the command, e.g. peer add');
  return help.action((names: string[]) => {
    let target = program;
    for (const name of names) {
      const next = target.commands.find((command) => command.name() === name);
      if (!next) return target.error(`Unknown command '${name}'`, { exitCode: EXIT.usage, code: 'USAGE' });
      target = next;
    }
    target.outputHelp();
    run.code = EXIT.ok;
  });
}

/** The same output, errors and help wording on every command (addCommand copies no settings). */
function configure(command: Command): void {
  command
    .exitOverride()
    .helpCommand(false)
    .helpOption('-h, --help', 'print this help')
    .configureHelp(helpConfiguration())
    .configureOutput({
      writeOut: (text) => process.stdout.write(terminalSafe(text)),
      writeErr: (text) => process.stderr.write(terminalSafe(text)),
      outputError: (text, write) => write(usageError(command, text)),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    });
  // `wgdeck peer` alone: commander prints the help to stderr; say first why.
  if (command.commands.length > 0 && command.parent) {
    command.addHelpText('before', ({ error }) => (error ? `wgdeck: ${command.name()} needs a command` : ''));
  }
  for (const sub of command.commands) configure(sub);
}

function buildProgram(run: CliRun): Command {
  const program = new Command('wgdeck')
    .description('WireGuard fleet over SSH')
    .option('--data-dir <DIR>', 'where servers, host keys and history live')
    .version(pkg.version, '-V, --version', 'print the version');
  program
    .addCommand(serverCommands(run))
    .addCommand(statusCommands(run))
    .addCommand(watchCommands(run))
    .addCommand(serveCommands(run))
    .addCommand(collectCommands(run))
    .addCommand(peerCommands(run))
    .addCommand(driftCommands(run))
    .addCommand(eventsCommands(run))
    .addCommand(groupCommands(run))
    .addCommand(placementCommands(run))
    .addCommand(alertCommands(run))
    .addCommand(helpCommand(program, run))
    .addHelpText('after', AFTER_HELP)
    // After commander's own checks (unknown flags, arguments), never on --help.
    .hook('preAction', (_program, command) => {
      const missing = missingRequired(command);
      if (missing) command.error(`${missing} is required`, { exitCode: EXIT.usage, code: 'USAGE' });
    });
  configure(program);
  return program;
}

/** An error an action threw, as one line on stderr; its exit code. */
function report(error: unknown): number {
  if (error instanceof ZodError) {
    process.stderr.write(`wgdeck: invalid input: ${terminalSafe(z.prettifyError(error))}\n`);
  } else {
    const code = errorCode(error);
    // The message may quote a server (a DISCONNECT text, wg's complaint): escaped like every line.
    process.stderr.write(
      `wgdeck: ${terminalSafe(errorMessage(error))}${code === 'INTERNAL' ? '' : ` [${code}]`}\n`,
    );
    // What to do, in the terminal's words (the message says what happened).
    const hint = cliHint(code, serverNameOf(error));
    if (hint) process.stderr.write(`wgdeck: hint: ${terminalSafe(hint)}\n`);
    if (code === 'INTERNAL' && process.env['WGDECK_DEBUG'] === '1')
      process.stderr.write(`${terminalSafe(inspect(error))}\n`);
  }
  return exitCodeFor(error);
}

export interface CliOptions {
  /** The context for a data dir (tests hand in one that prints into strings). */
  context?: (dataDir: string | undefined) => CliContext;
}

/** Runs `wgdeck ARGS...`; resolves to the exit code. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<number> {
  const run: CliRun = {
    code: EXIT.ok,
    context: async () => {
      const dataDir = program.opts<{ dataDir?: string }>().dataDir;
      if (options.context) return options.context(dataDir);
      // The engine and the commands load only when a command runs: --help and usage errors stay quick.
      return (await import('./context.ts')).createContext(dataDir);
    },
  };
  const program = buildProgram(run);
  try {
    const { operands, unknown } = program.parseOptions([...argv]);
    if (operands.length === 0 && unknown.length === 0) {
      // `wgdeck` alone: the overview on stdout, as ever, but a usage error to a script.
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return run.code;
  } catch (error) {
    // Commander has printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return report(error);
  }
}
