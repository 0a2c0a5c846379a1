import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { routeHash } from '../lib/route.ts';
import {
  nextTheme,
  setSidebarCollapsed,
  setTheme,
  THEME_LABEL,
  useSidebarCollapsed,
  useTheme,
} from '../lib/ui-prefs.ts';
import { groupServers, serverSummary } from '../store/selectors.ts';
import { navigate, setPaletteOpen, useApp } from '../store/store.ts';
import { ConnectionBadge, CONNECTION_LABEL } from '../components/common.tsx';
import type { HeldServer } from '../store/fleet-state.ts';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

const ServerLink = memo(function ServerLink({
  name,
  held,
  current,
}: {
  name: string;
  held: HeldServer | undefined;
  current: boolean;
}) {
  const live = held?.live;
  const summary = live ? serverSummary(live) : null;
  const stateText = live ? CONNECTION_LABEL[live.state] : 'Waiting';
  // Only a streaming server has peers online to count; a cut one's last count is history.
  const showCount = summary !== null && summary.streaming && live !== undefined && live.interfaces.length > 0;
  return (
    <li>
      <a
        href={routeHash({ page: 'server', server: name })}
        className="nav-link server-link"
        aria-current={current ? 'page' : undefined}
        data-testid="sidebar-server"
        data-server={name}
        aria-label={`${name}, ${stateText}${showCount ? `, ${summary.counts.online} of ${summary.peers} peers online` : ''}`}
      >
        <ConnectionBadge state={live?.state ?? null} hasError={Boolean(live?.error)} compact />
        <span className="nav-label">{name}</span>
        <span className="nav-initials" aria-hidden="true">
          {name.slice(0, 2)}
        </span>
        {showCount && (
          <span className="nav-count" title={`${summary.counts.online} of ${summary.peers} peers online`}>
            {summary.counts.online}/{summary.peers}
          </span>
        )}
        {summary && summary.rising.length > 0 && (
          <span className="nav-flag" title="Errors or drops rising">
            !
          </span>
        )}
      </a>
    </li>
  );
});

/** The pages above the servers; `icon` stands for the label when the sidebar is folded. */
const PAGES = [
  { page: 'overview', label: 'Overview', icon: '⌂' },
  { page: 'events', label: 'Events', icon: '≡' },
  { page: 'alerts', label: 'Alerts', icon: '!' },
] as const;

export function Sidebar() {
  const { configs, known, fleet, route, info } = useApp(
    useShallow((s) => ({
      configs: s.configs,
      known: s.groups,
      fleet: s.fleet,
      route: s.route,
      info: s.info,
    })),
  );
  const groups = groupServers(configs, fleet, known);
  const currentServer = route.page === 'server' ? route.server : null;
  const hasGroups = groups.some((g) => g.group !== null);
  const collapsed = useSidebarCollapsed();
  const theme = useTheme();
  return (
    <nav className="sidebar" aria-label="Servers" data-collapsed={collapsed || undefined}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">WG Deck</span>
        {info && <span className="brand-version">{info.version}</span>}
        <button
          type="button"
          className="icon-button sidebar-toggle"
          onClick={() => setSidebarCollapsed(!collapsed)}
          aria-label={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
          aria-expanded={!collapsed}
          title={collapsed ? 'Expand the sidebar' : 'Collapse the sidebar'}
          data-testid="sidebar-toggle"
        >
          <span aria-hidden="true">{collapsed ? '»' : '«'}</span>
        </button>
      </div>
      <button
        type="button"
        className="palette-hint"
        onClick={() => setPaletteOpen(true)}
        aria-label="Search and commands"
      >
        <span className="palette-hint-label">Search…</span>
        <kbd>{isMac ? '⌘K' : 'Ctrl K'}</kbd>
      </button>
      <ul className="nav-list">
        {PAGES.map((p) => (
          <li key={p.page}>
            <a
              href={routeHash({ page: p.page })}
              className="nav-link"
              aria-current={route.page === p.page ? 'page' : undefined}
              data-testid={`nav-${p.page}`}
            >
              <span className="nav-label">{p.label}</span>
              <span className="nav-initials" aria-hidden="true">
                {p.icon}
              </span>
            </a>
          </li>
        ))}
      </ul>
      <div className="nav-servers">
        {groups.map((g) => (
          <section key={g.group ?? '\0'} aria-label={g.group ?? (hasGroups ? 'Other servers' : 'Servers')}>
            <h2 className="nav-heading" title={g.region ? `Region ${g.region}` : undefined}>
              {g.group ?? (hasGroups ? 'Other' : 'Servers')}
            </h2>
            <ul className="nav-list">
              {g.names.map((name) => (
                <ServerLink key={name} name={name} held={fleet[name]} current={currentServer === name} />
              ))}
            </ul>
          </section>
        ))}
        {groups.length === 0 && <p className="nav-empty">No servers yet.</p>}
      </div>
      <div className="sidebar-footer">
        <button
          type="button"
          className="button button-primary button-block"
          onClick={() => navigate({ page: 'add' })}
          data-testid="add-server-button"
          aria-label="Add server"
        >
          <span className="nav-label">Add server</span>
          <span className="nav-initials" aria-hidden="true">
            +
          </span>
        </button>
        <div className="sidebar-footer-row">
          <a
            href={routeHash({ page: 'settings' })}
            className="nav-link"
            aria-current={route.page === 'settings' ? 'page' : undefined}
            aria-label="Settings"
          >
            <span className="nav-label">Settings</span>
            <span className="nav-initials" aria-hidden="true">
              ⚙
            </span>
          </a>
          <button
            type="button"
            className="icon-button theme-toggle"
            onClick={() => setTheme(nextTheme(theme))}
            aria-label={`Theme: ${THEME_LABEL[theme]} (switch to ${THEME_LABEL[nextTheme(theme)]})`}
            title={`Theme: ${THEME_LABEL[theme]}`}
            data-testid="theme-toggle"
            data-theme-choice={theme}
          >
            <span aria-hidden="true">{theme === 'system' ? '◐' : theme === 'light' ? '☀' : '☾'}</span>
          </button>
        </div>
      </div>
    </nav>
  );
}
