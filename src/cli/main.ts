import { inspect } from 'node:util';
import { ZodError, z } from 'zod';
import { errorCode, errorMessage } from '../main/core/errors.ts';
import { driftCommand } from './commands/drift.ts';
import { peerCommand } from './commands/peer.ts';
import { serveCommand } from './commands/serve.ts';
import { serverCommand } from './commands/server.ts';
import { statusCommand } from './commands/status.ts';
import { watchCommand } from './commands/watch.ts';
import { createContext } from './context.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { terminalSafe } from './terminal-safe.ts';
import { COMMAND_USAGE, HELP, asksForHelp, isCommand } from './usage.ts';
import { UsageError } from './usage-error.ts';

/** Splits the global options (before the command) from the command and its own arguments. */
function splitGlobal(argv: string[]): { dataDir?: string; help: boolean; rest: string[] } {
  let dataDir: string | undefined;
  let i = 0;
  let help = false;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir') {
      dataDir = argv[++i];
      if (!dataDir) throw new UsageError('--data-dir needs a directory');
    } else if (arg.startsWith('--data-dir=')) {
      dataDir = arg.slice('--data-dir='.length);
    } else if (arg === '--help' || arg === '-h') {
      help = true;
    } else {
      break;
    }
  }
  const rest = argv.slice(i);
  // --data-dir is also accepted after the command, where scripts tend to put it.
  const at = rest.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  if (at >= 0) {
    const arg = rest[at]!;
    if (arg === '--data-dir') {
      dataDir = rest[at + 1];
      if (!dataDir) throw new UsageError('--data-dir needs a directory');
      rest.splice(at, 2);
    } else {
      dataDir = arg.slice('--data-dir='.length);
      rest.splice(at, 1);
    }
  }
  return { dataDir, help, rest };
}

export async function main(argv: string[]): Promise<number> {
  let command: string | undefined;
  try {
    const { dataDir, help, rest } = splitGlobal(argv);
    const [first, ...args] = rest;
    command = first;
    if (help || !command || command === 'help') {
      process.stdout.write(`${HELP}\n`);
      return command || help ? EXIT.ok : EXIT.usage;
    }
    if (isCommand(command) && asksForHelp(args)) {
      process.stdout.write(`Usage:\n${COMMAND_USAGE[command]}\n`);
      return EXIT.ok;
    }
    const ctx = createContext(dataDir);
    switch (command) {
      case 'server':
        return await serverCommand(ctx, args);
      case 'status':
        return await statusCommand(ctx, args);
      case 'watch':
        return await watchCommand(ctx, args);
      case 'serve':
        return await serveCommand(ctx, args);
      case 'peer':
        return await peerCommand(ctx, args);
      case 'drift':
        return await driftCommand(ctx, args);
      default:
        throw new UsageError(`unknown command "${command}" (see wgdeck --help)`);
    }
  } catch (error) {
    if (error instanceof ZodError) {
      process.stderr.write(`wgdeck: invalid input: ${terminalSafe(z.prettifyError(error))}\n`);
    } else if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      // Node's own wording, without its advice about "--" (which is not what the admin meant).
      const message = error.message.replace(/\. To specify a positional argument.*$/s, '');
      const usage = command !== undefined && isCommand(command) ? `\nusage:\n${COMMAND_USAGE[command]}` : '';
      process.stderr.write(`wgdeck: ${terminalSafe(message)}${usage}\n`);
      return EXIT.usage;
    } else {
      const code = errorCode(error);
      // The message may quote a server (a DISCONNECT text, wg's complaint): escaped like every line.
      process.stderr.write(
        `wgdeck: ${terminalSafe(errorMessage(error))}${code === 'INTERNAL' ? '' : ` [${code}]`}\n`,
      );
      if (code === 'INTERNAL' && process.env['WGDECK_DEBUG'] === '1')
        process.stderr.write(`${terminalSafe(inspect(error))}\n`);
    }
    return error instanceof UsageError ? EXIT.usage : exitCodeFor(error);
  }
}

// `wgdeck status | head`: the reader went away; stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
