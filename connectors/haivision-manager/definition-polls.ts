/** Poll groups: outputs and inputs often, link statistics for live inputs, identity and configuration rarely. */
import { DeviceHttpError, type ElementContext, type PollGroupDef, type Row } from '../../src/sdk/index.js';
import { clientFor, deviceJson, PATHS } from './device-api.js';
import { TABLE } from './definition-tables.js';
import {
  countInputs, countOutputs, healthParams, isLive, type LinkCells, parseConfig, parseIdentity, parseInputs, parseLinkStats,
  parseOutputs, type StatusCounts,
} from './parse-responses.js';

export const POLL = { identity: 'identity', inputs: 'inputs', linkStats: 'linkStats', outputs: 'outputs', configuration: 'configuration' } as const;

/** Per-element memory: what the last input and output polls counted, and which inputs are live. */
const MEMORY = { inputCounts: 'inputCounts', outputCounts: 'outputCounts', liveInputs: 'liveInputs' } as const;

const liveInputs = (ctx: ElementContext): string[] => (ctx.scratch.get(MEMORY.liveInputs) as string[] | undefined) ?? [];

function reportHealth(ctx: ElementContext): void {
  ctx.setParams(healthParams(
    ctx.scratch.get(MEMORY.inputCounts) as StatusCounts | undefined,
    ctx.scratch.get(MEMORY.outputCounts) as StatusCounts | undefined,
  ));
}

function linkCellsOf(row: Row | undefined): LinkCells | undefined {
  if (!row) return undefined;
  const { rxBitrate, rtt, loss } = row.cells;
  return { rxBitrate: rxBitrate as number | null, rtt: rtt as number | null, loss: loss as number | null };
}

export const POLLS: PollGroupDef[] = [
  {
    id: POLL.identity,
    name: 'Identity',
    interval: 60_000,
    run: async (ctx) => {
      ctx.setParams(parseIdentity(await clientFor(ctx).read(PATHS.identity)));
    },
  },
  {
    id: POLL.outputs,
    name: 'Outputs',
    interval: 3_000,
    run: async (ctx) => {
      const answer = await clientFor(ctx).fetch(PATHS.outputs);
      ctx.reportIfChanged(POLL.outputs, answer, () => {
        const tables = parseOutputs(deviceJson(answer));
        ctx.fillTable(TABLE.sdiOutputs, tables.sdiOutputs);
        ctx.fillTable(TABLE.ndiOutputs, tables.ndiOutputs);
        ctx.fillTable(TABLE.ipOutputs, tables.ipOutputs);
        ctx.scratch.set(MEMORY.outputCounts, countOutputs([...tables.sdiOutputs, ...tables.ndiOutputs, ...tables.ipOutputs]));
        reportHealth(ctx);
      });
    },
  },
  {
    id: POLL.inputs,
    name: 'Field Units',
    interval: 3_000,
    run: async (ctx) => {
      const answer = await clientFor(ctx).fetch(PATHS.inputs);
      // The link statistics in the rows come from the rows themselves: the same answer fills the same table.
      ctx.reportIfChanged(POLL.inputs, answer, () => {
        const rows = parseInputs(deviceJson(answer), (key) => linkCellsOf(ctx.row(TABLE.inputs, key)));
        ctx.fillTable(TABLE.inputs, rows);
        const live = rows.filter((row) => isLive(row.cells.channelStatus)).map((row) => row.key);
        const known = new Set(liveInputs(ctx));
        ctx.scratch.set(MEMORY.liveInputs, live);
        // A field unit that just went live gets its link statistics now, not an interval later.
        if (live.some((key) => !known.has(key))) ctx.pollNow(POLL.linkStats);
        ctx.scratch.set(MEMORY.inputCounts, countInputs(rows));
        reportHealth(ctx);
      });
    },
  },
  {
    id: POLL.linkStats,
    name: 'Link Statistics',
    interval: 5_000,
    activeWhen: (ctx) => liveInputs(ctx).length > 0,
    run: async (ctx) => {
      const client = clientFor(ctx);
      const patches: Row[] = [];
      for (const key of liveInputs(ctx)) {
        try {
          patches.push({ key, cells: parseLinkStats(await client.read(PATHS.linkStats(Number(key)))) });
        } catch (error) {
          // The input went away between polls; the next inputs poll removes it.
          if (error instanceof DeviceHttpError && error.status === 404) continue;
          throw error;
        }
      }
      // Only the three link columns of each input row are compared and changed.
      if (patches.length > 0) ctx.patchRows(TABLE.inputs, patches);
    },
  },
  {
    id: POLL.configuration,
    name: 'Configuration',
    interval: 300_000,
    run: async (ctx) => {
      const config = parseConfig(await clientFor(ctx).read(PATHS.config));
      ctx.setParams({ deviceHostname: config.deviceHostname });
      ctx.fillTable(TABLE.streamingOutputs, config.streamingOutputs);
      ctx.fillTable(TABLE.encoderProfiles, config.encoderProfiles);
    },
  },
];
