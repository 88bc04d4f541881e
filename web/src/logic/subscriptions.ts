/**
 * What the live socket subscribes to: the union of what the open views need. A view claims
 * some element ids, all of them ("*"), or the overview (every element's state and alarms, not
 * its parameters and rows, which is all a screen of thousands of elements shows); releasing
 * its claim shrinks the union again.
 */
export type Scope = readonly string[] | '*' | 'overview';

/** The union of the claims: the elements followed in full, and whether the overview is wanted. */
export interface Subscription {
  elements: readonly string[] | '*';
  overview: boolean;
}

export class SubscriptionSet {
  private readonly claims = new Map<number, Scope>();
  private nextId = 1;

  claim(scope: Scope): number {
    const id = this.nextId++;
    this.claims.set(id, scope);
    return id;
  }

  release(id: number): void {
    this.claims.delete(id);
  }

  /** The subscription to send: elements "*" when any view wants all, else the sorted ids (maybe none). */
  union(): Subscription {
    const ids = new Set<string>();
    let everything = false;
    let overview = false;
    for (const scope of this.claims.values()) {
      if (scope === '*') everything = true;
      else if (scope === 'overview') overview = true;
      else for (const id of scope) ids.add(id);
    }
    return { elements: everything ? '*' : [...ids].sort(), overview };
  }
}

type Change = { elements?: string[] | '*'; overview?: true };
type Frame = { subscribe: Change } | { unsubscribe: Change };

/**
 * The frames that move the server from what was sent to what is wanted. The server adds
 * on `subscribe` and removes on `unsubscribe`; nothing was sent yet on a fresh socket.
 */
export function subscriptionFrames(sent: Subscription | null, wanted: Subscription): Frame[] {
  const subscribe: Change = {};
  const unsubscribe: Change = {};
  const before = sent?.elements ?? [];
  if (wanted.elements === '*') {
    if (before !== '*') subscribe.elements = '*';
  } else if (before === '*') {
    unsubscribe.elements = '*';
    if (wanted.elements.length) subscribe.elements = [...wanted.elements];
  } else {
    const had = new Set(before);
    const keeps = new Set(wanted.elements);
    const added = wanted.elements.filter((id) => !had.has(id));
    const removed = before.filter((id) => !keeps.has(id));
    if (added.length) subscribe.elements = added;
    if (removed.length) unsubscribe.elements = removed;
  }
  if (wanted.overview && !sent?.overview) subscribe.overview = true;
  if (!wanted.overview && sent?.overview) unsubscribe.overview = true;
  const frames: Frame[] = [];
  if (Object.keys(subscribe).length) frames.push({ subscribe });
  // Leaving "*" wipes every id on the server, so it goes first; otherwise adding first leaves no gap.
  if (Object.keys(unsubscribe).length) {
    if (unsubscribe.elements === '*') frames.unshift({ unsubscribe });
    else frames.push({ unsubscribe });
  }
  return frames;
}
