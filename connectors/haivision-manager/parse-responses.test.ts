import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeviceProtocolError, type HttpResponse } from '../../src/sdk/index.js';
import { deviceJson, errorInBody } from './device-api.js';
import {
  countInputs, countOutputs, healthParams, parseConfig, parseIdentity, parseInputs, parseLinkStats, parseOutputs,
} from './parse-responses.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
const noLinks = (): undefined => undefined;

function response(body: unknown, contentType: string): HttpResponse {
  const text = JSON.stringify(body);
  return {
    status: 200,
    statusLine: '200 OK',
    headers: { 'content-type': contentType },
    body: Buffer.from(text),
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

describe('identity', () => {
  it('reads the identity, counts and firmware version', () => {
    expect(parseIdentity(fixture('identity'))).toEqual({
      identifier: 'SH-SIM-97DA',
      hardwareIdentifier: '97da2849d73e',
      firmwareVersion: '4.1.0',
      inputCount: 8,
      sdiOutputCount: 4,
    });
  });

  it('accepts the Identifier spelling and a firmware without a version', () => {
    expect(parseIdentity(fixture('identity-capitalised'))).toMatchObject({ identifier: 'SH-SIM-97DA', firmwareVersion: null, inputCount: 8 });
  });

  it('refuses an answer that is not an object', () => {
    expect(() => parseIdentity([1, 2])).toThrow(DeviceProtocolError);
  });
});

describe('inputs', () => {
  it('maps every input to a row keyed by its 1-based number', () => {
    const rows = parseInputs(fixture('inputs'), noLinks);
    expect(rows.map((row) => [row.key, row.cells.name, row.cells.channelStatus, row.cells.connected])).toEqual([
      ['1', 'PRO460-Paris', 4, true],
      ['2', 'PRO380-Lyon', 3, true],
      ['3', 'AIR320-Berlin', 2, true],
      ['4', 'PRO460-Madrid', 0, false],
      ['5', 'PRO380-Rome', 0, false],
      ['6', 'AIR320-London', 2, true],
      ['7', 'NDI-Brussels', 2, true],
      ['8', 'IP-INPUT-Geneva', 0, false],
    ]);
    expect(rows[0].cells).toEqual({
      name: 'PRO460-Paris',
      product: 'PRO460',
      identifier: 'PRO460-402C80',
      channelType: 'SAFESTREAMS',
      channelStatus: 4,
      connected: true,
      videoFormat: '1080p25',
      message: 'Live in progress ...',
      rxBitrate: null,
      rtt: null,
      loss: null,
    });
    expect(rows[3].cells).toMatchObject({ videoFormat: null, message: 'No connection' });
    expect(rows[1].cells.message).toBe('STREAM_LOST');
  });

  it('keeps link statistics for live inputs only', () => {
    const links = { rxBitrate: 5000, rtt: 40, loss: 0.1 };
    const rows = parseInputs(fixture('inputs'), () => links);
    expect(rows[2].cells).toMatchObject(links);
    expect(rows[3].cells).toMatchObject({ rxBitrate: null, rtt: null, loss: null });
    expect(rows[1].cells.rxBitrate).toBeNull(); // in error, not streaming
  });

  it('reads {channels} like {inputs}', () => {
    expect(parseInputs(fixture('inputs-channels'), noLinks)).toEqual(parseInputs(fixture('inputs'), noLinks));
  });

  it('refuses an answer with neither inputs nor channels', () => {
    expect(() => parseInputs({ outputs: [] }, noLinks)).toThrow(/neither "inputs" nor "channels"/);
  });
});

describe('link statistics', () => {
  it('sums receive bitrate and weights RTT and loss by bitrate', () => {
    expect(parseLinkStats(fixture('link-stats'))).toEqual({ rxBitrate: 15531, rtt: 117.6, loss: 1.17 });
  });

  it('has no values when no link is up', () => {
    expect(parseLinkStats({ links_stats: [] })).toEqual({ rxBitrate: null, rtt: null, loss: null });
  });
});

describe('outputs', () => {
  it('maps SDI, IP and NDI outputs with keys the play endpoints need', () => {
    const tables = parseOutputs(fixture('outputs'));
    expect(tables.sdiOutputs.map((row) => row.key)).toEqual(['sdi_1', 'sdi_2', 'sdi_3', 'sdi_4']);
    expect(tables.ipOutputs.map((row) => row.key)).toEqual(['SRT Output 1', 'RTMP Output 2', 'RTSP Output 3', 'HLS Output 4']);
    expect(tables.ndiOutputs.map((row) => row.key)).toEqual(['ndi_1', 'ndi_2']);
    expect(tables.sdiOutputs[0].cells).toEqual({
      name: 'SDI 1', status: 2, enable: true, source: 'NDI-Brussels', sourceInput: '7', message: null,
      outputType: 'sdi', connector: 1, standard: '720p50',
    });
    expect(tables.ipOutputs[0].cells).toEqual({
      name: 'SRT Output 1', status: 4, enable: true, source: 'AIR320-London', sourceInput: '6', message: 'OVERRUN',
      outputType: 'ip', mode: 'SRT', connections: 2,
    });
    expect(tables.ndiOutputs[0].cells).toEqual({
      name: 'NDI 1', status: 2, enable: true, source: 'PRO460-Paris', sourceInput: '1', message: null,
      outputType: 'ndi', index: 1, ndiSourceName: 'STREAMHUB (NDI 1)', connections: 0,
    });
  });

  it('shows "no data" (0) for an output without runtime status, and no source when none feeds it', () => {
    const rtmp = parseOutputs(fixture('outputs')).ipOutputs[1];
    expect(rtmp.cells).toMatchObject({ status: 0, enable: false, source: null, sourceInput: '' });
  });

  it('reads the IPoutput spelling like IPOutput', () => {
    expect(parseOutputs(fixture('outputs-ipoutput-lowercase'))).toEqual(parseOutputs(fixture('outputs')));
  });

  it('falls back to positions when uids are missing, and skips nameless IP outputs', () => {
    const tables = parseOutputs({ output: [{ name: 'A' }, { name: 'B' }], IPOutput: [{ enable: true }], NDIOutput: [{ configKey: 'NDIOutput.3' }] });
    expect(tables.sdiOutputs.map((row) => [row.key, row.cells.connector])).toEqual([['sdi_1', 1], ['sdi_2', 2]]);
    expect(tables.ipOutputs).toEqual([]);
    expect(tables.ndiOutputs[0]).toMatchObject({ key: 'ndi_3', cells: { name: 'NDI 3', index: 3 } });
  });
});

describe('health', () => {
  it('counts live, idle and failing inputs and outputs and derives the health', () => {
    const inputs = parseInputs(fixture('inputs'), noLinks);
    const tables = parseOutputs(fixture('outputs'));
    const outputs = [...tables.sdiOutputs, ...tables.ipOutputs, ...tables.ndiOutputs];
    expect(healthParams(countInputs(inputs), countOutputs(outputs))).toEqual({
      healthStatus: 'error',
      liveInputCount: 3,
      idleInputCount: 0,
      failingInputCount: 2,
      liveOutputCount: 4,
      idleOutputCount: 4,
      failingOutputCount: 1,
    });
  });

  it('is a warning when nothing is in error but something is in warning, ok when all is well', () => {
    const clean = { live: 2, idle: 1, errors: 0, warnings: 0 };
    expect(healthParams(clean, { ...clean, warnings: 1 }).healthStatus).toBe('warning');
    expect(healthParams(clean, clean).healthStatus).toBe('ok');
  });

  it('is unknown until both inputs and outputs were read', () => {
    expect(healthParams(undefined, { live: 1, idle: 0, errors: 0, warnings: 0 })).toMatchObject({ healthStatus: 'unknown', liveInputCount: null, liveOutputCount: 1 });
  });
});

describe('configuration', () => {
  it('reads streaming outputs and encoder profiles', () => {
    const config = parseConfig(fixture('config'));
    expect(config.deviceHostname).toBe('streamhub-97da28');
    expect(config.streamingOutputs.map((row) => row.key)).toEqual(['1', '2', '3', '4']);
    expect(config.streamingOutputs[0].cells).toEqual({
      name: 'SRT Output 1', enable: true, mode: 'SRT', sourceInput: 6, encoder: 1, url: 'srt://203.0.113.11:9001',
    });
    expect(config.streamingOutputs[1].cells).toMatchObject({ enable: false, sourceInput: null, encoder: 2 });
    expect(config.encoderProfiles[1]).toEqual({
      key: '2',
      cells: { name: 'HD H.265 5M', videoCodec: 'H.265', videoBitrate: 5000, resolution: '1920x1080', framerate: 50, gop: 100, audioCodec: 'AAC', audioBitrate: 192 },
    });
  });

  it('reads a tree wrapped under "config", and a single root as /config?path= answers it', () => {
    expect(parseConfig(fixture('config-wrapped'))).toEqual(parseConfig(fixture('config')));
    const subtree = parseConfig(fixture('config-path-streaming-output'));
    expect(subtree.streamingOutputs).toEqual(parseConfig(fixture('config')).streamingOutputs);
    expect(subtree.encoderProfiles).toEqual([]);
  });
});

describe('error bodies', () => {
  it('treats success:false, res < 0 and an error field as failures', () => {
    expect(errorInBody(fixture('error-success-false'))).toBe('Invalid channel');
    expect(errorInBody(fixture('error-res-negative'))).toBe('res -1');
    expect(errorInBody(fixture('error-field'))).toBe('{"code":12,"text":"busy"}');
    expect(errorInBody(fixture('identity'))).toBeNull();
    expect(errorInBody({ success: true, res: 0 })).toBeNull();
    for (const none of [0, '', null, false]) expect(errorInBody({ inputs: [], error: none })).toBeNull();
    expect(errorInBody({ error: 5 })).toBe('5');
    expect(errorInBody({ success: false, message: 'Output busy' })).toBe('Output busy');
  });

  it('parses JSON labelled text/html and refuses error bodies as protocol errors', () => {
    expect(parseIdentity(deviceJson(response(fixture('identity'), 'text/html; charset=utf-8')))).toMatchObject({ identifier: 'SH-SIM-97DA' });
    expect(() => deviceJson(response(fixture('error-res-negative'), 'text/html'))).toThrow(DeviceProtocolError);
    expect(() => deviceJson(response(fixture('error-success-false'), 'application/json'))).toThrow(/Invalid channel/);
  });
});
