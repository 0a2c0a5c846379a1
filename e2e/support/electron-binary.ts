import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ELECTRON_DIR = join(import.meta.dirname, '..', '..', 'node_modules', 'electron');

/** The Electron binary when it is installed; otherwise why not (it is downloaded on first use). */
export function electronBinary(): { path: string } | { missing: string } {
  const pathFile = join(ELECTRON_DIR, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      missing: `Electron's binary was never downloaded (${pathFile} missing; its download host is unreachable here)`,
    };
  }
  const binary = join(ELECTRON_DIR, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `${binary} does not exist` };
}
