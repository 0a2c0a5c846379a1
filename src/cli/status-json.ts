import type { InterfaceLive, PeerUsage, ServerLive } from '../shared/domain.ts';
import {
  formatQuota,
  formatSchedule,
  type DisabledBy,
  type PeerLifecycle,
  type Quota,
  type Schedule,
} from '../shared/peer-lifecycle.ts';
import type { LifecycleOf, NamesOf } from './peer-filter.ts';
import { disabledByText, usedPercent } from './peer-lifecycle-view.ts';

/**
 * The `wgdeck status --json` shape. Field names are a public interface for scripts: change them only
 * with a version bump. rx/tx are the server's view, exactly as `wg` reports them. Times are unix
 * seconds (`latestHandshake`, `ping.at`, `expiresAt`, `usage.periodStart`, `usage.resetsAt`).
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
        /** Its data quota (`# Quota`, `text` as the file spells it); null: none. */
        quota: (Quota & { text: string }) | null;
        /**
         * What counts against the quota in its current period (UTC day or month, or in total):
         * `periodStart` and `resetsAt` in unix seconds, `resetsAt` null for a total quota. Null when
         * it has no quota, or when this process does not know: usage comes from recorded history
         * (the app, serve, collect), and a one-shot `wgdeck status` records none.
         */
        usage: {
          bytes: number;
          limit: number;
          percent: number;
          periodKey: string;
          periodStart: number;
          resetsAt: number | null;
        } | null;
        /** When it stops being allowed (`# Expires`), unix seconds; null: never. */
        expiresAt: number | null;
        /** When it is allowed (`# Schedule`; days 0 = Sunday, minutes of the day in `timeZone`); null: always. */
        schedule: (Schedule & { text: string }) | null;
        /** Why the lifecycle enforcer disabled it (`# DisabledBy`); null: it did not. */
        disabledBy: (DisabledBy & { text: string }) | null;
      }[];
    }[];
  }[];
}

type PeerJson = StatusJson['servers'][number]['interfaces'][number]['peers'][number];

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** The lifecycle fields of one peer: its rules from the file, its usage from history if known. */
export function lifecycleJson(
  rules: PeerLifecycle | undefined,
  usage: PeerUsage | undefined,
): Pick<PeerJson, 'quota' | 'usage' | 'expiresAt' | 'schedule' | 'disabledBy'> {
  const quota = rules?.quota ?? null;
  const schedule = rules?.schedule ?? null;
  const disabledBy = rules?.disabledBy ?? null;
  return {
    quota: quota && { ...quota, text: formatQuota(quota) },
    usage:
      quota && usage
        ? {
            bytes: usage.bytes,
            limit: usage.limit,
            percent: usedPercent(usage),
            periodKey: usage.periodKey,
            periodStart: seconds(usage.periodStart),
            resetsAt: usage.resetsAt === null ? null : seconds(usage.resetsAt),
          }
        : null,
    expiresAt: rules?.expiresAt == null ? null : seconds(rules.expiresAt),
    schedule: schedule && { ...schedule, text: formatSchedule(schedule) },
    disabledBy: disabledBy && { ...disabledBy, text: disabledByText(disabledBy)! },
  };
}

export function toStatusJson(
  servers: ServerLive[],
  names: NamesOf = () => undefined,
  lifecycle: LifecycleOf = () => undefined,
): StatusJson {
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
          ...lifecycleJson(lifecycle(server.name, iface.name)?.[peer.publicKey], peer.usage),
        })),
      })),
    })),
  };
}
