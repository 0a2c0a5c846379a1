/** Where the app is, kept in the URL hash so the Back button, reloads and tests can address any screen. */

export type Route =
  | { page: 'overview' }
  | { page: 'add' }
  | { page: 'settings' }
  | { page: 'alerts' }
  | { page: 'events'; server?: string }
  | { page: 'server'; server: string; iface?: string; peer?: string };

function decode(part: string | undefined): string | undefined {
  if (part === undefined || part === '') return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#?\/?/, '').split('/');
  switch (parts[0]) {
    case 'add':
      return { page: 'add' };
    case 'settings':
      return { page: 'settings' };
    case 'alerts':
      return { page: 'alerts' };
    case 'events': {
      const server = decode(parts[1]);
      return server ? { page: 'events', server } : { page: 'events' };
    }
    case 'server': {
      const server = decode(parts[1]);
      if (!server) return { page: 'overview' };
      const route: Route = { page: 'server', server };
      const iface = decode(parts[2]);
      if (iface) route.iface = iface;
      const peer = parts[3] === 'peer' ? decode(parts[4]) : undefined;
      if (iface && peer) route.peer = peer;
      return route;
    }
    default:
      return { page: 'overview' };
  }
}

export function routeHash(route: Route): string {
  switch (route.page) {
    case 'overview':
      return '#/';
    case 'add':
      return '#/add';
    case 'settings':
      return '#/settings';
    case 'alerts':
      return '#/alerts';
    case 'events':
      return route.server ? `#/events/${encodeURIComponent(route.server)}` : '#/events';
    case 'server': {
      let hash = `#/server/${encodeURIComponent(route.server)}`;
      if (route.iface) {
        hash += `/${encodeURIComponent(route.iface)}`;
        if (route.peer) hash += `/peer/${encodeURIComponent(route.peer)}`;
      }
      return hash;
    }
  }
}
