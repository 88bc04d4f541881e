/**
 * Building blocks for connector simulators (`tally sim <connector>`): a seeded generator for
 * deterministic device lives, a locally generated TLS certificate, option parsing.
 * Kept apart from the SDK's main entry so connectors' runtime code does not load them.
 */
export { Prng } from './prng.js';
export { selfSignedCertificate } from './self-signed-certificate.js';
export { isOff, isOn, optionalNumber, optionalString } from './simulator-options.js';
