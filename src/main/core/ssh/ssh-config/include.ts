import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { WgDeckError } from '../../errors.ts';
import { expandGlob } from './glob.ts';
import { parseConfig, type ConfigLine } from './parse.ts';

/**
 * A user config file with its `Include`s read in place, as a tree: which lines apply to a host is
 * decided later (resolve.ts), because an included file's `Host` lines only count when the `Include`
 * itself sits where they apply.
 */

export type ConfigEntry =
  { kind: 'line'; line: ConfigLine } | { kind: 'include'; line: ConfigLine; files: ConfigFile[] };

export interface ConfigFile {
  path: string;
  entries: ConfigEntry[];
}

/** ssh's READCONF_MAX_DEPTH: an include loop ends here, as ssh ends it, with an error. */
const MAX_DEPTH = 16;

/**
 * Where an `Include` argument points: `~` is the home directory, and a relative path is relative to
 * ~/.ssh — for the user config, and for a file given with `ssh -F` too (ssh reads that as the user
 * config; checked against `ssh -G`).
 */
export function includePath(arg: string, home: string): string {
  const path = arg === '~' ? home : arg.startsWith('~/') ? join(home, arg.slice(2)) : arg;
  return isAbsolute(path) ? path : join(home, '.ssh', path);
}

async function load(path: string, text: string, home: string, depth: number): Promise<ConfigFile> {
  const entries: ConfigEntry[] = [];
  for (const line of parseConfig(text)) {
    if (line.keyword !== 'include') {
      entries.push({ kind: 'line', line });
      continue;
    }
    if (depth >= MAX_DEPTH)
      throw new WgDeckError('INVALID_INPUT', `${path} line ${line.line}: too many nested Include files`);
    const files: ConfigFile[] = [];
    for (const arg of line.args) {
      for (const file of await expandGlob(includePath(arg, home))) {
        const included = await readFile(file, 'utf8').catch(() => null);
        if (included !== null) files.push(await load(file, included, home, depth + 1));
      }
    }
    entries.push({ kind: 'include', line, files });
  }
  return { path, entries };
}

/** The config at `path` with its includes; null when it does not exist (no config is no hosts). */
export async function loadConfig(path: string, home: string): Promise<ConfigFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return load(path, text, home, 0);
}

/** The same, from text (tests, and a config handed in as a string). */
export function loadConfigText(path: string, text: string, home: string): Promise<ConfigFile> {
  return load(path, text, home, 0);
}
