/**
 * The device's `/config` tree. Output collections (`basebandPlayer`, `streamingOutput`,
 * `NDIOutput`) are views of the live output state, so `POST /config/item` on them routes
 * and switches outputs the way the firmware does; the other collections are plain data.
 */
import { ENCODER_PROFILES } from './catalogue.js';
import type { DeviceModel } from './device-model.js';
import type { OutputKind, OutputState } from './device-types.js';

type Tree = Record<string, unknown>;

const OUTPUT_ROOTS: Record<string, OutputKind> = { basebandPlayer: 'sdi', streamingOutput: 'ip', NDIOutput: 'ndi' };

/** Why a config item was refused: 404 no such item, 400 bad value or state. */
export class ConfigItemError extends Error {
  constructor(readonly status: 400 | 404, message: string) {
    super(message);
  }
}

export class DeviceConfig {
  private readonly data: Tree;

  constructor(private readonly device: DeviceModel, encoderCount: number) {
    this.data = {
      device: { name: device.identity.identifier, model: 'StreamHub', firmware: device.identity.version, timezone: 'UTC' },
      hostname: device.identity.hostname,
      inputProtocol: {
        '1': { name: 'SRT listener', protocol: 'SRT', port: 9000, latency: 800, enable: true },
        '2': { name: 'RTMP server', protocol: 'RTMP', port: 1935, enable: true },
      },
      enc: indexed(Array.from({ length: encoderCount }, (_, i) => ({ name: `Encoder ${i + 1}`, profileIndex: i, enable: true }))),
      encoderProfile: indexed(ENCODER_PROFILES.map((profile) => ({ ...profile }))),
      channelProfile: { '1': { name: 'Default', latency: 1200, recordEnable: false } },
    };
  }

  /** The whole tree, outputs as they are now. */
  tree(): Tree {
    return {
      ...this.data,
      streamingOutput: indexed(this.device.ipOutputs.map((output) => ({
        ...outputEntry(output),
        mode: output.mode,
        encoderIndex: output.encoderIndex,
        serverMode: output.serverMode,
        url: output.destinations[0] ?? '',
      }))),
      basebandPlayer: indexed(this.device.sdiOutputs.map((output) => ({ ...outputEntry(output), outputStandard: output.standard }))),
      NDIOutput: indexed(this.device.ndiOutputs.map((output) => ({ ...outputEntry(output), ndiSourceName: output.ndiSourceName }))),
    };
  }

  /** One root of the tree, or undefined when there is none. */
  subtree(root: string): unknown {
    return this.tree()[root];
  }

  /** `POST /config/item`: sets one field. Throws {@link ConfigItemError}. */
  setItem(item: string, value: unknown): void {
    const parts = item.split('.');
    const kind = OUTPUT_ROOTS[parts[0]];
    if (kind) return this.setOutputItem(kind, parts, value);
    const parent = parts.slice(0, -1).reduce<unknown>((node, key) => (isTree(node) ? node[key] : undefined), this.data);
    const leaf = parts[parts.length - 1];
    if (!isTree(parent) || !(leaf in parent) || isTree(parent[leaf])) throw new ConfigItemError(404, `unknown item ${item}`);
    if (typeof parent[leaf] !== typeof value) throw new ConfigItemError(400, `${item} expects a ${typeof parent[leaf]}`);
    parent[leaf] = value;
    this.device.log('INFO', 'config', `${item} set to ${JSON.stringify(value)}`);
  }

  private setOutputItem(kind: OutputKind, parts: string[], value: unknown): void {
    const item = parts.join('.');
    const output = parts.length === 3 ? this.device.output(kind, Number(parts[1])) : undefined;
    if (!output) throw new ConfigItemError(404, `unknown item ${item}`);
    switch (parts[2]) {
      case 'enable':
        if (typeof value !== 'boolean') throw new ConfigItemError(400, `${item} expects a boolean`);
        if (value) {
          if (output.sourceIndex < 0) throw new ConfigItemError(400, `${output.name} has no channel to play`);
          this.device.play(output, output.sourceIndex + 1);
        } else {
          if (!output.enable) throw new ConfigItemError(400, `${output.name} is not playing`);
          this.device.stop(output);
        }
        return;
      case 'channelIndex':
        if (!Number.isInteger(value) || (value as number) < -1 || (value as number) >= this.device.inputs.length) {
          throw new ConfigItemError(400, `${item} must be an input index from -1 to ${this.device.inputs.length - 1}`);
        }
        this.device.routeOutput(output, value as number);
        return;
      case 'name':
        if (typeof value !== 'string' || value.trim() === '') throw new ConfigItemError(400, `${item} expects a name`);
        this.device.renameOutput(output, value);
        return;
      default:
        throw new ConfigItemError(404, `unknown item ${item}`);
    }
  }
}

function outputEntry(output: OutputState): Tree {
  return { name: output.name, enable: output.enable, channelIndex: output.sourceIndex, outputOrder: output.index, lockstate: output.lockstate };
}

function indexed(entries: Tree[]): Tree {
  return Object.fromEntries(entries.map((entry, i) => [String(i + 1), entry]));
}

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
