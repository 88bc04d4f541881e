/**
 * Run by hidden-classes.test.ts as `node --allow-natives-syntax --import tsx`: whether the
 * rows a poll reports and the value cache keeps share their hidden classes. Prints one JSON
 * object of named checks, each true when it holds.
 *
 * Why it matters: V8 gives every object made by a spread followed by more properties
 * (`{ ...a, b }`, `{ ...a, ...b }`) a hidden class of its own. Thousands of rows each with
 * their own are garbage in the old generation at every change and make every read of a cell
 * slow (bench/README.md, round 15).
 */
import { readFileSync } from 'node:fs';
import { LiveBus } from '../../src/live/live-bus.js';
import { defineConnector, type Row, type Value } from '../../src/sdk/index.js';
import { ValueCache, type ValueWriter } from '../../src/runtime/value-cache.js';
import { parseInputs, parseOutputs } from '../../connectors/haivision-manager/parse-responses.js';

// V8's own test of two objects' hidden classes; its syntax parses only under --allow-natives-syntax.
const haveSameClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../connectors/haivision-manager/fixtures/${name}.json`, import.meta.url), 'utf8'));

const allShareOne = (objects: object[]): boolean => objects.length > 1 && objects.every((object) => haveSameClass(object, objects[0]));

const cellsOf = (rows: Row[]): object[] => rows.map((row) => row.cells);

/** The last two of many runs: V8 shares the first few objects' class even when made the costly way. */
function lastTwoOf<T>(make: () => T): T[] {
  const made: T[] = [];
  for (let run = 0; run < 200; run++) made.push(make());
  return made.slice(-2);
}

const outputs = lastTwoOf(() => parseOutputs(fixture('outputs')));
const inputs = lastTwoOf(() => parseInputs(fixture('inputs'), () => undefined));

const connector = defineConnector({
  id: 'hidden-class-check',
  name: 'Hidden class check',
  vendor: 'Tally',
  version: '1.0.0.0',
  connection: { scheme: 'http', port: 80 },
  params: [],
  tables: [
    {
      id: 'outputs',
      name: 'Outputs',
      displayColumn: 'name',
      columns: ['name', 'status', 'bitrate', 'message'].map((id) => ({ id, name: id, type: id === 'bitrate' ? 'number' : 'string' })),
    },
  ],
  pages: [],
  polls: [],
  actions: [],
});
const writer: ValueWriter = { queueParam: () => undefined, queueRow: () => undefined, queueRowDelete: () => undefined, queueEvent: () => undefined };
// A connector that builds its cells the costly way: the cache's own copies must share a class all the same.
const baseCells = (n: number): Record<string, Value> => ({ name: `Output ${n}`, status: 'on' });
const carelessRows = (element: number): Row[] => [1, 2, 3].map((n) => ({ key: `o${n}`, cells: { ...baseCells(n), bitrate: element * 10 + n } }));
const carelessCells = lastTwoOf(() => carelessRows(0)).flatMap(cellsOf);
let element = 0;
const caches = lastTwoOf(() => {
  const cache = new ValueCache(`e${++element}`, connector, writer, new LiveBus(), () => undefined);
  cache.fillTable('outputs', carelessRows(element), 1);
  // A cell the row did not have: the row changes shape, and the cache makes a new copy.
  cache.patchRows('outputs', [{ key: 'o3', cells: { message: `note ${element}` } }], 1);
  return cache;
});
const keptCells = (keys: string[]): object[] =>
  caches.flatMap((cache) => cache.tableView('outputs')!.rows.filter((row) => keys.includes(row.key)).map((row) => row.cells));
const [plainRows, reshapedRows] = [keptCells(['o1', 'o2']), keptCells(['o3'])];
caches[0].patchRows('outputs', [{ key: 'o1', cells: { status: 'off' } }], 2);

console.log(
  JSON.stringify({
    sdiOutputRows: allShareOne(outputs.flatMap((tables) => cellsOf(tables.sdiOutputs))),
    ndiOutputRows: allShareOne(outputs.flatMap((tables) => cellsOf(tables.ndiOutputs))),
    ipOutputRows: allShareOne(outputs.flatMap((tables) => cellsOf(tables.ipOutputs))),
    inputRows: allShareOne(inputs.flatMap(cellsOf)),
    // The premise: on this V8, rows built that way do not share a class.
    carelessRowsHaveTheirOwn: !allShareOne(carelessCells),
    keptRows: allShareOne(plainRows),
    reshapedRows: allShareOne(reshapedRows),
    patchedRowKeepsItsClass: haveSameClass(caches[0].tableView('outputs')!.rows[0].cells, plainRows[1]),
  }),
);
