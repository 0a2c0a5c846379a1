/**
 * What `remoteOps.read` prints, parsed: the config file (exact bytes, UTF-8 or refused), the live
 * dump of the interface, the backups and any rollback armed or fired. One line per item, values in
 * base64 so a file's content can never be mistaken for the framing.
 */

import type { InterfaceDump } from '../../../shared/domain.ts';
import type { BackupInfo } from '../../../shared/peer-ops.ts';
import { parseWgDump } from '../collector/parse-wg-dump.ts';
import { cleanMessage } from '../collector/text-fields.ts';
import { ProtocolError, WgDeckError } from '../errors.ts';
import { sha256Hex } from '../peers/commands.ts';

export interface InterfaceRead {
  /** Null when there is no config file at that path. */
  fileText: string | null;
  sha256: string;
  /** Null when the interface is not up. */
  live: InterfaceDump | null;
  backups: BackupInfo[];
  pending: { txId: string; backup: string } | null;
  rolledBack: { txId: string; backup: string } | null;
  /** The last rollback that refused to restore (backup gone, changed, invalid), and why. */
  rollbackFailed: { txId: string; reason: string } | null;
}

const BACKUP_TIME = /\.(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?Z$/;

/** Sort key of a backup name: the counter-less stamp sorts as counter 000 (the first of its second). */
export function backupOrderKey(id: string): string {
  const m = BACKUP_TIME.exec(id);
  return m ? `${m.slice(1, 7).join('')}${m[7] ?? '000'}` : '';
}

export function backupTime(id: string): number {
  const m = BACKUP_TIME.exec(id);
  if (!m) return 0;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

// ignoreBOM keeps a byte-order mark in the text, so the text hashes to the file's own SHA-256.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseInterfaceRead(
  output: string,
  label: string,
  iface: string,
  path: string,
): InterfaceRead {
  const lines = output.split('\n');
  if (lines[0] !== 'wgdeck-read 1' || !lines.includes('end')) {
    throw new ProtocolError(label, `unexpected answer reading ${path}`);
  }
  const read: InterfaceRead = {
    fileText: null,
    sha256: '',
    live: null,
    backups: [],
    pending: null,
    rolledBack: null,
    rollbackFailed: null,
  };
  for (const line of lines.slice(1)) {
    const space = line.indexOf(' ');
    const kind = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (kind === 'file' && value !== '-') {
      const bytes = Buffer.from(value, 'base64');
      if (bytes.includes(0))
        throw new WgDeckError(
          'BAD_CONFIG_FILE',
          `${path} on ${label} holds NUL bytes; it is not a config file.`,
        );
      try {
        read.fileText = utf8.decode(bytes);
      } catch {
        throw new WgDeckError(
          'BAD_CONFIG_FILE',
          `${path} on ${label} is not UTF-8 text; WG Deck will not rewrite it.`,
        );
      }
      read.sha256 = sha256Hex(bytes);
    } else if (kind === 'dump' && value !== '-') {
      const parsed = parseWgDump(Buffer.from(value, 'base64'));
      if (!parsed.ok) throw new ProtocolError(label, `the dump of ${iface}: ${parsed.error}`);
      read.live = parsed.interfaces.find((i) => i.name === iface) ?? null;
    } else if (kind === 'backup') {
      const [id, bytes] = value.split(' ');
      if (id !== undefined && BACKUP_TIME.test(id)) {
        read.backups.push({ id, takenAt: backupTime(id), bytes: Number(bytes) || 0 });
      }
    } else if (kind === 'pending' || kind === 'rolled-back') {
      const [txId, backup] = value.split(' ');
      if (txId && backup) read[kind === 'pending' ? 'pending' : 'rolledBack'] = { txId, backup };
    } else if (kind === 'rollback-failed') {
      const space = value.indexOf(' ');
      // The reason is the server's text: cleaned like every other line a server sends.
      if (space > 0)
        read.rollbackFailed = { txId: value.slice(0, space), reason: cleanMessage(value.slice(space + 1)) };
    }
  }
  read.backups.sort((a, b) => (backupOrderKey(a.id) < backupOrderKey(b.id) ? 1 : -1));
  return read;
}
