/**
 * Play Stream and Stop Stream, offered by all three output tables. Each row says which
 * kind of output it is; SDI and IP have play endpoints, NDI is switched through
 * configuration items.
 */
import { ActionRefusedError, type ActionDef, type ElementContext, type Row } from '../../src/sdk/index.js';
import { clientFor, type HaivisionClient, ndiConfigItem, PATHS } from './device-api.js';
import { TABLE } from './definition-tables.js';
import { POLL } from './definition-polls.js';
import type { OutputType } from './parse-responses.js';

const OUTPUT_TABLES = { table: TABLE.sdiOutputs, moreTables: [TABLE.ndiOutputs, TABLE.ipOutputs] };

function outputType(row: Row): OutputType {
  const type = row.cells.outputType;
  if (type === 'sdi' || type === 'ip' || type === 'ndi') return type;
  throw new ActionRefusedError(`row ${row.key} is not an output`, 404);
}

const outputName = (row: Row): string => String(row.cells.name ?? row.key);

async function play(client: HaivisionClient, output: Row, input: number): Promise<void> {
  switch (outputType(output)) {
    case 'sdi':
      return client.command(PATHS.playSdi(input, Number(output.cells.connector), true));
    case 'ip':
      return client.command(PATHS.playIp(input, output.key, true));
    case 'ndi': {
      const index = Number(output.cells.index);
      await client.setConfigItem(ndiConfigItem(index, 'channelIndex'), input - 1);
      return client.setConfigItem(ndiConfigItem(index, 'enable'), true);
    }
  }
}

async function stop(client: HaivisionClient, output: Row): Promise<void> {
  const type = outputType(output);
  if (type === 'ndi') return client.setConfigItem(ndiConfigItem(Number(output.cells.index), 'enable'), false);
  // SDI and IP stop with the input that feeds them.
  const source = Number(output.cells.sourceInput);
  if (output.cells.enable !== true || !(source > 0)) throw new ActionRefusedError('it is not playing', 409);
  return client.command(type === 'sdi' ? PATHS.playSdi(source, Number(output.cells.connector), false) : PATHS.playIp(source, output.key, false));
}

function connectedInput(ctx: ElementContext, key: string): Row {
  const input = ctx.row(TABLE.inputs, key);
  if (!input) throw new ActionRefusedError(`No input ${key}`, 422, 'source');
  if (input.cells.connected !== true) throw new ActionRefusedError(`${String(input.cells.name)} is not connected`, 409, 'source');
  return input;
}

export const ACTIONS: ActionDef[] = [
  {
    id: 'playStream',
    label: 'Play Stream',
    description: 'Plays the live stream of a connected field unit on this output.',
    ...OUTPUT_TABLES,
    selection: 'single',
    inputs: [
      {
        id: 'source',
        name: 'Source',
        type: 'string',
        required: true,
        choices: { table: TABLE.inputs, where: { connected: true } },
        defaultFromColumn: 'sourceInput',
      },
    ],
    run: async (ctx, { rows, inputs }) => {
      const [output] = rows;
      if (!output) throw new ActionRefusedError('Select the output to play on', 422);
      const key = String(inputs.source ?? '');
      const input = connectedInput(ctx, key);
      const what = `${String(input.cells.name)} on ${outputName(output)}`;
      try {
        await play(clientFor(ctx), output, Number(key));
      } catch (error) {
        if (error instanceof ActionRefusedError) throw new ActionRefusedError(`Could not play ${what}: ${error.message}`, error.status);
        throw error;
      } finally {
        ctx.pollNow(POLL.outputs);
      }
      return `Playing ${what}`;
    },
  },
  {
    id: 'stopStream',
    label: 'Stop Stream',
    description: 'Stops the stream playing on the selected outputs.',
    ...OUTPUT_TABLES,
    selection: 'multiple',
    destructive: true,
    confirm: 'Stop the stream on the selected outputs? Viewers of these outputs lose the picture.',
    run: async (ctx, { rows }) => {
      const client = clientFor(ctx);
      const stopped: string[] = [];
      const refused: { name: string; error: ActionRefusedError }[] = [];
      try {
        for (const output of rows) {
          try {
            await stop(client, output);
            stopped.push(outputName(output));
          } catch (error) {
            if (!(error instanceof ActionRefusedError)) throw error;
            refused.push({ name: outputName(output), error });
          }
        }
      } finally {
        ctx.pollNow(POLL.outputs);
      }
      if (refused.length === 0) return `Stopped ${stopped.join(', ')}`;
      const reasons = refused.map(({ name, error }) => `${name}: ${error.message}`).join('; ');
      const status = refused.length === 1 && stopped.length === 0 ? refused[0].error.status : 409;
      const done = stopped.length > 0 ? `Stopped ${stopped.join(', ')}; could` : 'Could';
      throw new ActionRefusedError(`${done} not stop ${reasons}`, status);
    },
  },
];
