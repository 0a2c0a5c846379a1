import { Command, Option } from 'commander';
import type { ImportOptions } from '../commands/import.ts';
import type { AddOptions, EditOptions } from '../commands/server.ts';
import { jsonFlag, repeatable, required } from '../flags.ts';
import { action, type CliRun } from '../run.ts';

const load = () => import('../commands/server.ts');
const loadImport = () => import('../commands/import.ts');

const NAME = "the server's name in wgdeck";

export function serverCommands(run: CliRun): Command {
  const addCommand = new Command('add')
    .summary('add a server, pinning its host key')
    .description(
      'Add a server: connect, pin its host key (asking first, in a terminal) and find its ' +
        'WireGuard interfaces.',
    )
    .argument('<NAME>', NAME)
    .addOption(required(new Option('--host <H>', 'its address or host name')))
    .option('--port <P>', 'its SSH port (default 22)')
    .option('--user <U>', 'the SSH user (default: yours)')
    .option('--identity <FILE>', 'a private key file (default: ssh-agent, then ~/.ssh/id_*)')
    .option(
      '--jump <user@host:port[,...]>',
      'reach it through this SSH jump host, or a chain of them in order (ProxyJump, ssh -J)',
    )
    .option('--sudo', 'run wg through sudo -n (for a user other than root)')
    .option('--group <G>', 'a group to show it in')
    .option('--max-peers <N>', 'how many peers it may carry, for placement')
    .option('--weight <W>', 'its placement weight (default 1; 2 takes twice the share)')
    .addOption(statusRuleOption('its peers are online by handshake, ping or either'))
    .option('--interval <S>', 'seconds between updates, 1-300 (default: the global setting)')
    .addOption(
      repeatable(
        '--config-path <IF=/path/IF.conf>',
        "an interface's config file, when not /etc/wireguard/IF.conf",
      ),
    )
    .option('--accept-new', 'trust its host key without asking (first contact only)')
    .addOption(jsonFlag());
  const editCommand = new Command('edit')
    .summary("change a server's settings")
    .description(
      "Change a server's settings; the ones not given stay. 'none' drops --jump, --identity, " +
        '--group, --max-peers, --weight or --status-rule.',
    )
    .argument('<NAME>', NAME)
    .option('--host <H>', 'its address or host name')
    .option('--port <P>', 'its SSH port')
    .option('--user <U>', 'the SSH user')
    .option('--identity <FILE>', 'a private key file, or none')
    .option('--jump <user@host:port[,...]>', 'reach it through this jump host (or chain a,b), or none')
    .option('--sudo', 'run wg through sudo -n')
    .option('--no-sudo', 'run wg directly (a root login)')
    .option('--group <G>', 'a group to show it in, or none')
    .option('--max-peers <N>', 'how many peers it may carry, for placement, or none')
    .option('--weight <W>', 'its placement weight, or none (1)')
    .addOption(statusRuleOption('handshake, ping or either, or none (the setting)'))
    .option('--interval <S>', 'seconds between updates, 1-300')
    .addOption(
      repeatable(
        '--config-path <IF=/path/IF.conf>',
        "an interface's config file, when not /etc/wireguard/IF.conf",
      ),
    )
    .addOption(jsonFlag());
  const importCommand = new Command('import')
    .summary('list or add the hosts of ~/.ssh/config')
    .description(
      'The hosts of an ssh client config, resolved as ssh resolves them (HostName, Port, ' +
        'User, IdentityFile, ProxyJump chains, Include). With --add, add those hosts as ' +
        'server add does; a host using options WG Deck does not follow (ProxyCommand, ' +
        'Match) is refused.',
    )
    .option('--ssh-config <FILE>', 'the config to read (default ~/.ssh/config)')
    .option('--add <ALIAS...>', 'add these hosts, named after their aliases')
    .option('--sudo', 'with --add: run wg through sudo -n')
    .option('--accept-new', 'with --add: trust host keys without asking (first contact)')
    .addOption(jsonFlag());
  const listCommand = new Command('list')
    .summary('the servers in the data dir')
    .description('The servers in the data dir.')
    .addOption(jsonFlag());
  const removeCommand = new Command('remove')
    .summary('remove a server')
    .description('Remove a server (and any secret stored for it) from the data dir.')
    .argument('<NAME>', NAME);
  const trustCommand = new Command('trust')
    .summary('re-trust a changed host key, deliberately')
    .description('Re-trust a host key that changed, deliberately: compare the fingerprint out of band first.')
    .argument('<NAME>', NAME)
    .addOption(required(new Option('--replace', 'replace the pinned key (says you mean it)')))
    .option('--fingerprint <SHA256:...>', "the new key's fingerprint (else it is shown and asked)");
  return new Command('server')
    .summary('add, import, edit, list, remove and re-trust servers')
    .description('Add, import, edit, list, remove and re-trust the servers WG Deck watches.')
    .addCommand(
      action(addCommand, run, async (ctx, options: AddOptions, [name]) =>
        (await load()).add(ctx, options, name!),
      ),
    )
    .addCommand(
      action(editCommand, run, async (ctx, options: EditOptions, [name]) =>
        (await load()).edit(ctx, options, name!),
      ),
    )
    .addCommand(
      action(importCommand, run, async (ctx, options: ImportOptions) =>
        (await loadImport()).importHosts(ctx, options),
      ),
    )
    .addCommand(
      action(listCommand, run, async (ctx, options: { json?: true }) => (await load()).list(ctx, options)),
    )
    .addCommand(
      action(removeCommand, run, async (ctx, _options, [name]) => (await load()).remove(ctx, name!)),
    )
    .addCommand(
      action(trustCommand, run, async (ctx, options: { fingerprint?: string }, [name]) =>
        (await load()).trust(ctx, options, name!),
      ),
    );
}

/** `--status-rule`: how this server's peers count as online (the fleet's setting when absent). */
function statusRuleOption(description: string): Option {
  return new Option('--status-rule <RULE>', description);
}
