/**
 * How browser mode's WebSocket proves it holds the token, shared by the server (`src/headless/`) and the
 * page (`renderer/src/api/`). The token travels in the WebSocket subprotocol list (the
 * `Sec-WebSocket-Protocol` header of the upgrade), never in a cookie — cookies ignore ports, so every
 * other server on 127.0.0.1 would receive it — nor in the socket's URL.
 *
 * The page offers `[WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token]`; the server selects `WS_PROTOCOL` (it
 * never echoes the token) and closes a socket whose token is missing or wrong with TOKEN_REFUSED_CLOSE
 * before reading anything from it. A close code, not an HTTP refusal of the upgrade, because a page
 * sees only 1006 for the latter and could not tell "wrong token" from "server gone".
 */

export const WS_PROTOCOL = 'wgdeck';
export const TOKEN_PROTOCOL_PREFIX = 'wgdeck-token.';
/** Private-use close code (4000–4999): the token is missing or wrong; retrying cannot help. */
export const TOKEN_REFUSED_CLOSE = 4401;
export const TOKEN_REFUSED_REASON = 'access token required';

/** A token fits in a subprotocol name only with RFC 7230 token characters; ours are base64url. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,1024}$/;

export function isTokenShaped(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** The subprotocols a page offers: ours, plus the token when it has a usable one. */
export function socketProtocols(token: string | null): string[] {
  return token !== null && isTokenShaped(token)
    ? [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token]
    : [WS_PROTOCOL];
}

/**
 * The token in a `Sec-WebSocket-Protocol` header; null when there is none, or more than one (an
 * ambiguous offer is refused rather than guessed at). Tolerates garbage.
 */
export function tokenFromProtocols(header: string | undefined): string | null {
  if (typeof header !== 'string' || header.length > 4096) return null;
  const offered = header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith(TOKEN_PROTOCOL_PREFIX));
  if (offered.length !== 1) return null;
  const token = offered[0]!.slice(TOKEN_PROTOCOL_PREFIX.length);
  return isTokenShaped(token) ? token : null;
}
