import type { Command, OptionValues } from 'commander';
import type { CliContext } from './context.ts';
import { EXIT } from './exit-codes.ts';
import { UsageError } from './usage-error.ts';

/** One run of the CLI, as its command's action sees it. */
export interface CliRun {
  /** The context, made when an action runs: `--help` and a usage error never build an engine. */
  context(): Promise<CliContext>;
  /** What the action returned: the process's exit code. */
  code: number;
}

/**
 * A command's action: the handler gets the context, the command's own flags and its arguments, and
 * returns the exit code. A UsageError it throws is reported as commander reports its own (one line,
 * then this command's usage; exit 2).
 */
export function action<O extends OptionValues>(
  command: Command,
  run: CliRun,
  handler: (ctx: CliContext, options: O, args: string[]) => Promise<number>,
): Command {
  return command.action(async () => {
    try {
      const ctx = await run.context();
      run.code = await handler(ctx, command.opts<O>(), command.processedArgs as string[]);
    } catch (error) {
      if (error instanceof UsageError) command.error(error.message, { exitCode: EXIT.usage, code: 'USAGE' });
      throw error;
    }
  });
}
