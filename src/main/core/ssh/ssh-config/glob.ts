import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { hasWildcard, wildcardMatch } from './pattern.ts';

/**
 * The regular files an absolute `Include` pattern names, sorted, as glob(3) gives them to ssh: `*`
 * and `?` within one path segment, hidden names only when the segment itself starts with `.`, and
 * nothing (not an error) for a pattern that matches nothing.
 */
export async function expandGlob(pattern: string): Promise<string[]> {
  if (!isAbsolute(pattern)) throw new Error(`not an absolute path: ${pattern}`);
  let paths: string[] = [sep];
  for (const segment of pattern.split(sep).filter((s) => s !== '')) {
    if (!hasWildcard(segment)) {
      paths = paths.map((p) => join(p, segment));
      continue;
    }
    const next: string[] = [];
    for (const dir of paths) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (wildcardMatch(segment, name)) next.push(join(dir, name));
      }
    }
    paths = next;
  }
  const files: string[] = [];
  for (const path of paths) {
    if ((await stat(path).catch(() => null))?.isFile()) files.push(path);
  }
  return files.sort();
}
