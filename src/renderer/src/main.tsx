import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { installUiPrefs } from './lib/ui-prefs.ts';
import { boot } from './store/store.ts';
import './styles/theme.css';
import './styles/app.css';

installUiPrefs();
boot();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
