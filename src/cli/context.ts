import { userInfo } from 'node:os';
import { Engine } from '../main/core/engine.ts';
import { defaultDataDir } from '../main/core/store/data-dir.ts';
import { terminalSafe } from './terminal-safe.ts';

export interface CliContext {
  dataDir: string;
  engine: Engine;
  /** A line to stdout, made terminal-safe (server text may be in it). */
  out: (text: string) => void;
  /** A line to stderr, made terminal-safe. */
  err: (text: string) => void;
  /** A line to stdout as it is: only for WG Deck's own escape sequences (a QR code), never server text. */
  outVerbatim: (text: string) => void;
  /** How wide a line may be: the terminal's width, or 80 when stdout is not a terminal. */
  columns: () => number;
}

/** Where a context writes; tests collect what the printers print through the same escaping. */
export interface CliSinks {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The terminal's width, if stdout is one. */
  columns?: () => number | undefined;
}

const PROCESS_SINKS: CliSinks = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  columns: () => (process.stdout.isTTY ? process.stdout.columns : undefined),
};

/** What a pipe, a file or a test is laid out for. */
export const DEFAULT_COLUMNS = 80;

export function makeContext(dataDir: string, engine: Engine, sinks: CliSinks = PROCESS_SINKS): CliContext {
  return {
    dataDir,
    engine,
    out: (text) => sinks.stdout(`${terminalSafe(text)}\n`),
    err: (text) => sinks.stderr(`${terminalSafe(text)}\n`),
    outVerbatim: (text) => sinks.stdout(`${text}\n`),
    columns: () => sinks.columns?.() || DEFAULT_COLUMNS,
  };
}

export function createContext(dataDirFlag: string | undefined): CliContext {
  const dataDir = dataDirFlag ?? defaultDataDir();
  const verbose = process.env['WGDECK_DEBUG'] === '1';
  const log = verbose ? (m: string) => process.stderr.write(`${terminalSafe(m)}\n`) : undefined;
  return makeContext(dataDir, new Engine({ dataDir, log }));
}

/** OpenSSH's default: the local user name. */
export function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}
