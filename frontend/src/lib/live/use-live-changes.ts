import { useEffect, useRef } from 'react';
import type { Changes } from '@/lib/live/changes-api';
import { subscribeChanges } from '@/lib/live/live-updates';

/** Calls `onChanges` with each change of the archive while the component is mounted. */
export function useLiveChanges(onChanges: (changes: Changes) => void): void {
  const latest = useRef(onChanges);
  useEffect(() => {
    latest.current = onChanges;
  });
  useEffect(() => subscribeChanges((changes) => latest.current(changes)), []);
}
