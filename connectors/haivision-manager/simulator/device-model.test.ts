import { describe, expect, it } from 'vitest';
import { DeviceModel, LOG_CAPACITY } from './device-model.js';
import { renderInputs, renderOutputs } from './device-views.js';
import { Prng } from '../../../src/sdk/simulator-kit/index.js';

const KEY = 'k';
const START = Date.UTC(2026, 0, 1);

function device(options: ConstructorParameters<typeof DeviceModel>[0] = {}): DeviceModel {
  return new DeviceModel({ seed: 5, apiKey: KEY, now: START, ...options });
}

function call(model: DeviceModel, path: string, { method = 'GET', body = null as unknown, key = KEY as string | null } = {}) {
  const [pathname, search = ''] = path.split('?');
  const query = Object.fromEntries(new URLSearchParams(search));
  const answer = model.handle(method, pathname, key === null ? query : { ...query, api_key: key }, body);
  return { ...answer, json: () => JSON.parse(answer.body) as Record<string, any> };
}

describe('authentication', () => {
  it('answers 401 without the api_key or with a wrong one, on GET and POST', () => {
    const model = device();
    expect(call(model, '/inputs', { key: null }).status).toBe(401);
    expect(call(model, '/inputs', { key: 'wrong' }).status).toBe(401);
    expect(call(model, '/config/item', { method: 'POST', key: 'wrong', body: { item: 'hostname', value: 'x' } }).status).toBe(401);
    expect(call(model, '/inputs').status).toBe(200);
  });

  it('accepts only GET and POST', () => {
    expect(call(device(), '/inputs', { method: 'DELETE' }).status).toBe(405);
  });
});

