/**
 * The device's JSON as the firmware writes it: field names and enums exactly as documented
 * (including the `IPOutput` spelling), derived from the model's state.
 */
import type { DeviceModel } from './device-model.js';
import type { InputState, OutputState } from './device-types.js';

export function renderIdentity(device: DeviceModel): Record<string, unknown> {
  const { identifier, hardwareIdentifier, dockerId, version } = device.identity;
  const counts = { hardwareIdentifier, dockerId, nbChannel: device.inputs.length, nbOutput: device.sdiOutputs.length };
  return device.legacyFirmware ? { Identifier: identifier, ...counts } : { identifier, ...counts, version };
}

export function renderInputs(device: DeviceModel): Record<string, unknown> {
  const inputs = device.inputs.map(renderInput);
  return device.legacyFirmware ? { channels: inputs } : { inputs };
}

/** channelStatus: 0 off, 1 idle/connected, 2 live, 3 error, 4 warning. */
export function channelStatus(input: InputState): number {
  if (!input.connected) return 0;
  if (input.liveError) return 3;
  if (!input.live) return 1;
  return hasLossWarning(input) ? 4 : 2;
}

/** A link losing over 2 % makes a live input a warning. */
export function hasLossWarning(input: InputState): boolean {
  return input.links.some((link) => link.lossPercent > 2);
}

function inputMessage(input: InputState): string {
  if (!input.connected) return 'No connection';
  if (input.liveError) return 'STREAM_LOST';
  if (input.live) return input.kind === 'fieldUnit' ? 'Live in progress ...' : 'Receiving stream';
  return 'Device ready';
}

export function renderInput(input: InputState): Record<string, unknown> {
  const uid = `${input.kind === 'fieldUnit' ? 'safestreams' : input.kind}_${input.number}`;
  return {
    name: input.name,
    identifier: input.identifier,
    displayName: input.name,
    channelStatus: channelStatus(input),
    channelType: input.kind === 'ndi' ? 'NDI' : 'SAFESTREAMS',
    product: input.product,
    familyName: input.familyName,
    firmwareName: input.firmwareName,
    version: input.version,
    hardwareIdentifier: input.hardwareIdentifier,
    uid,
    connectionStatus: input.connected ? 1 : 0,
    remoteControl: input.connected ? input.remoteControl : 0,
    inputProtocolId: input.kind === 'ip' ? 1 : -1,
    inputInfo: input.connected ? `${input.videoFormat} - ${input.videoCodec} - ${input.videoBitrate} kb/s` : '',
    recorderStatus: input.kind === 'fieldUnit' ? (input.recording ? 2 : 1) : 0,
    deviceRecordStatus: input.recording ? 1 : 0,
    liveStatus: input.liveError ? input.liveError.code : input.live ? 1 : 0,
    IAPStatus: 0,
    recordStatus: input.recording ? 1 : 0,
    forwardStatus: 0,
    liveStatusErrorParam: input.liveError?.param ?? '',
    message: inputMessage(input),
    connectedLinks: input.links.length,
    intercomStatus: input.kind === 'fieldUnit' ? (input.connected ? 1 : 0) : 0,
    locationStatus: input.kind === 'fieldUnit' && input.connected ? 1 : 0,
    latitude: input.latitude,
    longitude: input.longitude,
  };
}

/** Output status: 1 idle, 2 live, 3 error, 4 warning, null = no runtime data. */
export function outputStatus(device: DeviceModel, output: OutputState): { status: number | null; message: string } {
  if (!output.enable) return { status: output.kind === 'ip' ? null : 1, message: '' };
  const source = device.inputs[output.sourceIndex];
  if (!source || !source.connected) return { status: 3, message: 'SRC_MISSING' };
  if (!source.live) return { status: 4, message: 'SRC_DEAD' };
  if (output.fault) return { status: output.fault.status, message: output.fault.token };
  return { status: 2, message: '' };
}

export function renderOutput(device: DeviceModel, output: OutputState): Record<string, unknown> {
  const source = device.inputs[output.sourceIndex];
  const { status, message } = outputStatus(device, output);
  // One literal then added to, not `{ ...common, more }`: V8 gives each object made by spreading
  // into a literal with more properties a hidden class of its own, which makes every later
  // read of it, JSON.stringify's among them, take the slow path (README, "Writing a connector").
  const rendered: Record<string, unknown> = {
    name: output.name,
    enable: output.enable,
    lockstate: output.lockstate,
    configKey: `${configRootOf(output)}.${output.index}`,
    channelSourceIndex: output.sourceIndex,
    input: source?.name ?? '',
    inputIdentifier: source?.identifier ?? '',
    status,
    message,
    uid: `output_${output.kind}_${output.index}`,
  };
  if (output.kind === 'sdi') {
    rendered.outputStandard = output.standard;
  } else if (output.kind === 'ndi') {
    rendered.ndiSourceName = output.ndiSourceName;
    rendered.nbConnect = output.connections;
  } else {
    rendered.mode = output.mode;
    rendered.encoderIndex = output.encoderIndex;
    rendered.connections = output.connections;
    rendered.serverMode = output.serverMode;
    rendered.destinations = output.destinations.map((url) => ({ url }));
  }
  return rendered;
}

export function renderOutputs(device: DeviceModel): Record<string, unknown> {
  return {
    output: device.sdiOutputs.map((output) => renderOutput(device, output)),
    [device.legacyFirmware ? 'IPoutput' : 'IPOutput']: device.ipOutputs.map((output) => renderOutput(device, output)),
    NDIOutput: device.ndiOutputs.map((output) => renderOutput(device, output)),
  };
}

/** The `/config` collection that holds an output kind. */
export function configRootOf(output: Pick<OutputState, 'kind'>): string {
  return output.kind === 'sdi' ? 'basebandPlayer' : output.kind === 'ip' ? 'streamingOutput' : 'NDIOutput';
}
