import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './route.ts';

describe('routes', () => {
  it.each<Route>([
    { page: 'overview' },
    { page: 'add' },
    { page: 'settings' },
    { page: 'events' },
    { page: 'events', server: 'edge-1' },
    { page: 'alerts' },
    { page: 'server', server: 'edge-1' },
    { page: 'server', server: 'edge-1', iface: 'wg0' },
    { page: 'server', server: 'edge.1_x', iface: 'wg0', peer: 'ab+/cd==' },
  ])('round-trips %j', (route) => {
    expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it('encodes keys that contain / + =', () => {
    expect(routeHash({ page: 'server', server: 's', iface: 'wg0', peer: 'a/b+c=' })).toBe(
      '#/server/s/wg0/peer/a%2Fb%2Bc%3D',
    );
  });

  it.each(['', '#', '#/', '#/nope', '#/server/', '#/server/%E0%A4%A'])(
    'falls back to the overview for %j',
    (hash) => {
      expect(parseRoute(hash)).toEqual({ page: 'overview' });
    },
  );
});
