/** The device's own web interface: a link to open it in a new tab, and an attempt to show it here. */
import type { ElementView } from '../api/types.js';

export function WebInterfacePage({ element }: { element: ElementView }) {
  return (
    <div class="web-interface">
      <div class="panel-head">
        <h2>Web interface</h2>
        <a class="button button-primary" href={element.baseUrl} target="_blank" rel="noopener noreferrer">
          Open {element.baseUrl} in a new tab ↗
        </a>
      </div>
      <p class="muted">
        Many devices refuse to be shown inside another page or use certificates the browser does not trust; if the frame
        stays empty, use the link.
      </p>
      <iframe class="web-frame" title={`${element.name} web interface`} src={element.baseUrl} sandbox="allow-forms allow-scripts allow-same-origin allow-popups" referrerpolicy="no-referrer" />
    </div>
  );
}
