import { useLayoutEffect, useState } from 'preact/hooks';
import type { Observable } from './observable.js';

/** The observable's value, re-rendering the component when it changes. */
export function useObservable<T>(observable: Observable<T>): T {
  const [, setTick] = useState(0);
  const rendered = observable.value;
  // `rendered` is the value of the render that subscribes: a change made before the
  // subscription (a load that settles between render and effect) still re-renders.
  useLayoutEffect(() => observable.watchFrom(rendered, () => setTick((tick) => tick + 1)), [observable]);
  return rendered;
}
