/** What an operator can do to a whole element: set its state or restart it. */
import { api } from '../api/api-client.js';
import type { ElementView } from '../api/types.js';

export interface ElementCommand {
  id: 'activate' | 'pause' | 'stop' | 'restart';
  label: string;
  /** Said after it worked: "Paused: Encoder 1". */
  past: string;
  /** Asked first when set. */
  confirm?: string;
  run: (element: ElementView) => Promise<unknown>;
}

export const ELEMENT_COMMANDS: ElementCommand[] = [
  { id: 'activate', label: 'Activate', past: 'Activated', run: (element) => api.setState(element.id, 'active') },
  { id: 'pause', label: 'Pause', past: 'Paused', run: (element) => api.setState(element.id, 'paused') },
  {
    id: 'stop',
    label: 'Stop',
    past: 'Stopped',
    confirm: 'Polling stops and its values are no longer updated until the element is activated again.',
    run: (element) => api.setState(element.id, 'stopped'),
  },
  { id: 'restart', label: 'Restart', past: 'Restarted', run: (element) => api.restart(element.id) },
];

/** Whether the command changes anything for this element (pausing a paused element does not). */
export function commandApplies(command: ElementCommand, element: ElementView): boolean {
  switch (command.id) {
    case 'activate':
      return element.operatorState !== 'active';
    case 'pause':
      return element.operatorState === 'active';
    case 'stop':
      return element.operatorState !== 'stopped';
    case 'restart':
      return element.operatorState !== 'stopped';
  }
}
