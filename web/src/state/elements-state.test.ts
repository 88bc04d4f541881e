import { describe, expect, it, vi } from 'vitest';
import type { ElementView, LiveMessage } from '../api/types.js';
import { applyElementMessages, elementsState, loadElements } from './elements-state.js';

// The snapshot the browser loads; each test decides when the server answers.
const server = vi.hoisted(() => ({ answer: (_list: unknown[]) => {}, elements: () => new Promise<unknown[]>(() => {}) }));
vi.mock('../api/api-client.js', () => ({
  api: { elements: () => server.elements(), activeAlarms: async () => [] },
}));

const element = (id: string, state: ElementView['state']): ElementView =>
  ({ id, name: id, connector: 'c', state, stateReason: '', operatorState: 'active' }) as ElementView;

describe('element browser state', () => {
  it('applies live states, removals and alarm severities in one pass', () => {
    elementsState.set({ elements: new Map([['a', element('a', 'active')], ['b', element('b', 'active')]]), severities: null, loaded: true, error: null });
    const messages: LiveMessage[] = [
      { type: 'element', element: element('a', 'timeout') },
      { type: 'element-removed', elementId: 'b' },
      { type: 'alarm', alarm: { id: 1, elementId: 'a', severity: 'minor', clearedAt: null } },
      { type: 'alarm', alarm: { id: 2, elementId: 'a', severity: 'critical', clearedAt: null } },
    ];
    applyElementMessages(messages);
    expect(elementsState.value.elements.get('a')?.state).toBe('timeout');
    expect(elementsState.value.elements.has('b')).toBe(false);
    expect(elementsState.value.severities?.get('a')).toBe('critical');

    applyElementMessages([{ type: 'alarm', alarm: { id: 2, elementId: 'a', severity: 'critical', clearedAt: 5 } }]);
    expect(elementsState.value.severities?.get('a')).toBe('minor');
  });

  it('leaves the snapshot alone when nothing in the frame concerns the browser', () => {
    const before = elementsState.value;
    applyElementMessages([{ type: 'params', elementId: 'a', params: [] }]);
    expect(elementsState.value).toBe(before);
  });

  it('keeps a state change that arrives while the snapshot is on its way', async () => {
    server.elements = () => new Promise((resolve) => (server.answer = resolve));
    const loading = loadElements();
    // The server read the list while the element was still active; the change comes first.
    applyElementMessages([{ type: 'element', element: element('c', 'timeout') }]);
    server.answer([element('c', 'active')]);
    await loading;
    expect(elementsState.value.elements.get('c')?.state).toBe('timeout');
  });
});
