/**
 * What the live socket subscribes to: the union of what the open views need. A view asks
 * for some element ids or for all ("*"); releasing its claim shrinks the union again.
 */
export type Scope = readonly string[] | '*';

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

  /** The scope to send: "*" when any view wants all, else the sorted ids (maybe none). */
  union(): Scope {
    const ids = new Set<string>();
    for (const scope of this.claims.values()) {
      if (scope === '*') return '*';
      for (const id of scope) ids.add(id);
    }
    return [...ids].sort();
  }
}

type Frame = { subscribe: { elements: string[] | '*' } } | { unsubscribe: { elements: string[] | '*' } };

/**
 * The frames that move the server from what was sent to what is wanted. The server adds
 * on `subscribe` and removes on `unsubscribe`; nothing was sent yet on a fresh socket.
 */
export function subscriptionFrames(sent: Scope | null, wanted: Scope): Frame[] {
  if (wanted === '*') return sent === '*' ? [] : [{ subscribe: { elements: '*' } }];
  const ids = [...wanted];
  if (sent === '*') return ids.length ? [{ unsubscribe: { elements: '*' } }, { subscribe: { elements: ids } }] : [{ unsubscribe: { elements: '*' } }];
  const before = new Set(sent ?? []);
  const after = new Set(ids);
  const added = ids.filter((id) => !before.has(id));
  const removed = [...before].filter((id) => !after.has(id));
  const frames: Frame[] = [];
  if (added.length) frames.push({ subscribe: { elements: added } });
  if (removed.length) frames.push({ unsubscribe: { elements: removed } });
  return frames;
}
