import { describe, expect, it } from 'vitest';
import { socketProtocols, tokenFromProtocols, TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL } from './ws-auth.ts';

const TOKEN = 'Abc-_0123456789abcdefghijklmnopqrstuvwxyzAB';

describe('the WebSocket token in the subprotocol list', () => {
  it('is offered after our protocol, and read back from the header as a browser joins it', () => {
    const offered = socketProtocols(TOKEN);
    expect(offered).toEqual([WS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${TOKEN}`]);
    expect(tokenFromProtocols(offered.join(', '))).toBe(TOKEN);
    expect(tokenFromProtocols(offered.join(','))).toBe(TOKEN);
  });

  it('offers only our protocol without a usable token (the server then refuses with its close code)', () => {
    expect(socketProtocols(null)).toEqual([WS_PROTOCOL]);
    expect(socketProtocols('')).toEqual([WS_PROTOCOL]);
    expect(socketProtocols('has space')).toEqual([WS_PROTOCOL]);
    expect(socketProtocols('a,b')).toEqual([WS_PROTOCOL]);
  });

  it.each([
    ['no header', undefined],
    ['our protocol only', WS_PROTOCOL],
    ['an empty token', `${WS_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}`],
    ['two tokens', `${TOKEN_PROTOCOL_PREFIX}a, ${TOKEN_PROTOCOL_PREFIX}b`],
    ['a token with foreign characters', `${TOKEN_PROTOCOL_PREFIX}a/b`],
    ['a huge header', `${TOKEN_PROTOCOL_PREFIX}${'a'.repeat(5000)}`],
    ['a look-alike prefix', `x${TOKEN_PROTOCOL_PREFIX}${TOKEN}`],
  ])('finds no token in %s', (_label, header) => {
    expect(tokenFromProtocols(header)).toBeNull();
  });
});
