/**
 * Each command's usage, declared once: `wgdeck --help` shows them all, `wgdeck COMMAND --help` (and
 * `wgdeck COMMAND SUB --help`) its own and exits 0, and a usage error ends with it.
 */
import { DRIFT_HELP } from './commands/drift.ts';
import { PEER_HELP } from './commands/peer.ts';

export const COMMAND_USAGE = {
  server: `  server add NAME --host H [--port P] [--user U] [--identity FILE]
             [--jump user@host:port] [--sudo] [--group G] [--interval S]
             [--config-path IF=/path/IF.conf ...] [--accept-new] [--json]
  server list [--json]
  server remove NAME
  server trust NAME --replace [--fingerprint SHA256:...]
             re-trust a changed host key, deliberately`,
  status: `  status [--server NAME ... | --all] [--json]   one snapshot of the fleet`,
  watch: `  watch [--server NAME ...]           live view, refreshed every interval`,
  serve: `  serve [--port N] [--listen ADDR] [--open]
             the app in your browser (loopback, behind a token)`,
  peer: PEER_HELP,
  drift: DRIFT_HELP,
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_USAGE, name);
}

export const HELP = `wgdeck — WireGuard fleet over SSH

Usage: wgdeck [--data-dir DIR] COMMAND ...   (wgdeck COMMAND --help: that one)

${Object.values(COMMAND_USAGE).join('\n')}

Data dir: --data-dir, else $WGDECK_DATA_DIR, else the platform's app-data dir.
Exit codes: 0 ok, 1 failure, 2 usage, 3 unreachable, 4 authentication,
5 host key not trusted, 6 host key changed/revoked, 7 sudo/privilege,
8 WireGuard missing or failing, 9 the change was refused because the server
moved on (file changed, lock held, rollback pending) or was rolled back,
10 a change was not confirmed and the server's rollback refused to restore.`;

/** Whether the admin asked for help anywhere among a command's own arguments. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}
