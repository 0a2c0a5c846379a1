import { userInfo } from 'node:os';
import { Engine } from '../main/core/engine.ts';
import { defaultDataDir } from '../main/core/store/data-dir.ts';

export interface CliContext {
  dataDir: string;
  engine: Engine;
  out: (text: string) => void;
  err: (text: string) => void;
}

export function createContext(dataDirFlag: string | undefined): CliContext {
  const dataDir = dataDirFlag ?? defaultDataDir();
  const verbose = process.env['WGDECK_DEBUG'] === '1';
  return {
    dataDir,
    engine: new Engine({ dataDir, log: verbose ? (m) => process.stderr.write(`${m}\n`) : undefined }),
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}

/** OpenSSH's default: the local user name. */
export function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}
