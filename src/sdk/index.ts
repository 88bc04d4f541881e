/**
 * Public entry of the connector SDK. A connector folder imports only from here.
 * @example
 * export default defineConnector({ id: 'acme-encoder', name: 'Acme Encoder', … });
 */
export * from './types.js';
export * from './alarm-template.js';
export { actionTables, defineConnector } from './define-connector.js';