describe('documented shapes', () => {
  it('serves identity (labelled text/html), inputs, outputs with the IPOutput spelling', () => {
    const model = device({ inputs: 12, sdi: 8, ndi: 3, ip: 6 });
    const identity = call(model, '/');
    expect(identity.contentType).toMatch(/text\/html/);
    expect(identity.json()).toMatchObject({ nbChannel: 12, nbOutput: 8, version: '4.1.0' });
    expect(call(model, '/inputs').json().inputs).toHaveLength(12);
    const outputs = call(model, '/outputs').json();
    expect(Object.keys(outputs)).toEqual(['output', 'IPOutput', 'NDIOutput']);
    expect([outputs.output.length, outputs.IPOutput.length, outputs.NDIOutput.length]).toEqual([8, 6, 3]);
    expect(outputs.output[2].uid).toMatch(/sdi_3$/);
  });

  it('answers like older firmware when asked to', () => {
    const model = device({ legacyFirmware: true });
    expect(call(model, '/').json()).not.toHaveProperty('version');
    expect(call(model, '/').json()).toHaveProperty('Identifier');
    expect(Object.keys(call(model, '/inputs').json())).toEqual(['channels']);
    expect(Object.keys(call(model, '/outputs').json())).toEqual(['output', 'IPoutput', 'NDIOutput']);
  });

  it('caps counts at the documented maxima', () => {
    const model = device({ inputs: 99, sdi: 99, ip: 99, ndi: 99 });
    expect([model.inputs.length, model.sdiOutputs.length, model.ipOutputs.length, model.ndiOutputs.length]).toEqual([32, 8, 32, 8]);
  });

  it('serves /config, /config?path=, logs as text lines, link and stream stats, a JPEG preview', () => {
    const model = device();
    expect(Object.keys(call(model, '/config').json())).toEqual(expect.arrayContaining(['streamingOutput', 'basebandPlayer', 'NDIOutput', 'enc', 'encoderProfile', 'inputProtocol', 'channelProfile', 'device', 'hostname']));
    expect(Object.keys(call(model, '/config?path=basebandPlayer').json())).toEqual(['basebandPlayer']);
    expect(call(model, '/config?path=nothing').status).toBe(404);
    const logs = call(model, '/logs');
    expect(logs.contentType).toMatch(/text\/plain/);
    expect(logs.body.trim().split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \S+: INFO: /);
    const links = call(model, '/inputs/1/linkStats').json().links_stats;
    expect(links.length).toBeGreaterThan(0);
    expect(links[0]).toEqual(expect.objectContaining({ itf_name: expect.any(String), rx_bitrate: expect.any(Number), rtt: expect.any(Number), rx_percent_lost: expect.any(Number) }));
    expect(call(model, '/inputs/1/streamStats').json()).toHaveProperty(['mpegts-up']);
    const preview = call(model, '/inputs/1/preview').json();
    const jpeg = Buffer.from(preview.thumbnail, 'base64');
    expect([jpeg[0], jpeg[1], jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(preview.audioLevels[0].peak).toBeLessThanOrEqual(0);
    expect(call(model, '/inputs/99/linkStats').status).toBe(404);
  });
});

describe('play and stop', () => {
  it('plays and stops an SDI output, refusing a stop that names the wrong input or a missing connector', () => {
    const model = device();
    expect(call(model, '/inputs/1/playStream/2/enable').status).toBe(200);
    expect(model.output('sdi', 2)).toMatchObject({ enable: true, sourceIndex: 0 });
    expect(call(model, '/outputs').json().output[1]).toMatchObject({ enable: true, channelSourceIndex: 0, input: 'PRO460-Paris', status: 2 });
    expect(call(model, '/inputs/2/playStream/2/disable').status).toBe(400);
    expect(call(model, '/inputs/1/playStream/9/enable').status).toBe(404);
    expect(call(model, '/inputs/1/playStream/2/disable').status).toBe(200);
    expect(model.output('sdi', 2)?.enable).toBe(false);
    expect(call(model, '/inputs/1/playStream/2/disable').status).toBe(400);
  });

  it('plays and stops an IP output by its URL-encoded name', () => {
    const model = device();
    const name = model.ipOutputs[1].name;
    expect(call(model, `/inputs/1/playIPStream/${encodeURIComponent(name)}/enable`).status).toBe(200);
    expect(model.ipOutputs[1]).toMatchObject({ enable: true, sourceIndex: 0 });
    expect(call(model, `/inputs/1/playIPStream/${encodeURIComponent(name)}/disable`).status).toBe(200);
    expect(call(model, `/inputs/1/playIPStream/${encodeURIComponent(name)}/disable`).status).toBe(400);
    expect(call(model, '/inputs/1/playIPStream/No%20Such%20Output/enable').status).toBe(404);
  });

  it('routes and switches NDI outputs through configuration items', () => {
    const model = device();
    const set = (item: string, value: unknown) => call(model, '/config/item', { method: 'POST', body: { item, value } });
    expect(set('NDIOutput.2.channelIndex', 0).status).toBe(200);
    expect(set('NDIOutput.2.enable', true).status).toBe(200);
    expect(model.output('ndi', 2)).toMatchObject({ enable: true, sourceIndex: 0 });
    expect(call(model, '/config?path=NDIOutput').json().NDIOutput['2']).toMatchObject({ enable: true, channelIndex: 0 });
    expect(set('NDIOutput.2.enable', false).status).toBe(200);
    expect(set('NDIOutput.2.enable', false).status).toBe(400);
    expect(set('NDIOutput.9.enable', true).status).toBe(404);
    expect(set('NDIOutput.2.channelIndex', 'one').status).toBe(400);
    expect(set('encoderProfile.1.videoBitrate', 6000).status).toBe(200);
    expect(call(model, '/config').json().encoderProfile['1'].videoBitrate).toBe(6000);
    expect(set('encoderProfile.1.videoBitrate', 'fast').status).toBe(400);
    expect(set('encoderProfile.1.nothing', 1).status).toBe(404);
  });

  it('answers field-unit commands, refusing in a 200 body what the unit cannot do', () => {
    const model = device();
    const offline = model.input(2)!;
    model.setConnected(offline, false);
    expect(call(model, `/inputs/${offline.number}/live/start`).json()).toMatchObject({ success: false, res: -1 });
    call(model, '/inputs/1/playStream/1/enable');
    expect(call(model, '/inputs/1/live/stop').json()).toMatchObject({ success: true });
    expect(model.input(1)?.live).toBe(false);
    expect(call(model, '/outputs').json().output[0]).toMatchObject({ status: 4, message: 'SRC_DEAD' });
    expect(call(model, '/inputs/1/live/start').json()).toMatchObject({ success: true });
    expect(model.input(1)?.live).toBe(true);
  });
});

describe('a live system', () => {
  it('moves field units, link statistics and output messages on as time passes', () => {
    const model = device({ inputs: 32, sdi: 8, ip: 32 });
    const before = JSON.stringify(model.snapshot());
    const messages = new Set<string>();
    for (let hour = 1; hour <= 3; hour++) {
      model.advance(START + hour * 3_600_000);
      for (const output of call(model, '/outputs').json().IPOutput) messages.add(output.message);
    }
    expect(JSON.stringify(model.snapshot())).not.toBe(before);
    expect(call(model, '/logs').body).toMatch(/connected|live (started|stopped)/);
    expect(model.now).toBe(START + 3 * 3_600_000);
    expect(messages.size).toBeGreaterThan(1);
  });

  it('starts as it goes on: as many field units live at the start as an hour later', () => {
    // The first input is live at every start by design; the others are what the odds give.
    const models = Array.from({ length: 300 }, (_, i) => device({ seed: 1000 + i, inputs: 6 }));
    const liveShare = (): number => {
      const others = models.flatMap((model) => model.inputs.slice(1));
      return others.filter((input) => input.live).length / others.length;
    };
    const atStart = liveShare();
    for (const model of models) model.advance(START + 3_600_000);
    const anHourOn = liveShare();
    expect(anHourOn).toBeGreaterThan(0.5);
    expect(Math.abs(atStart - anHourOn)).toBeLessThan(0.05);
  });

  it('keeps its newest log lines, as many as it was told to or 500', () => {
    const few = device({ inputs: 32, logCapacity: 5 });
    const many = device({ inputs: 32 });
    for (const model of [few, many]) model.advance(START + 3 * 3_600_000);
    const lines = (model: DeviceModel): string[] => call(model, '/logs').body.trim().split('\n');
    expect(lines(few)).toEqual(lines(many).slice(-5));
    expect(lines(many)).toHaveLength(LOG_CAPACITY);
  });

  it('is deterministic for a seed, however time is split', () => {
    const a = device({ seed: 99 });
    const b = device({ seed: 99 });
    a.advance(START + 600_000);
    for (let t = 1; t <= 600; t += 7) b.advance(START + t * 1000);
    b.advance(START + 600_000);
    expect(a.snapshot()).toEqual(b.snapshot());
    expect(device({ seed: 100 }).snapshot()).not.toEqual(device({ seed: 99 }).snapshot());
  });
});

describe('kept answers', () => {
  it('builds an answer again only after the device changed', () => {
    const model = device();
    let builds = 0;
    const build = () => ({ status: 200, contentType: 'application/json', body: String(++builds) });
    expect(model.keptAnswer('inputs', build).body).toBe('1');
    const copy = model.keptAnswer('inputs', build);
    expect(copy.body).toBe('1');
    copy.body = 'changed by the caller';
    expect(model.keptAnswer('inputs', build).body).toBe('1');
    model.setRecording(model.input(1)!, true);
    expect(model.keptAnswer('inputs', build).body).toBe('2');
  });

  it('answers inputs and outputs as freshly rendered, through every way the device changes', () => {
    const model = device({ inputs: 8, sdi: 4, ndi: 2, ip: 4 });
    const random = new Prng(11);
    const fresh = () => ({ inputs: JSON.stringify(renderInputs(model)), outputs: JSON.stringify(renderOutputs(model)) });
    const served = () => ({ inputs: call(model, '/inputs').body, outputs: call(model, '/outputs').body });
    const anyInput = () => model.input(random.int(1, 8))!;
    const anyOutput = () => random.pick([...model.sdiOutputs, ...model.ipOutputs, ...model.ndiOutputs]);
    const changes: (() => void)[] = [
      () => model.setConnected(anyInput(), random.chance(0.5)),
      () => model.setLive(anyInput(), random.chance(0.5)),
      () => model.setLiveError(anyInput(), -28, 'x'),
      () => call(model, `/inputs/${random.int(1, 8)}/record/${random.pick(['start', 'stop'])}`),
      () => call(model, `/inputs/${random.int(1, 8)}/playStream/${random.int(1, 4)}/enable`),
      () => model.stop(anyOutput()),
      () => model.setOutputFault(anyOutput(), random.chance(0.5) ? null : { token: 'OVERRUN', status: 4, until: null }),
      () => call(model, '/config/item', { method: 'POST', body: { item: `basebandPlayer.${random.int(1, 4)}.channelIndex`, value: random.int(-1, 7) } }),
      () => call(model, '/config/item', { method: 'POST', body: { item: `NDIOutput.${random.int(1, 2)}.name`, value: `N${random.int(1, 99)}` } }),
      () => call(model, '/config/item', { method: 'POST', body: { item: `streamingOutput.${random.int(1, 4)}.enable`, value: random.chance(0.5) } }),
    ];
    let differentAnswers = 0;
    let last = served();
    for (let round = 0; round < 2000; round++) {
      // Mostly the device's own life, second by second and in long jumps; now and then an operator.
      model.advance(model.now + random.pick([1000, 1000, 5000, 60_000, 600_000]));
      if (random.chance(0.2)) random.pick(changes)();
      const now = served();
      expect(now).toEqual(fresh());
      if (now.inputs !== last.inputs || now.outputs !== last.outputs) differentAnswers++;
      last = now;
    }
    // The device's life went through many states, not one kept answer.
    expect(differentAnswers).toBeGreaterThan(200);
  });
});
