import { ZodError } from 'zod';
import { errorCode } from '../main/core/errors.ts';
import { EXIT, exitCodeForCode } from '../shared/error-codes.ts';

// The numbers and the code → exit code table live with the codes (shared/error-codes.ts), once.
export { EXIT, exitCodeForCode };

export function exitCodeFor(error: unknown): number {
  if (error instanceof ZodError) return EXIT.usage;
  return exitCodeForCode(errorCode(error));
}
