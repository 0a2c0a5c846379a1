/**
 * Validation of the addresses in a `wg show dump`: allowed IPs (`198.18.0.2/32`, `2001:2:0:1000::2/128`) and
 * endpoints (`198.18.113.7:51820`, `[2001:2:0:1db8::1]:51820`, `[2001:2:0:1000::1%eth0]:51820`).
 *
 * Hand-written scanners over byte ranges of the dump, not `node:net` (regexes) or string slices: a
 * 10,000-peer dump holds tens of thousands of these, and on a slow core typed-array reads cost a
 * third of `charCodeAt`. The accepted forms are exactly what `inet_ntop`/`getnameinfo` print, so
 * e.g. IPv4 octets with leading zeros are refused. The string wrappers are for everything else.
 */

const DOT = 46;
const COLON = 58;
const SLASH = 47;
const PERCENT = 37;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isDigit(byte: number): boolean {
  return byte >= 48 && byte <= 57;
}

function isHexDigit(byte: number): boolean {
  return (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70);
}

/** Dotted quad in bytes[start, end). */
function isIPv4Bytes(bytes: Uint8Array, start: number, end: number): boolean {
  let dots = 0;
  let digits = 0;
  let octet = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === DOT) {
      if (digits === 0 || ++dots > 3) return false;
      digits = 0;
      octet = 0;
    } else if (isDigit(byte)) {
      if (digits === 1 && octet === 0) return false; // leading zero
      octet = octet * 10 + (byte - 48);
      if (++digits > 3 || octet > 255) return false;
    } else {
      return false;
    }
  }
  return dots === 3 && digits > 0;
}

/** RFC 4291 text form in bytes[start, end): hex groups, at most one `::`, optional trailing dotted quad. */
function isIPv6Bytes(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 2) return false;
  let groups = 0;
  let compressed = false;
  let i = start;
  if (bytes[i] === COLON) {
    if (bytes[i + 1] !== COLON) return false;
    compressed = true;
    i += 2;
    if (i === end) return true; // "::"
  }
  for (;;) {
    let j = i;
    while (j < end && isHexDigit(bytes[j]!)) j++;
    if (j < end && bytes[j] === DOT) {
      // Embedded IPv4 (`::ffff:198.18.0.1`): only as the last 32 bits.
      if (!isIPv4Bytes(bytes, i, end)) return false;
      groups += 2;
      break;
    }
    if (j === i || j - i > 4) return false;
    groups++;
    if (j === end) break;
    if (bytes[j] !== COLON) return false;
    i = j + 1;
    if (i === end) return false; // a single trailing colon
    if (bytes[i] === COLON) {
      if (compressed) return false; // a second "::"
      compressed = true;
      i++;
      if (i === end) break;
    }
  }
  return compressed ? groups <= 7 : groups === 8;
}

/** Decimal in bytes[start, end) without leading zeros, at most `max`. */
function isSmallUint(bytes: Uint8Array, start: number, end: number, max: number): boolean {
  const length = end - start;
  if (length === 0 || length > 5 || (length > 1 && bytes[start] === 48)) return false;
  let value = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (!isDigit(byte)) return false;
    value = value * 10 + (byte - 48);
  }
  return value <= max;
}

/** `address/prefix` in bytes[start, end), IPv4 (prefix 0..32) or IPv6 (prefix 0..128). */
export function isCidrBytes(bytes: Uint8Array, start: number, end: number): boolean {
  let slash = -1;
  let colon = false;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte === SLASH) {
      slash = i;
      break;
    }
    if (byte === COLON) colon = true;
  }
  if (slash <= start) return false;
  return colon
    ? isIPv6Bytes(bytes, start, slash) && isSmallUint(bytes, slash + 1, end, 128)
    : isIPv4Bytes(bytes, start, slash) && isSmallUint(bytes, slash + 1, end, 32);
}

/**
 * `ipv4:port` or `[ipv6]:port` in bytes[start, end), the IPv6 form optionally with a `%zone`
 * (link-local endpoints; the zone is an interface name and may be any bytes).
 */
export function isEndpointBytes(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 2) return false;
  if (bytes[start] === OPEN_BRACKET) {
    let close = -1;
    let percent = -1;
    for (let i = start + 1; i < end; i++) {
      const byte = bytes[i]!;
      if (byte === CLOSE_BRACKET) {
        close = i;
        break;
      }
      if (byte === PERCENT && percent < 0) percent = i;
    }
    if (close < 0 || close + 1 >= end || bytes[close + 1] !== COLON) return false;
    if (percent >= 0 && percent + 1 === close) return false; // empty zone
    return (
      isIPv6Bytes(bytes, start + 1, percent >= 0 ? percent : close) &&
      isSmallUint(bytes, close + 2, end, 65535)
    );
  }
  let colon = -1;
  for (let i = end - 1; i > start; i--) {
    if (bytes[i] === COLON) {
      colon = i;
      break;
    }
  }
  if (colon < 0) return false;
  return isIPv4Bytes(bytes, start, colon) && isSmallUint(bytes, colon + 1, end, 65535);
}

/**
 * The common case in one pass: an IPv4 address, `separator`, then a decimal of at most `max`, as in
 * `198.18.0.2/32` (separator `/`, max 32) or `198.18.113.7:51820` (`:`, 65535). Reads from `start` and
 * returns the index just past the decimal, or -1 when the bytes there are not that; the caller then
 * takes the general path (which knows every form) to accept or explain them.
 */
export function scanIPv4Suffixed(bytes: Uint8Array, start: number, separator: number, max: number): number {
  let index = start;
  let dots = 0;
  let digits = 0;
  let octet = 0;
  for (; ; index++) {
    const byte = bytes[index];
    if (byte === undefined) return -1;
    if (isDigit(byte)) {
      if (digits === 1 && octet === 0) return -1; // leading zero
      octet = octet * 10 + (byte - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (byte === DOT) {
      if (digits === 0 || ++dots > 3) return -1;
      digits = 0;
      octet = 0;
    } else if (byte === separator && dots === 3 && digits > 0) {
      break;
    } else {
      return -1;
    }
  }
  const suffixStart = ++index;
  let value = 0;
  for (; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (!isDigit(byte)) break;
    value = value * 10 + (byte - 48);
    if (index - suffixStart >= 5) return -1;
  }
  const length = index - suffixStart;
  if (length === 0 || (length > 1 && bytes[suffixStart] === 48) || value > max) return -1;
  return index;
}

function whole(text: string, check: (bytes: Uint8Array, start: number, end: number) => boolean): boolean {
  const bytes = Buffer.from(text, 'utf8');
  return check(bytes, 0, bytes.length);
}

export function isIPv4(text: string): boolean {
  return whole(text, isIPv4Bytes);
}

export function isIPv6(text: string): boolean {
  return whole(text, isIPv6Bytes);
}

export function isCidr(text: string): boolean {
  return whole(text, isCidrBytes);
}

export function isEndpoint(text: string): boolean {
  return whole(text, isEndpointBytes);
}
