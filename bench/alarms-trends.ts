/**
 * Alarm-evaluation and trend-write throughput, through the live bus as the runtime drives
 * them, on a WAL SQLite file like production. Run: `npx tsx bench/alarms-trends.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlarmEngine } from '../src/alarms/alarm-engine.js';
import { TrendEngine } from '../src/trends/trend-engine.js';
import { LiveBus } from '../src/live/live-bus.js';
import { openSqlite } from '../src/store/sqlite-database.js';
import type { ConnectorDefinition } from '../src/sdk/index.js';
import type { ElementView, ParamView, RowView } from '../src/runtime/views.js';

const ELEMENTS = 1000;
const ROWS = 32;
const ROUNDS = 20;

const connector: ConnectorDefinition = {
  id: 'bench-device',
  name: 'Bench device',
  vendor: 'Tally',
  version: '1.0.0.0',
  connection: { scheme: 'http', port: 80 },
  params: [
    { id: 'temperature', name: 'Temperature', type: 'number', trend: true },
    { id: 'health', name: 'Health', type: 'string' },
  ],
  tables: [
    {
      id: 'outputs',
      name: 'Outputs',
      displayColumn: 'name',
      columns: [
        { id: 'name', name: 'Name', type: 'string' },
        { id: 'status', name: 'Status', type: 'number' },
        { id: 'message', name: 'Message', type: 'string' },
        { id: 'bitrate', name: 'Bitrate', type: 'number', trend: true },
      ],
    },
  ],
  pages: [],
  polls: [],
  actions: [],
  alarmTemplate: {
    rules: [
      { id: 'temperature', target: { param: 'temperature' }, kind: 'threshold', thresholds: { major: { high: 80 }, warning: { high: 60 } } },
      { id: 'health', target: { param: 'health' }, kind: 'pattern', patterns: [{ pattern: '*fail*', severity: 'major' }] },
      { id: 'status', target: { table: 'outputs', column: 'status', rowFilter: 'Output *' }, kind: 'discrete', values: [{ value: 3, severity: 'major' }, { value: 4, severity: 'minor' }] },
      { id: 'message', target: { table: 'outputs', column: 'message' }, kind: 'pattern', patterns: [{ pattern: 'SRC_*', severity: 'minor' }] },
      { id: 'bitrate', target: { table: 'outputs', column: 'bitrate' }, kind: 'threshold', thresholds: { warning: { low: 1000 } }, hysteresis: { raiseSeconds: 30 } },
    ],
  },
};

function element(id: string): ElementView {
  return {
    id,
    name: id,
    connector: connector.id,
    connection: { host: '127.0.0.1', port: 80, tls: false, skipTlsVerify: false, deviceAddress: '', requestTimeout: 1000, elementTimeout: 5000, retries: 0 },
    state: 'active',
    stateReason: '',
    operatorState: 'active',
    pollIntervals: {},
    baseUrl: 'http://127.0.0.1',
    createdAt: 0,
    updatedAt: 0,
  };
}

const param = (id: string, value: number | string, t: number): ParamView => ({
  id, name: id, type: 'number', value, display: String(value), unit: null, writable: false, secret: false, isSet: true, stale: false, updatedAt: t,
});

/**
 * One poll's worth of rows; round r moves every bitrate so each is a change. `troubled`
 * makes about one cell in five flip between normal and alarm every round (far above a
 * real plant, where most evaluations confirm that nothing changed).
 */
function rows(round: number, t: number, troubled: boolean): RowView[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    key: `o${i}`,
    displayKey: `Output ${i}`,
    cells: {
      name: `Output ${i}`,
      status: troubled && (round + i) % 7 === 0 ? 3 : troubled && (round + i) % 11 === 0 ? 4 : 2,
      message: troubled && (round + i) % 13 === 0 ? 'SRC_MISSING' : '',
      bitrate: 4000 + ((round * 37 + i * 101) % 3000),
    },
    stale: false,
    updatedAt: t,
  }));
}

/** Wall and CPU time of a stretch of work: the machine may be shared, CPU time is the steadier figure. */
class Stopwatch {
  private wall = 0;
  private cpu = 0;
  private startedWall = 0;
  private startedCpu: NodeJS.CpuUsage | undefined;

  start(): this {
    this.startedWall = performance.now();
    this.startedCpu = process.cpuUsage();
    return this;
  }

  stop(): this {
    this.wall += performance.now() - this.startedWall;
    const used = process.cpuUsage(this.startedCpu);
    this.cpu += (used.user + used.system) / 1000;
    return this;
  }

  report(label: string, count: number, unit: string): void {
    const rate = (ms: number) => Math.round((count / ms) * 1000).toLocaleString('en-US').padStart(10);
    console.log(
      `${label.padEnd(50)} ${String(count).padStart(8)} ${unit}: ${this.wall.toFixed(0).padStart(6)} ms wall ${rate(this.wall)}/s, ${this.cpu.toFixed(0).padStart(6)} ms CPU ${rate(this.cpu)}/s`,
    );
  }
}

