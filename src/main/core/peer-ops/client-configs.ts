/**
 * The client configs of the peers an apply added: endpoint = the server as the admin reaches it and
 * the interface's listen port, the server's public key, the peer's addresses, DNS/MTU/AllowedIPs as
 * asked. The private key goes into the text and nowhere else, unless the admin asked to keep it (then
 * only into the OS keychain).
 */

import type { InterfaceDump } from '../../../shared/domain.ts';
import type { ClientConfigResult, ClientOptions } from '../../../shared/peer-ops.ts';
import { WgDeckError } from '../errors.ts';
import { fullTunnelFor } from '../../../shared/ip-rules.ts';
import { buildClientConfig, clientConfigFileName, clientConfigQrSvg } from '../peers/client-config.ts';
import { configInterface, parseConfig } from '../peers/config-file.ts';
import { publicKeyOf } from '../peers/keys.ts';
import type { PlannedPeer } from '../peers/plan.ts';

export interface ServerSide {
  publicKey: string;
  listenPort: number;
}

/** The interface's public key and port: live when it runs, else from the file. */
export function serverSide(fileText: string, live: InterfaceDump | null): ServerSide | null {
  const iface = configInterface(parseConfig(fileText));
  const publicKey = live?.publicKey ?? (iface.privateKey ? publicKeyOf(iface.privateKey) : null);
  const listenPort = live?.listenPort ?? iface.listenPort;
  return publicKey && listenPort ? { publicKey, listenPort } : null;
}

export function peerKeyId(server: string, iface: string, publicKey: string): string {
  return `peer-key:${server}:${iface}:${publicKey}`;
}

export interface ClientConfigInput {
  peer: PlannedPeer;
  privateKey: string | null;
  side: ServerSide | null;
  endpointHost: string;
  options: ClientOptions | undefined;
  kept: boolean;
}

/** The config's text; throws (PeerInputError, by field) what it cannot hold. What a preview checks. */
export function clientConfigText(input: Omit<ClientConfigInput, 'kept'> & { privateKey: string }): string {
  const { peer, privateKey, side } = input;
  if (side === null) {
    throw new WgDeckError(
      'NO_ENDPOINT',
      'The interface has no listen port or key to put in the client config (is ListenPort set?).',
    );
  }
  return buildClientConfig({
    name: peer.name,
    privateKey,
    addresses: peer.allowedIps,
    dns: input.options?.dns ?? [],
    mtu: input.options?.mtu ?? null,
    serverPublicKey: side.publicKey,
    presharedKey: peer.presharedKey,
    endpointHost: input.options?.endpointHost ?? input.endpointHost,
    endpointPort: side.listenPort,
    allowedIps: input.options?.allowedIps ?? fullTunnelFor(peer.allowedIps),
    persistentKeepalive: peer.persistentKeepalive,
  });
}

export async function clientConfigResult(input: ClientConfigInput): Promise<ClientConfigResult> {
  const { peer, privateKey } = input;
  const base = {
    publicKey: peer.publicKey,
    name: peer.name,
    fileName: clientConfigFileName(peer.name),
    privateKeyKept: input.kept,
  };
  if (privateKey === null) return { ...base, text: null, qrSvg: null };
  const text = clientConfigText({ ...input, privateKey });
  return { ...base, text, qrSvg: await clientConfigQrSvg(text) };
}
