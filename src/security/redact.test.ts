import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('hides the named secret parameters and anything named like a credential, at any depth', () => {
    const inputs = {
      value: 'visible',
      apiKey: 'k-123',
      deviceSecretCode: 'named secret',
      nested: { password: 'hunter22', list: [{ authToken: 't' }, 'plain'] },
      tokenId: 'tok_1',
      deviceAddress: 'ByPassProxy',
    };
    const redacted = redactSecrets(inputs, ['deviceSecretCode']);
    expect(redacted).toEqual({
      value: 'visible',
      apiKey: REDACTED,
      deviceSecretCode: REDACTED,
      nested: { password: REDACTED, list: [{ authToken: REDACTED }, 'plain'] },
      tokenId: 'tok_1',
      deviceAddress: 'ByPassProxy',
    });
    expect(inputs.apiKey).toBe('k-123');
    expect(JSON.stringify(redacted)).not.toMatch(/k-123|named secret|hunter22/);
  });
});
