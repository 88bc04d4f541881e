/**
 * A menu at a point (right-click, Shift+F10 or the context-menu key): arrow keys move,
 * Enter chooses, Escape and Tab close. Disabled items stay reachable and say why.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface MenuItem {
  id: string;
  label: string;
  enabled: boolean;
  reason?: string;
  destructive?: boolean;
}

interface ContextMenuProps {
  label: string;
  x: number;
  y: number;
  items: MenuItem[];
  onChoose: (id: string) => void;
  onClose: () => void;
}

export function ContextMenu({ label, x, y, items, onChoose, onClose }: ContextMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(() => Math.max(0, items.findIndex((item) => item.enabled)));
  const [position, setPosition] = useState({ left: x, top: y });

  useLayoutEffect(() => {
    const node = menu.current;
    if (!node) return;
    const rect = node.getBoundingClientRect();
    setPosition({
      left: Math.max(4, Math.min(x, window.innerWidth - rect.width - 4)),
      top: Math.max(4, Math.min(y, window.innerHeight - rect.height - 4)),
    });
  }, [x, y]);

  useEffect(() => {
    menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [active]);

  useEffect(() => {
    const close = (event: Event) => {
      if (!menu.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener('mousedown', close, true);
    window.addEventListener('blur', onClose);
    window.addEventListener('resize', onClose);
    return () => {
      document.removeEventListener('mousedown', close, true);
      window.removeEventListener('blur', onClose);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);

  const choose = (index: number) => {
    const item = items[index];
    if (item?.enabled) onChoose(item.id);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const last = items.length - 1;
    const moves: Record<string, () => number> = {
      ArrowDown: () => (active >= last ? 0 : active + 1),
      ArrowUp: () => (active <= 0 ? last : active - 1),
      Home: () => 0,
      End: () => last,
    };
    if (moves[event.key]) {
      event.preventDefault();
      setActive(moves[event.key]());
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
    }
  };

  return (
    <div
      ref={menu}
      class="context-menu"
      role="menu"
      aria-label={label}
      style={{ left: position.left + 'px', top: position.top + 'px' }}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => event.preventDefault()}
    >
      {items.length === 0 && <div class="menu-empty">No actions for this table</div>}
      {items.map((item, index) => (
        <div
          key={item.id}
          role="menuitem"
          tabIndex={index === active ? 0 : -1}
          aria-disabled={item.enabled ? undefined : 'true'}
          class={`menu-item${item.destructive ? ' menu-item-danger' : ''}`}
          onClick={() => choose(index)}
          onMouseEnter={() => setActive(index)}
        >
          <span>{item.label}</span>
          {!item.enabled && item.reason && <span class="menu-reason">{item.reason}</span>}
        </div>
      ))}
    </div>
  );
}
