/** Messages for the operator: action outcomes and refusals. Refusals stay until dismissed. */
import { Observable } from './observable.js';

export interface Notice {
  id: number;
  tone: 'good' | 'bad';
  title: string;
  text: string;
}

export const notices = new Observable<Notice[]>([]);
let nextId = 1;
const SUCCESS_VISIBLE_MS = 12_000;

export function notify(tone: Notice['tone'], title: string, text: string): void {
  const notice = { id: nextId++, tone, title, text };
  notices.set([...notices.value.slice(-4), notice]);
  if (tone === 'good') setTimeout(() => dismissNotice(notice.id), SUCCESS_VISIBLE_MS);
}

export function dismissNotice(id: number): void {
  notices.set(notices.value.filter((notice) => notice.id !== id));
}
