import type { Client as SshClient } from 'ssh2';
import { cleanMessage } from '../collector/text-fields.ts';
import { WgDeckError } from '../errors.ts';
import { GrowingBuffer } from '../growing-buffer.ts';

export interface ExecOptions {
  /** Written to the command's stdin, then stdin is closed: how secrets reach the server (never argv). */
  stdin?: string | Buffer;
  timeoutMs?: number;
  /** Output beyond this is an error, so a runaway command cannot fill the laptop's memory. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when the command died from a signal. */
  code: number | null;
  signal: string | null;
}

export class ExecTimeoutError extends WgDeckError {
  constructor(command: string, ms: number) {
    super('EXEC_TIMEOUT', `Remote command did not finish within ${ms / 1000} s: ${command.slice(0, 80)}`);
    this.name = 'ExecTimeoutError';
  }
}

/** Runs one command on its own channel and collects its output within the given bounds. */
export function execCommand(
  client: SshClient,
  command: string,
  options: ExecOptions = {},
): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxOutputBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) {
        // The reason may be the server's own CHANNEL_OPEN_FAILURE text.
        reject(
          new WgDeckError('EXEC_FAILED', `Could not start a remote command: ${cleanMessage(error.message)}`),
        );
        return;
      }
      // Copied as it comes: a view per chunk would hold a Buffer object per 1-byte packet.
      const stdout = new GrowingBuffer(maxBytes);
      const stderr = new GrowingBuffer(maxBytes);
      let size = 0;
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const timer = setTimeout(() => {
        finish(() => reject(new ExecTimeoutError(command, timeoutMs)));
        channel.close();
      }, timeoutMs);
      const collect = (into: GrowingBuffer) => (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish(() =>
            reject(new WgDeckError('OUTPUT_TOO_LARGE', `Remote output exceeded ${maxBytes} bytes; stopped.`)),
          );
          channel.close();
          return;
        }
        into.append(chunk);
      };
      channel.on('data', collect(stdout));
      channel.stderr.on('data', collect(stderr));
      channel.on('error', (channelError: Error) => finish(() => reject(channelError)));
      channel.on('close', (code: number | null, signal?: string) => {
        finish(() =>
          resolve({
            stdout: stdout.bytes().toString('utf8'),
            stderr: stderr.bytes().toString('utf8'),
            code: code ?? null,
            signal: signal ?? null,
          }),
        );
      });
      if (options.stdin !== undefined) channel.end(options.stdin);
      else channel.end();
    });
  });
}
