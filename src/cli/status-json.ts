import type { InterfaceLive, ServerLive } from '../shared/domain.ts';
import type { NamesOf } from './peer-filter.ts';

/**
 * The `wgdeck status --json` shape. Field names are a public interface for scripts: change them only
 * with a version bump. rx/tx are the server's view, exactly as `wg` reports them.
 */
export interface StatusJson {
  servers: {
    name: string;
    host: string;
    state: string;
    error?: string;
    /** Frames refused for arriving faster than half the interval (a broken or flooding server). */
    droppedFrames: number;
    interfaces: {
      name: string;
      /** null when the interface has no private key configured yet. */
      publicKey: string | null;
      listenPort: number | null;
      counters: InterfaceLive['counters'];
      peers: {
        publicKey: string;
        /** From the interface's config file (`# Name = …`); null when it has none or it is not known yet. */
        name: string | null;
        presharedKey: boolean;
        endpoint: string | null;
        allowedIps: string[];
        latestHandshake: number | null;
        rxBytes: number;
        txBytes: number;
        persistentKeepalive: number | null;
        status: string;
        /** What the ping check pings (`# CheckAddress`, else the peer's host address); null: none. */
        checkAddress: string | null;
        /** The latest ping check, run on the server (`at`: unix seconds, server clock); null: none yet. */
        ping: { ok: boolean; rttMs: number | null; at: number } | null;
      }[];
    }[];
  }[];
}

export function toStatusJson(servers: ServerLive[], names: NamesOf = () => undefined): StatusJson {
  return {
    servers: servers.map((server) => ({
      name: server.name,
      host: server.host,
      state: server.state,
      ...(server.error !== undefined ? { error: server.error } : {}),
      droppedFrames: server.droppedFrames,
      interfaces: server.interfaces.map((iface) => ({
        name: iface.name,
        publicKey: iface.publicKey,
        listenPort: iface.listenPort,
        counters: iface.counters,
        peers: iface.peers.map((peer) => ({
          publicKey: peer.publicKey,
          name: names(server.name, iface.name)?.[peer.publicKey] ?? null,
          presharedKey: peer.presharedKey,
          endpoint: peer.endpoint,
          allowedIps: peer.allowedIps,
          latestHandshake: peer.latestHandshake,
          rxBytes: peer.rxBytes,
          txBytes: peer.txBytes,
          persistentKeepalive: peer.persistentKeepalive,
          status: peer.status,
          checkAddress: peer.checkAddress,
          ping: peer.ping && { ok: peer.ping.ok, rttMs: peer.ping.rttMs, at: peer.ping.at },
        })),
      })),
    })),
  };
}
