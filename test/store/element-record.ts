/** A plain element record for store tests: a test connector on loopback, active, no secrets. */
import type { ElementRecord } from '../../src/store/types.js';

export function elementRecord(id: string, name = 'Encoder'): ElementRecord {
  return {
    id,
    name,
    connector: 'test',
    connection: {
      host: '127.0.0.1',
      port: 80,
      tls: false,
      skipTlsVerify: false,
      deviceAddress: '',
      requestTimeout: 1000,
      elementTimeout: 5000,
      retries: 0,
    },
    config: {},
    sealedSecrets: {},
    pollIntervals: {},
    operatorState: 'active',
    createdAt: 1,
    updatedAt: 1,
  };
}
