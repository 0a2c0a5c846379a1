import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { WgDeckError } from '../errors.ts';

/**
 * A data-dir JSON file, checked by `schema`: null when it does not exist yet; a damaged file is an
 * error naming it (never silently replaced: the admin's data would be lost on the next write).
 */
export async function readStoreFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WgDeckError('STORE_CORRUPT', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new WgDeckError('STORE_CORRUPT', `${path} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
