/**
 * Rows share their hidden classes: Haivision's parsed rows of one table, and the rows the
 * value cache keeps whatever shape the connector built them with (see
 * support/hidden-class-check.ts for why).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CHECK = fileURLToPath(new URL('./support/hidden-class-check.ts', import.meta.url));

describe('hidden classes of table rows', () => {
  it('are shared by the rows of a table, as parsed and as kept', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', CHECK], { timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({
      sdiOutputRows: true,
      ndiOutputRows: true,
      ipOutputRows: true,
      inputRows: true,
      carelessRowsHaveTheirOwn: true,
      keptRows: true,
      reshapedRows: true,
      patchedRowKeepsItsClass: true,
    });
  }, 90_000);
});
