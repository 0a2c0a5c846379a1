import { Command, Option } from 'commander';
import type { Change, Values } from '../commands/peer.ts';
import {
  confirmTimeoutFlag,
  dryRunFlag,
  interfaceFlag,
  jsonFlag,
  required,
  serverFlag,
  yesFlag,
} from '../flags.ts';
import { action, type CliRun } from '../run.ts';
import { sharesUsage } from '../usage.ts';

const load = () => import('../commands/peer.ts');

/** The flags every peer command starts with: which server, which interface. */
function peerCommand(name: string, summary: string, description: string): Command {
  return new Command(name)
    .summary(summary)
    .description(description)
    .addOption(required(serverFlag()))
    .addOption(required(interfaceFlag()));
}

const peerFlag = (): Option =>
  required(new Option('--peer <KEY_OR_NAME>', 'the peer, by public key or name'));

/** The flags of every command that changes the config file, after its own. */
function changeFlags(command: Command): Command {
  return command
    .addOption(confirmTimeoutFlag())
    .addOption(dryRunFlag())
    .option('--restart', 'restart to apply: sessions drop (asks first)')
    .addOption(yesFlag())
    .addOption(jsonFlag());
}

function addCommand(): Command {
  return changeFlags(
    peerCommand(
      'add',
      'add a peer; its client config is shown once',
      'Add a peer. Its client config, private key included, is shown (or written) once. ' +
        '--server auto --group G puts it on the server placement ranks first.',
    )
      .option('--group <G>', 'with --server auto: the group to place it in')
      .addOption(required(new Option('--name <N>', 'its name (kept in the file as "# Name =")')))
      .option('--allowed-ips <auto|CIDR,...>', 'its tunnel IPs (default auto: the next free)')
      .option('--keepalive <N>', 'persistent keepalive in seconds (default off)')
      .option('--psk', 'give it a preshared key too')
      .option('--public-key <KEY>', "the client's public key (else a new key pair)")
      .option('--client-config <FILE>', 'write the client config to a new FILE (0600)')
      .option('--qr', 'also print the client config as a QR code')
      .option('--dns <A,B>', "the client config's DNS servers")
      .option('--mtu <N>', "the client config's MTU")
      .option('--client-allowed-ips <CIDR,...>', "the client's AllowedIPs (default: everything)")
      .option('--endpoint <HOST>', 'the host the client dials (default: SSH host)'),
  );
}

function editCommand(): Command {
  return changeFlags(
    peerCommand(
      'edit',
      "change a peer's name, IPs, keepalive, key or lifecycle",
      "Change a peer's name, allowed IPs, keepalive or preshared key, how it is\n" +
        'watched (its ping check address, status rule and thresholds), or its\n' +
        'lifecycle: a data quota, an expiry, a schedule, kept in the file beside its\n' +
        'name. Whatever records history (the app, serve, collect) disables the peer\n' +
        'when one says so; an edit never re-enables it.',
    )
      .addOption(peerFlag())
      .option('--name <N>', 'rename it')
      .option('--allowed-ips <CIDR,...>', 'replace its allowed IPs')
      .option('--keepalive <N|off>', 'persistent keepalive, in seconds, or off')
      .option('--check-address <IP|none>', 'what its ping check pings (none: its own IP)')
      .option('--status-rule <RULE|none>', "handshake, ping or either (none: the server's)")
      .option('--thresholds <ON/STALE|none>', 'its own online/stale seconds, e.g. 60/600')
      .option('--quota <Q|none>', 'SIZE/day|month|total [rx|tx] [manual], e.g. 50GiB/month')
      .option('--expires <DATE|none>', 'through this UTC day, or until e.g. 2027-01-31T18:00Z')
      .option('--schedule <S|none>', 'allowed then, e.g. "mon-fri 08:00-18:00 Europe/Berlin"')
      .option('--rotate-psk', 'give it a new preshared key (shown once)')
      .option('--remove-psk', 'remove its preshared key'),
  );
}

export function peerCommands(run: CliRun): Command {
  const changing = (command: Command, sub: Change): Command =>
    action(command, run, async (ctx, options: Values) => (await load()).change(ctx, sub, options));
  const [disable, enable, remove] = (
    [
      [
        'disable',
        'disable a peer (kept in the file)',
        'Disable a peer: kept in the file, gone from the live interface.',
      ],
      ['enable', 'enable a disabled peer', 'Enable a disabled peer again, in the file and live.'],
      [
        'remove',
        'remove a peer (asks first)',
        'Remove a peer from the file and the live interface (asks first).',
      ],
    ] as const
  ).map(([sub, summary, description]) =>
    changing(changeFlags(peerCommand(sub, summary, description).addOption(peerFlag())), sub),
  );
  sharesUsage('disable|enable|remove', disable!, enable!, remove!);
  const restore = changeFlags(
    peerCommand(
      'restore',
      'put a config file backup back',
      'Put a backup of the config file back, and apply it.',
    ).addOption(required(new Option('--backup <ID>', 'the backup (ids: wgdeck peer list)'))),
  );
  const list = peerCommand(
    'list',
    "the interface's peers and backups",
    "The interface's peers, as its config file has them, and its backups.",
  );
  return new Command('peer')
    .summary("list and change an interface's peers, live")
    .description(
      "A WireGuard interface's peers, changed live without restarting it: each change is " +
        'previewed, backed up, applied, verified, and rolled back by the server unless confirmed.',
    )
    .addCommand(
      action(list.addOption(jsonFlag()), run, async (ctx, options: Values) =>
        (await load()).listPeers(ctx, options, { server: options.server, iface: options.interface }),
      ),
    )
    .addCommand(changing(addCommand(), 'add'))
    .addCommand(changing(editCommand(), 'edit'))
    .addCommand(disable!)
    .addCommand(enable!)
    .addCommand(remove!)
    .addCommand(changing(restore, 'restore'));
}
