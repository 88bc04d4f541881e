/** The service's own web interface: a small read-only page of the account's services. */
export function renderWebPage(customer: string, services: Record<string, unknown>[]): string {
  const rows = services
    .map((s) => `<tr>${['name', 'feed_code', 'region', 'role', 'on_air', 'player_status', 'playout_status', 'health_status'].map((k) => `<td>${escapeHtml(String(s[k]))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>CLOUDPORT — ${escapeHtml(customer)}</title>
<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}</style></head>
<body>
<h1>Amagi CLOUDPORT Service Manager</h1>
<p>Account <strong>${escapeHtml(customer)}</strong> (simulated)</p>
<table>
<thead><tr><th>Service</th><th>Feed</th><th>Region</th><th>Role</th><th>On air</th><th>Player</th><th>Playout</th><th>Health</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
