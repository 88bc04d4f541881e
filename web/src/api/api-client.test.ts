import { describe, expect, it } from 'vitest';
import { unwrapList } from './api-client.js';
import { ApiError, describeError } from './api-error.js';

describe('API answers', () => {
  it('reads coded errors, naming the field at fault', () => {
    const error = ApiError.fromBody(422, { error: { code: 'REFUSED', message: 'Max Logs is not set', field: 'maxLogs' } }, 'fallback');
    expect(error).toMatchObject({ status: 422, code: 'REFUSED', message: 'Max Logs is not set', field: 'maxLogs' });
    expect(describeError(error)).toBe('Max Logs is not set');
  });
  it('still says something useful when the body is not the coded shape', () => {
    expect(ApiError.fromBody(502, '<html>bad gateway</html>', 'GET /api/elements answered 502')).toMatchObject({
      code: 'HTTP_502',
      message: 'GET /api/elements answered 502',
      field: undefined,
    });
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/did not answer/);
  });
  it('accepts lists bare or wrapped', () => {
    expect(unwrapList([1, 2], 'elements')).toEqual([1, 2]);
    expect(unwrapList({ elements: [3] }, 'elements')).toEqual([3]);
    expect(unwrapList({ other: [3] }, 'elements')).toEqual([]);
    expect(unwrapList(null, 'elements')).toEqual([]);
  });
});
