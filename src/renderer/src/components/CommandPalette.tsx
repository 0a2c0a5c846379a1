import { useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { searchFleet, peerName, type NamesOf, type PaletteItem } from '../store/selectors.ts';
import { setSidebarCollapsed, setTheme } from '../lib/ui-prefs.ts';
import type { PaletteCommand } from '../store/palette-commands.ts';
import { navigate, peerNamesKey, setPaletteOpen, useApp } from '../store/store.ts';
import { plural } from '../../../shared/format.ts';
import { ConnectionBadge, PeerStatusBadge } from './common.tsx';

function itemId(item: PaletteItem): string {
  switch (item.kind) {
    case 'server':
      return `s:${item.server}`;
    case 'interface':
      return `i:${item.server}/${item.iface}`;
    case 'command':
      return `c:${item.command.label}`;
    case 'peer':
      return `p:${item.server}/${item.iface}/${item.peer.publicKey}`;
  }
}

function runCommand(command: PaletteCommand): void {
  switch (command.id) {
    case 'add-server':
      navigate({ page: 'add' });
      break;
    case 'settings':
      navigate({ page: 'settings' });
      break;
    case 'events':
      navigate({ page: 'events' });
      break;
    case 'alerts':
      navigate({ page: 'alerts' });
      break;
    case 'overview':
      navigate({ page: 'overview' });
      break;
    case 'theme':
      setTheme(command.theme);
      break;
    case 'toggle-sidebar':
      setSidebarCollapsed(document.documentElement.dataset['sidebar'] !== 'collapsed');
      break;
  }
}

/** Ctrl/Cmd+K: jump to any server, interface or peer (name, key, IP, endpoint), or run a command. */
export function CommandPalette() {
  const open = useApp((s) => s.paletteOpen);
  const dialogRef = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLInputElement>('.palette-input')?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      className="palette"
      aria-label="Go to a server, interface or peer, or run a command"
      data-testid="command-palette"
      onClose={() => setPaletteOpen(false)}
      onCancel={(e) => {
        e.preventDefault();
        setPaletteOpen(false);
      }}
      onClick={(e) => {
        if (e.target === dialogRef.current) setPaletteOpen(false);
      }}
    >
      {/* Mounted only while open: every opening starts from an empty query. Clearing it from an
          effect instead raced the first keystrokes, which then landed after the last query. */}
      {open && <PaletteSearch />}
    </dialog>
  );
}

function PaletteSearch() {
  const { fleet, configs, peerNames } = useApp(
    useShallow((s) => ({ fleet: s.fleet, configs: s.configs, peerNames: s.peerNames })),
  );
  const [query, setQuery] = useState('');
  // The highlighted result by identity, not position: a poll that changes the results (a peer
  // added) must not move the highlight onto another peer under the admin's Enter.
  const [activeId, setActiveId] = useState<string | null>(null);
  const deferred = useDeferredValue(query);
  const namesOf = useMemo<NamesOf>(
    () => (server, iface) => peerNames[peerNamesKey(server, iface)],
    [peerNames],
  );
  const items = useMemo(
    () => searchFleet(fleet, configs, deferred, 50, namesOf),
    [fleet, configs, deferred, namesOf],
  );
  const found = activeId === null ? -1 : items.findIndex((item) => itemId(item) === activeId);
  const active = found === -1 ? 0 : found;
  const setActive = (index: number) => {
    const item = items[index];
    setActiveId(item ? itemId(item) : null);
  };

  useEffect(() => setActiveId(null), [deferred]);

  const choose = (item: PaletteItem | undefined) => {
    if (!item) return;
    setPaletteOpen(false);
    if (item.kind === 'command') runCommand(item.command);
    else if (item.kind === 'server') navigate({ page: 'server', server: item.server });
    else if (item.kind === 'interface') navigate({ page: 'server', server: item.server, iface: item.iface });
    else navigate({ page: 'server', server: item.server, iface: item.iface, peer: item.peer.publicKey });
    // The dialog gives focus back to where it was opened; the jump target is the new page.
    requestAnimationFrame(() => {
      if (item.kind === 'server') document.getElementById('main')?.focus();
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive(Math.min(items.length - 1, active + 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      // The list may still show an earlier query (the search is deferred while typing): Enter
      // opens the best result of what is typed now, never a leftover of a shorter query.
      choose(deferred === query ? items[active] : searchFleet(fleet, configs, query, 1, namesOf)[0]);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive(Math.max(0, active - 1));
    }
  };

  useEffect(() => {
    document.getElementById('palette-active')?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);

  return (
    <>
      <input
        className="palette-input"
        type="text"
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={items[active] ? 'palette-active' : undefined}
        aria-autocomplete="list"
        aria-label="Search servers, interfaces, peers and commands"
        placeholder="Server, interface, peer key, IP, endpoint or a command…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
        spellCheck={false}
      />
      <ul id="palette-list" role="listbox" className="palette-list" aria-label="Results">
        {items.map((item, index) => (
          <li
            key={itemId(item)}
            id={index === active ? 'palette-active' : undefined}
            role="option"
            aria-selected={index === active}
            className="palette-item"
            data-kind={item.kind}
            data-server={item.kind === 'command' ? undefined : item.server}
            data-peer-key={item.kind === 'peer' ? item.peer.publicKey : undefined}
            data-interface={item.kind === 'interface' ? item.iface : undefined}
            data-command={item.kind === 'command' ? item.command.id : undefined}
            onMouseMove={() => setActive(index)}
            onClick={() => choose(item)}
          >
            {item.kind === 'command' ? (
              <>
                <span className="palette-glyph" aria-hidden="true">
                  ›
                </span>
                <span className="palette-main">{item.command.label}</span>
                <span className="palette-sub" />
                <span className="palette-kind">Command</span>
              </>
            ) : item.kind === 'interface' ? (
              <>
                <span className="palette-glyph" aria-hidden="true">
                  ⇄
                </span>
                <span className="palette-main mono">{item.iface}</span>
                <span className="palette-sub">{plural(item.peers, 'peer')}</span>
                <span className="palette-kind">Interface on {item.server}</span>
              </>
            ) : item.kind === 'server' ? (
              <>
                <ConnectionBadge state={item.state} compact />
                <span className="palette-main">{item.server}</span>
                <span className="palette-sub mono">{item.host}</span>
                <span className="palette-kind">Server</span>
              </>
            ) : (
              <>
                <PeerStatusBadge status={item.peer.status} />
                <span className={item.name === null ? 'palette-main mono' : 'palette-main'}>
                  {item.name ?? peerName(item.peer)}
                </span>
                <span className="palette-sub mono">
                  {item.peer.allowedIps.join(', ')}
                  {item.peer.endpoint ? ` · ${item.peer.endpoint}` : ''}
                </span>
                <span className="palette-kind">
                  {item.server}/{item.iface}
                </span>
              </>
            )}
          </li>
        ))}
        {items.length === 0 && (
          <li className="palette-empty" role="presentation">
            {query.trim() === '' ? 'No servers yet.' : `Nothing matches “${query}”.`}
          </li>
        )}
      </ul>
      <p className="palette-help muted small" aria-hidden="true">
        ↑↓ to move · Enter to open · Esc to close
      </p>
    </>
  );
}
