import { AlertsPage } from './screens/Alerts.tsx';
import { EventsPage } from './screens/Events.tsx';
import { useEffect, useRef } from 'react';
import { CommandPalette } from './components/CommandPalette.tsx';
import { AddServer } from './screens/AddServer.tsx';
import { Overview } from './screens/Overview.tsx';
import { ServerPage } from './screens/ServerPage.tsx';
import { SettingsPage } from './screens/SettingsPage.tsx';
import { Sidebar } from './screens/Sidebar.tsx';
import type { ApiError } from './lib/errors.ts';
import { start, useApp } from './store/store.ts';

function Connecting() {
  return (
    <div className="center-screen" role="status" data-testid="connecting">
      <div className="spinner" aria-hidden="true" />
      <p>Connecting to the WG Deck engine…</p>
    </div>
  );
}

function ConnectFailed({ error }: { error: ApiError | null }) {
  // A refused token is not fixed by trying again: only the URL `wgdeck serve` printed helps.
  const refused = error?.code === 'TOKEN_REFUSED';
  return (
    <div className="center-screen" data-testid="connect-failed" data-code={error?.code}>
      <h1>{refused ? 'WG Deck needs its access token' : 'Cannot reach the WG Deck engine'}</h1>
      <p className="muted">{error?.message}</p>
      {!refused && (
        <button type="button" className="button button-primary" onClick={() => void start()}>
          Try again
        </button>
      )}
    </div>
  );
}

function Main() {
  const route = useApp((s) => s.route);
  const ref = useRef<HTMLElement>(null);
  const pageKey = route.page === 'server' ? `server/${route.server}` : route.page;
  useEffect(() => {
    ref.current?.scrollTo({ top: 0 });
  }, [pageKey]);
  let content;
  switch (route.page) {
    case 'overview':
      content = <Overview />;
      break;
    case 'add':
      content = <AddServer />;
      break;
    case 'settings':
      content = <SettingsPage />;
      break;
    case 'events':
      content = <EventsPage server={route.server} />;
      break;
    case 'alerts':
      content = <AlertsPage />;
      break;
    case 'server':
      content = (
        <ServerPage key={route.server} name={route.server} ifaceName={route.iface} peerKey={route.peer} />
      );
      break;
  }
  return (
    <main className="main" ref={ref} id="main" tabIndex={-1}>
      {content}
    </main>
  );
}

export function App() {
  const phase = useApp((s) => s.phase);
  const phaseError = useApp((s) => s.phaseError);
  if (phase === 'connecting') return <Connecting />;
  if (phase === 'failed') return <ConnectFailed error={phaseError} />;
  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <Sidebar />
      <Main />
      <CommandPalette />
    </div>
  );
}
