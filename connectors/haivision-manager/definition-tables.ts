/** Parameters and tables of the Haivision Manager connector (identifiers fixed by the API contract). */
import type { ColumnDef, Discrete, ParamDef, TableDef } from '../../src/sdk/index.js';
import { CHANNEL_STATUS, OUTPUT_NO_DATA, OUTPUT_STATUS } from './parse-responses.js';

export const TABLE = {
  inputs: 'inputs',
  sdiOutputs: 'sdiOutputs',
  ndiOutputs: 'ndiOutputs',
  ipOutputs: 'ipOutputs',
  streamingOutputs: 'streamingOutputs',
  encoderProfiles: 'encoderProfiles',
} as const;

const CHANNEL_STATUS_DISCRETES: Discrete[] = [
  { value: CHANNEL_STATUS.off, label: 'Off' },
  { value: CHANNEL_STATUS.idle, label: 'Idle' },
  { value: CHANNEL_STATUS.live, label: 'Live' },
  { value: CHANNEL_STATUS.error, label: 'Error' },
  { value: CHANNEL_STATUS.warning, label: 'Warning' },
];

const OUTPUT_STATUS_DISCRETES: Discrete[] = [
  { value: OUTPUT_NO_DATA, label: 'No data' },
  { value: OUTPUT_STATUS.idle, label: 'Idle' },
  { value: OUTPUT_STATUS.live, label: 'Live' },
  { value: OUTPUT_STATUS.error, label: 'Error' },
  { value: OUTPUT_STATUS.warning, label: 'Warning' },
];

const HEALTH_DISCRETES: Discrete[] = [
  { value: 'ok', label: 'OK' },
  { value: 'warning', label: 'Warning' },
  { value: 'error', label: 'Error' },
  { value: 'unknown', label: 'Unknown' },
];

const countParam = (id: string, name: string, description: string): ParamDef => ({ id, name, description, type: 'number', decimals: 0, trend: true });

export const PARAMS: ParamDef[] = [
  {
    id: 'apiKey', name: 'API Key', type: 'string', secret: true, writable: true, config: true, required: true,
    description: 'Key the device expects in the api_key query parameter of every request.',
  },
  { id: 'identifier', name: 'Identifier', type: 'string', description: 'Device identifier (GET /).' },
  { id: 'hardwareIdentifier', name: 'Hardware Identifier', type: 'string' },
  { id: 'firmwareVersion', name: 'Firmware Version', type: 'string', description: 'When the device reports one.' },
  { id: 'inputCount', name: 'Inputs', type: 'number', decimals: 0, description: 'Number of inputs (nbChannel).' },
  { id: 'sdiOutputCount', name: 'SDI Outputs', type: 'number', decimals: 0, description: 'Physical SDI connectors (nbOutput).' },
  {
    id: 'healthStatus', name: 'Health', type: 'discrete', discretes: HEALTH_DISCRETES, default: 'unknown',
    description: 'Error when an input or output is in error, warning when one is in warning.',
  },
  countParam('liveInputCount', 'Live Inputs', 'Inputs streaming live.'),
  countParam('idleInputCount', 'Idle Inputs', 'Inputs connected but not live.'),
  countParam('failingInputCount', 'Failing Inputs', 'Inputs in error or warning.'),
  countParam('liveOutputCount', 'Live Outputs', 'SDI, NDI and IP outputs playing.'),
  countParam('idleOutputCount', 'Idle Outputs', 'Outputs ready but not playing.'),
  countParam('failingOutputCount', 'Failing Outputs', 'Outputs in error or warning.'),
  { id: 'httpRequestStatus', name: 'HTTP Request Status', type: 'string', description: 'Status of the last request to the device.' },
  { id: 'deviceHostname', name: 'Hostname', type: 'string', description: 'From the device configuration.' },
];

const text = (id: string, name: string): ColumnDef => ({ id, name, type: 'string' });
const number = (id: string, name: string, unit?: string, trend = false): ColumnDef => ({ id, name, type: 'number', unit, trend });

const OUTPUT_COMMON: ColumnDef[] = [
  text('name', 'Name'),
  { id: 'status', name: 'Status', type: 'discrete', discretes: OUTPUT_STATUS_DISCRETES },
  { id: 'enable', name: 'Enabled', type: 'boolean' },
  text('source', 'Source'),
  text('message', 'Message'),
];

/** Columns the actions read: the source input's key and the kind of output. */
const OUTPUT_ROUTING: ColumnDef[] = [
  { id: 'sourceInput', name: 'Source Input', type: 'string', description: 'Key of the inputs row feeding this output.', hidden: true },
  { id: 'outputType', name: 'Output Type', type: 'string', description: 'sdi, ip or ndi.', hidden: true },
];

export const TABLES: TableDef[] = [
  {
    id: TABLE.inputs,
    name: 'Field Units',
    description: 'Field units and other inputs, keyed by 1-based input number.',
    displayColumn: 'name',
    columns: [
      text('name', 'Name'),
      text('product', 'Product'),
      text('identifier', 'Identifier'),
      text('channelType', 'Channel Type'),
      { id: 'channelStatus', name: 'Channel Status', type: 'discrete', discretes: CHANNEL_STATUS_DISCRETES },
      { id: 'connected', name: 'Connected', type: 'boolean' },
      text('videoFormat', 'Video Format'),
      text('message', 'Message'),
      // Link statistics change at every poll of a live input: their last values are stored lazily.
      { ...number('rxBitrate', 'Rx Bitrate', 'kb/s', true), decimals: 0, volatile: true },
      { ...number('rtt', 'Round-Trip Time', 'ms', true), decimals: 0, volatile: true },
      { ...number('loss', 'Loss', '%', true), decimals: 2, volatile: true },
    ],
  },
  {
    id: TABLE.sdiOutputs,
    name: 'SDI Outputs',
    displayColumn: 'name',
    columns: [...OUTPUT_COMMON, text('standard', 'Standard'), number('connector', 'Connector'), ...OUTPUT_ROUTING],
  },
  {
    id: TABLE.ndiOutputs,
    name: 'NDI Outputs',
    displayColumn: 'name',
    columns: [...OUTPUT_COMMON, text('ndiSourceName', 'NDI Source Name'), number('connections', 'Connections'), number('index', 'Index'), ...OUTPUT_ROUTING],
  },
  {
    id: TABLE.ipOutputs,
    name: 'IP Outputs',
    displayColumn: 'name',
    columns: [...OUTPUT_COMMON, text('mode', 'Mode'), number('connections', 'Connections'), ...OUTPUT_ROUTING],
  },
  {
    id: TABLE.streamingOutputs,
    name: 'Streaming Outputs',
    description: 'Streaming-output settings (config streamingOutput).',
    displayColumn: 'name',
    columns: [
      text('name', 'Name'),
      { id: 'enable', name: 'Enabled', type: 'boolean' },
      text('mode', 'Mode'),
      number('sourceInput', 'Source Input'),
      number('encoder', 'Encoder'),
      text('url', 'URL'),
    ],
  },
  {
    id: TABLE.encoderProfiles,
    name: 'Encoder Profiles',
    description: 'Encoder profile settings (config encoderProfile).',
    displayColumn: 'name',
    columns: [
      text('name', 'Name'),
      text('videoCodec', 'Video Codec'),
      number('videoBitrate', 'Video Bitrate', 'kb/s'),
      text('resolution', 'Resolution'),
      number('framerate', 'Frame Rate', 'fps'),
      number('gop', 'GOP'),
      text('audioCodec', 'Audio Codec'),
      number('audioBitrate', 'Audio Bitrate', 'kb/s'),
    ],
  },
];
