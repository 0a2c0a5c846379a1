import type { Lab } from './lab.ts';
import { parsePublicKeyLine } from '../../src/main/core/ssh/fingerprint.ts';
import { TrustStore } from '../../src/main/core/ssh/trust-store.ts';
import { ServerStore } from '../../src/main/core/store/server-store.ts';

/**
 * Registers the lab's servers in a WG Deck data dir (root login with the lab's key, host keys pinned),
 * so `npm start` / `wgdeck watch --data-dir DIR` show a live fleet at once. Existing entries with the
 * same names are replaced: a lab brought up again has new keys.
 */
export async function registerLab(lab: Lab, dataDir: string): Promise<string[]> {
  const servers = new ServerStore(dataDir);
  const trust = new TrustStore(dataDir);
  const names: string[] = [];
  for (const server of lab.servers) {
    const key = parsePublicKeyLine(server.hostKeyLine);
    await trust.forget(server.host, server.port);
    await trust.trust(server.host, server.port, key.type, key.blob);
    await servers.save(
      {
        name: server.name,
        host: server.host,
        port: server.port,
        user: 'root',
        identityFile: server.rootIdentityFile,
        sudo: false,
        group: `lab ${lab.name}`,
      },
      { replace: true },
    );
    names.push(server.name);
  }
  return names;
}
