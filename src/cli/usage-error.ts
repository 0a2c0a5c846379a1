import { WgDeckError } from '../main/core/errors.ts';

export class UsageError extends WgDeckError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}
