import { useEffect, useState } from 'preact/hooks';
import type { Observable } from './observable.js';

/** The observable's value, re-rendering the component when it changes. */
export function useObservable<T>(observable: Observable<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => observable.subscribe(() => setTick((tick) => tick + 1)), [observable]);
  return observable.value;
}
