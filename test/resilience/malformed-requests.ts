/**
 * A seeded generator of malformed API requests: wrong types, huge strings, deep JSON,
 * unknown routes, bad ids, bad methods, bodies that are not JSON. The same seed gives the
 * same requests, so a failure can be replayed.
 */
export interface GeneratedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** mulberry32: small, fast, good enough to pick test cases. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const ROUTES = [
  '/api/alarms', '/api/alarms/{alarm}', '/api/alarms/{alarm}/ack', '/api/alarms/{alarm}/history', '/api/alarms/summary',
  '/api/audit', '/api/connectors', '/api/elements', '/api/elements/{id}', '/api/elements/{id}/actions/{action}',
  '/api/elements/{id}/alarm-template', '/api/elements/{id}/events', '/api/elements/{id}/params', '/api/elements/{id}/params/{param}',
  '/api/elements/{id}/restart', '/api/elements/{id}/state', '/api/elements/{id}/stream', '/api/elements/{id}/tables/{table}',
  '/api/elements/{id}/trends', '/api/elements/{id}/trends/{param}', '/api/health', '/api/notifications/webhooks',
  '/api/notifications/webhooks/{webhook}', '/api/session', '/api/users', '/api/users/{user}', '/api/users/{user}/tokens',
  '/api/users/{user}/tokens/{token}', '/metrics', '/api/elements/{id}/nothing-here', '/api/unknown', '/api', '/api/elements/{id}/params/{param}/extra',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND'];
const QUERIES = [
  '', '?state=nonsense', '?state=active&severity=ultra', '?from=yesterday&to=-1', '?window=7y', '?row=' + 'r'.repeat(5000),
  '?from=1e400', '?element=%00%ff', '?limit=-5&limit=10', '?__proto__[polluted]=1', '?constructor.prototype.x=1', '?user=' + '\u{1F4A5}'.repeat(50),
];

export function malformedRequests(count: number, seed: number, validIds: { element: string; param: string; table: string; action: string }): GeneratedRequest[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const hugeString = (): string => 'x'.repeat(1 + Math.floor(random() * 200_000));
  const badIds = [
    validIds.element, '00000000-0000-0000-0000-000000000000', 'not-an-id', '%00', '%ff%fe', '..%2F..%2Fetc%2Fpasswd', '%2e%2e',
    '1e309', '-1', 'null', 'undefined', '__proto__', 'constructor', "'; DROP TABLE elements; --", '\u202e\u0000'.repeat(3), 'y'.repeat(3000),
    encodeURIComponent('<script>alert(1)</script>'), encodeURIComponent('{"a":1}'),
  ];
  const wrongValues = (): unknown => pick<unknown>([
    null, true, -1, 1e308, -0, 'string', '', hugeString(), [], [1, 'two', null], {}, { nested: { deeper: [1, 2, 3] } }, NaN,
    // Own "__proto__" / "constructor" keys, as a JSON body carries them (a literal would set the prototype).
    JSON.parse('{"__proto__": {"admin": true}}'), JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
  ]);
  const jsonBodies = (): string => {
    const shape = pick([
      () => JSON.stringify({ name: wrongValues(), connector: wrongValues(), connection: wrongValues() }),
      () => JSON.stringify({ name: 'x', connector: 'haivision-manager', connection: { host: wrongValues(), port: wrongValues(), tls: wrongValues() } }),
      () => JSON.stringify({ name: 'x', connector: 'haivision-manager', connection: { host: '127.0.0.1' }, pollIntervals: { inputs: wrongValues() }, params: wrongValues() }),
      () => JSON.stringify({ value: wrongValues() }),
      () => JSON.stringify({ state: wrongValues() }),
      () => JSON.stringify({ rows: wrongValues(), inputs: wrongValues() }),
      () => JSON.stringify({ username: wrongValues(), password: wrongValues(), role: wrongValues() }),
      () => JSON.stringify({ comment: wrongValues() }),
      () => JSON.stringify({ rules: wrongValues() }),
      () => JSON.stringify({ url: wrongValues(), events: wrongValues() }),
      () => JSON.stringify({ token: wrongValues(), username: wrongValues() }),
      () => JSON.stringify(wrongValues()),
      () => '['.repeat(1 + Math.floor(random() * 50_000)) + ']'.repeat(Math.floor(random() * 50_000)),
      () => '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
      () => '{"name": "unterminated',
      () => '{"__proto__": {"admin": true}, "name": "p"}',
      () => '\u0000\u0001\u0002binary',
      () => JSON.stringify({ name: 'x'.repeat(2_000_000) }),
      () => '',
    ]);
    return shape();
  };
  const requests: GeneratedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const route = pick(ROUTES);
    const path =
      route
        .replace('{id}', pick(badIds))
        .replace('{param}', pick([validIds.param, 'apiKey', 'nope', ...badIds]))
        .replace('{table}', pick([validIds.table, 'nope', ...badIds]))
        .replace('{action}', pick([validIds.action, 'nope', ...badIds]))
        .replace(/\{(alarm|webhook|user|token)\}/, () => pick(['admin', '1', '-1', ...badIds])) + pick(QUERIES);
    const method = pick(METHODS);
    const withBody = method !== 'GET' && method !== 'HEAD' && random() < 0.85;
    const contentType = pick(['application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']);
    requests.push({
      method,
      path,
      headers: withBody ? { 'content-type': contentType } : {},
      body: withBody ? jsonBodies() : undefined,
    });
  }
  return requests;
}
