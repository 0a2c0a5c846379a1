import { contextBridge } from 'electron';

// The typed contract (src/shared/api.ts) is bridged here; until the UI lands only the version is exposed.
contextBridge.exposeInMainWorld('wgdeck', { version: '0.1.0' });
