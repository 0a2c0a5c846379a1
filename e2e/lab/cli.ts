// npm run lab -- up|down|status [options]: a real-server lab that keeps running after this command exits.
import { registerLab } from './register.ts';
import { parseArgs } from 'node:util';
import { DEFAULT_LAB_NAME, openLab, sshArgs, startLab, stopLab } from './lab.ts';
import type { Lab, SudoMode } from './lab.ts';

const USAGE = `usage: npm run lab -- <command> [options]

  up      [--servers N] [--interfaces I] [--peers M] [--clients K] [--sudo MODE,...] [--no-traffic]
          [--no-idle-keepalive] [--name P] [--register DATA_DIR]
          Brings up N servers (wireguard-go + OpenSSH sshd, each in its own network + mount namespace) with I
          interfaces of M peers each, and K client namespaces per server making traffic. Replaces a lab of the
          same name. MODE is nopasswd (default) or password, per server. --no-idle-keepalive: no keepalive
          on peers without a client (their unanswered handshakes cost CPU in a big lab).
  down    [--name P]            Tears the lab down (processes, namespaces, links, mounts, state dir).
  status  [--name P] [--json]   Shows the lab and whether its processes run (exit 1 when not healthy).

  --name defaults to ${DEFAULT_LAB_NAME}. Must run as root.`;

function intArg(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${what} must be a non-negative integer (got ${value})`);
  return Number(value);
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function describe(lab: Lab): string {
  const lines = [
    `lab ${lab.name}: state in ${lab.dir}, root-side subnet ${lab.subnet}`,
    `known_hosts: ${lab.knownHostsFile}`,
    '',
  ];
  for (const server of lab.servers) {
    lines.push(
      `${server.name}  ${server.host}:${server.port}  namespace ${server.namespace}  host key ${server.hostKeyFingerprint}  sudo ${server.sudo}`,
    );
    for (const iface of server.interfaces) {
      lines.push(
        `  ${iface.name}  port ${iface.listenPort}  ${iface.addressV4}  ${iface.addressV6}  ${iface.peers.length} peers  ${iface.configPath}`,
      );
    }
    lines.push(`  ssh ${sshArgs(lab, server, 'root').map(quote).join(' ')}`);
    lines.push(`  ssh ${sshArgs(lab, server, 'operator').map(quote).join(' ')}`);
  }
  for (const client of lab.clients) {
    lines.push(
      `lab-c${client.index}  namespace ${client.namespace}  → lab-s${client.server} ${client.interface} via ${client.endpoint}  tunnel ${client.tunnelV4}  traffic ${client.traffic ? 'on' : 'off'}`,
    );
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string', default: DEFAULT_LAB_NAME },
      servers: { type: 'string' },
      interfaces: { type: 'string' },
      peers: { type: 'string' },
      clients: { type: 'string' },
      sudo: { type: 'string' },
      'no-traffic': { type: 'boolean', default: false },
      'no-idle-keepalive': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      register: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const name = values.name;

  switch (command) {
    case 'up': {
      const sudo = values.sudo?.split(',').map((mode) => {
        if (mode !== 'nopasswd' && mode !== 'password')
          throw new Error(`--sudo: unknown mode ${mode} (nopasswd or password)`);
        return mode satisfies SudoMode;
      });
      const started = Date.now();
      const lab = await startLab({
        name,
        servers: intArg(values.servers, 'servers'),
        interfaces: intArg(values.interfaces, 'interfaces'),
        peers: intArg(values.peers, 'peers'),
        clients: intArg(values.clients, 'clients'),
        sudo,
        traffic: !values['no-traffic'],
        idleKeepalive: !values['no-idle-keepalive'],
      });
      const seconds = ((Date.now() - started) / 1000).toFixed(2);
      console.log(
        `WG Deck lab ${lab.name} is up (${lab.servers.length} servers, ${lab.clients.length} clients) in ${seconds} s\n`,
      );
      console.log(describe(lab));
      if (values.register) {
        const names = await registerLab(lab, values.register);
        console.log(`\nRegistered ${names.join(', ')} in ${values.register} (host keys pinned).`);
      }
      console.log(`\nIt keeps running. Stop it with: npm run lab -- down --name ${lab.name}`);
      return 0;
    }
    case 'down': {
      await stopLab(name);
      console.log(`lab ${name} is down`);
      return 0;
    }
    case 'status': {
      let lab: Lab;
      try {
        lab = await openLab(name);
      } catch (error) {
        console.log((error as Error).message);
        return 1;
      }
      const health = await lab.health();
      if (values.json) {
        console.log(
          JSON.stringify(
            {
              name: lab.name,
              dir: lab.dir,
              subnet: lab.subnet,
              knownHostsFile: lab.knownHostsFile,
              health,
              servers: lab.servers,
              clients: lab.clients,
            },
            null,
            2,
          ),
        );
        return health.ok ? 0 : 1;
      }
      console.log(describe(lab));
      console.log('');
      health.servers.forEach((s, k) => {
        console.log(
          `lab-s${k}: holder ${s.holder ? 'up' : 'DOWN'}, wireguard-go ${s.wireguard.map((w) => (w ? 'up' : 'DOWN')).join('/')}, sshd ${s.sshd ? 'up' : 'DOWN'}`,
        );
      });
      health.clients.forEach((c, i) => {
        console.log(
          `lab-c${i}: holder ${c.holder ? 'up' : 'DOWN'}, wireguard-go ${c.wireguard ? 'up' : 'DOWN'}, traffic ${c.traffic ? 'on' : 'off'}`,
        );
      });
      for (const c of health.configClients) {
        console.log(
          `${c.namespace} (from a config): holder ${c.holder ? 'up' : 'DOWN'}, wireguard-go ${c.wireguard ? 'up' : 'DOWN'}`,
        );
      }
      console.log(health.ok ? '\nhealthy' : '\nNOT healthy');
      return health.ok ? 0 : 1;
    }
    default:
      console.error(`unknown command ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`lab: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
