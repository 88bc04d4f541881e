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
import type { Row, Value } from '../../src/sdk/index.js';
import { ValueCache, type ValueWriter } from '../../src/runtime/value-cache.js';
import haivision from '../../connectors/haivision-manager/index.js';
import { TABLE } from '../../connectors/haivision-manager/definition-tables.js';
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

const writer: ValueWriter = { queueParam: () => undefined, queueRow: () => undefined, queueRowDelete: () => undefined, queueEvent: () => undefined };
// SDI output rows built the costly way: the cache's own copies must share a class all the same.
const baseCells = (n: number): Record<string, Value> => ({ name: `SDI ${n}`, status: 2, enable: true, outputType: 'sdi' });
const carelessRows = (element: number): Row[] =>
  [1, 2, 3].map((n) => ({ key: `sdi_${n}`, cells: { ...baseCells(n), connector: n, standard: element % 2 ? '1080i50' : '720p50' } }));
const carelessCells = lastTwoOf(() => carelessRows(0)).flatMap(cellsOf);
let element = 0;
const caches = lastTwoOf(() => {
  const cache = new ValueCache(`e${++element}`, haivision, writer, new LiveBus(), () => undefined);
  cache.fillTable(TABLE.sdiOutputs, carelessRows(element), 1);
  // A cell the row did not have: the row changes shape, and the cache makes a new copy.
  cache.patchRows(TABLE.sdiOutputs, [{ key: 'sdi_3', cells: { message: `note ${element}` } }], 1);
  return cache;
});
const keptCells = (keys: string[]): object[] =>
  caches.flatMap((cache) => cache.tableView(TABLE.sdiOutputs)!.rows.filter((row) => keys.includes(row.key)).map((row) => row.cells));
const [plainRows, reshapedRows] = [keptCells(['sdi_1', 'sdi_2']), keptCells(['sdi_3'])];
caches[0].patchRows(TABLE.sdiOutputs, [{ key: 'sdi_1', cells: { status: 1 } }], 2);

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
    patchedRowKeepsItsClass: haveSameClass(caches[0].tableView(TABLE.sdiOutputs)!.rows[0].cells, plainRows[1]),
  }),
);
