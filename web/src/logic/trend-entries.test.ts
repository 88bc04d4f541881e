import { describe, expect, it } from 'vitest';
import { trendGroups } from './trend-entries.js';

describe('the trended values of an element', () => {
  const params = [{ id: 'liveInputCount', name: 'Live Inputs', decimals: 0 }];
  const tables = [
    {
      id: 'inputs',
      name: 'Inputs',
      columns: [{ id: 'rxBitrate', name: 'Rx Bitrate', unit: 'kb/s', decimals: 0 }],
      rows: [
        { key: 'b', displayKey: 'Field 10' },
        { key: 'a', displayKey: 'Field 2' },
      ],
    },
  ];

  it('lists parameters first, then each row of a trended column in natural order', () => {
    expect(trendGroups(['inputs.rxBitrate', 'liveInputCount'], params, tables)).toEqual([
      { title: 'Parameters', entries: [{ target: { paramId: 'liveInputCount' }, name: 'Live Inputs', unit: undefined, decimals: 0 }] },
      {
        title: 'Inputs · Rx Bitrate',
        entries: [
          { target: { paramId: 'inputs.rxBitrate', row: 'a' }, name: 'Field 2 Rx Bitrate', unit: 'kb/s', decimals: 0 },
          { target: { paramId: 'inputs.rxBitrate', row: 'b' }, name: 'Field 10 Rx Bitrate', unit: 'kb/s', decimals: 0 },
        ],
      },
    ]);
  });

  it('still lists what the connector does not describe, by id', () => {
    expect(trendGroups(['mystery', 'gone.column'], [], [])).toEqual([
      { title: 'Parameters', entries: [{ target: { paramId: 'mystery' }, name: 'mystery', unit: undefined, decimals: undefined }] },
      { title: 'gone · column', entries: [] },
    ]);
  });
});