async function benchAlarms(dir: string, troubled: boolean): Promise<void> {
  const db = openSqlite(join(dir, `alarms-${troubled}.db`));
  const bus = new LiveBus();
  const engine = new AlarmEngine({ db, bus, connectors: () => connector, flushDelayMs: 60_000 });
  engine.start();
  for (let e = 0; e < ELEMENTS; e++) bus.publish({ type: 'element', element: element(`e${e}`) });
  const rules = connector.alarmTemplate!.rules;
  const tableRules = rules.filter((rule) => 'table' in rule.target).length;
  const perRound = ELEMENTS * (rules.length - tableRules + ROWS * tableRules);
  const evaluating = new Stopwatch().start();
  for (let round = 0; round < ROUNDS; round++) {
    const t = Date.now();
    for (let e = 0; e < ELEMENTS; e++) {
      const temperature = troubled ? 50 + ((round * 7 + e) % 40) : 20 + ((round * 7 + e) % 30);
      const health = troubled && round % 5 === 0 ? 'link failed' : 'ok';
      bus.publish({ type: 'params', elementId: `e${e}`, params: [param('temperature', temperature, t), param('health', health, t)] });
      bus.publish({ type: 'rows', elementId: `e${e}`, tableId: 'outputs', rows: rows(round + e, t, troubled), removed: [] });
    }
  }
  evaluating.stop();
  const flushing = new Stopwatch().start();
  await engine.flush();
  flushing.stop();
  evaluating.report(`alarm rule evaluations, ${troubled ? 'troubled plant' : 'quiet plant'}`, perRound * ROUNDS, 'evals');
  const changes = (db.prepare('SELECT COUNT(*) AS n FROM alarm_changes').get() as { n: number }).n;
  flushing.report('  alarm lifecycle changes written (one flush)', changes, 'rows');
  console.log(`  active alarms at the end: ${(await engine.list({ limit: 1_000_000 })).length}`);
  await engine.stop();
  db.close();
}

async function benchTrends(dir: string): Promise<void> {
  const db = openSqlite(join(dir, 'trends.db'));
  const bus = new LiveBus();
  const trends = new TrendEngine({ db, bus, connectors: () => connector, flushDelayMs: 60_000 });
  trends.start();
  for (let e = 0; e < ELEMENTS; e++) bus.publish({ type: 'element', element: element(`e${e}`) });
  const base = Date.parse('2026-01-01T00:00:00Z');
  const recording = new Stopwatch();
  const writing = new Stopwatch();
  for (let round = 0; round < ROUNDS; round++) {
    // Ten seconds apart: rounds cross 5-minute buckets now and then, as a day of polling does.
    const t = base + round * 10_000;
    recording.start();
    for (let e = 0; e < ELEMENTS; e++) {
      bus.publish({ type: 'params', elementId: `e${e}`, params: [param('temperature', 50 + ((round * 7 + e) % 40), t)] });
      bus.publish({ type: 'rows', elementId: `e${e}`, tableId: 'outputs', rows: rows(round + e, t, false), removed: [] });
    }
    recording.stop();
    // As the write-behind timer does: points and closed buckets; open buckets at checkpoints.
    writing.start();
    await trends.flush(false);
    writing.stop();
  }
  const checkpoint = new Stopwatch().start();
  await trends.flush();
  checkpoint.stop();
  const points = (db.prepare('SELECT COUNT(*) AS n FROM trend_points').get() as { n: number }).n;
  const buckets = (db.prepare('SELECT COUNT(*) AS n FROM trend_rollups').get() as { n: number }).n;
  recording.report('trend points recorded (bus → rollups in memory)', points, 'points');
  writing.report('  written to SQLite (points + closed buckets)', points, 'points');
  checkpoint.report('  open-bucket checkpoint (every series, 3 windows)', ELEMENTS * (ROWS + 1) * 3, 'rows');
  console.log(`  series: ${ELEMENTS * (ROWS + 1)}, rollup rows: ${buckets}`);
  const querying = new Stopwatch().start();
  for (let e = 0; e < 1000; e++) await trends.query(`e${e % ELEMENTS}`, 'outputs.bitrate', { row: 'o1', from: base, to: base + 3_600_000, window: '5m' });
  querying.stop().report('trend queries (5m window, one hour)', 1000, 'queries');
  await trends.stop();
  db.close();
}

const dir = mkdtempSync(join(tmpdir(), 'tally-bench-'));
try {
  console.log(`${ELEMENTS} elements × (2 parameters + ${ROWS} rows × 4 columns), ${ROUNDS} rounds, node ${process.version}`);
  await benchAlarms(dir, false);
  await benchAlarms(dir, true);
  await benchTrends(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
