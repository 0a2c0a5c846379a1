import { useCallback } from 'react';
import { useApp } from '../../store/store.ts';

/** A peer's name from any interface's config file the engine read, or null. */
export function useNameOf(): (key: string) => string | null {
  const peerNames = useApp((s) => s.peerNames);
  return useCallback(
    (key: string) => {
      for (const names of Object.values(peerNames)) if (names[key]) return names[key];
      return null;
    },
    [peerNames],
  );
}
