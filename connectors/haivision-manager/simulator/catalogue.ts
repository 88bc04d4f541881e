/**
 * The names and vocabularies a StreamHub shows: field-unit products, cities, output error
 * tokens (the documented list), encoder profiles. Kept apart so the model reads as behaviour.
 */

export const FIELD_UNIT_PRODUCTS = [
  { product: 'PRO460', familyName: 'PRO3-4', firmwareName: 'Pro460', version: '4.1.0-12' },
  { product: 'PRO380', familyName: 'PRO3-4', firmwareName: 'Pro380', version: '4.1.0-12' },
  { product: 'AIR320', familyName: 'AIR', firmwareName: 'Air320', version: '4.1.0-9' },
] as const;

export const CITIES = [
  { name: 'Paris', latitude: 48.8566, longitude: 2.3522 },
  { name: 'Lyon', latitude: 45.764, longitude: 4.8357 },
  { name: 'Berlin', latitude: 52.52, longitude: 13.405 },
  { name: 'Madrid', latitude: 40.4168, longitude: -3.7038 },
  { name: 'Rome', latitude: 41.9028, longitude: 12.4964 },
  { name: 'London', latitude: 51.5072, longitude: -0.1276 },
  { name: 'Brussels', latitude: 50.8503, longitude: 4.3517 },
  { name: 'Geneva', latitude: 46.2044, longitude: 6.1432 },
] as const;

export const VIDEO_FORMATS = ['1080i50', '1080p50', '1080p25', '720p50', '2160p50'] as const;
export const VIDEO_CODECS = ['H.264', 'H.265'] as const;
export const IP_OUTPUT_MODES = ['SRT', 'RTMP', 'RTSP', 'HLS', 'TS'] as const;
export const SDI_STANDARDS = ['1080i50', '1080p50', '720p50'] as const;

/** Output error tokens (status 3) a running output may raise. */
export const OUTPUT_ERROR_TOKENS = [
  'SRC_DEAD', 'DST_BAD', 'DST_BAD_OR_CREDENTIAL', 'STREAM_CORRUPT', 'CLOSE_BY_PEER', 'IMPROPER_URI', 'DNS_ISSUE',
  'HOST_UNREACHABLE', 'CONNECTION_REFUSED', 'CONNECTION_TIMEDOUT', 'RTMP_HANDSHAKE', 'CODEC_NOT_SUPPORTED',
  'BAD_AUTHENTIFICATION', 'CONNECTION_LOST', 'CHANNEL_BUSY', 'UNKNOWN',
] as const;

/** Output tokens that degrade rather than break a stream (status 4). */
export const OUTPUT_WARNING_TOKENS = ['OVERRUN', 'BAD_NETWORK', 'DECODING_NOT_REALTIME'] as const;

export const ENCODER_PROFILES = [
  { name: 'HD H.264 8M', videoCodec: 'H.264', videoBitrate: 8000, resolution: '1920x1080', framerate: 50, gop: 50, audioCodec: 'AAC', audioBitrate: 192 },
  { name: 'HD H.265 5M', videoCodec: 'H.265', videoBitrate: 5000, resolution: '1920x1080', framerate: 50, gop: 100, audioCodec: 'AAC', audioBitrate: 192 },
  { name: 'SD H.264 2M', videoCodec: 'H.264', videoBitrate: 2000, resolution: '1280x720', framerate: 25, gop: 50, audioCodec: 'AAC', audioBitrate: 128 },
] as const;

export const LINK_INTERFACES = [
  { itf: 'eth0', name: 'Ethernet' },
  { itf: 'wwan0', name: 'Orange 5G' },
  { itf: 'wwan1', name: 'SFR 4G' },
  { itf: 'wlan0', name: 'WiFi' },
] as const;

/** Documented field-unit error: too low video bitrate (its argument: format;bitrate). */
export const LIVE_ERROR_LOW_BITRATE = -28;
