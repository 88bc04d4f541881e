import { describe, expect, it } from 'vitest';
import { parseTemplateText, templateText } from './template-json.js';

describe('alarm template text', () => {
  it('round-trips the rules', () => {
    const rules = [{ id: 'healthStatus', target: { param: 'healthStatus' }, kind: 'discrete', values: [] }];
    expect(parseTemplateText(templateText(rules))).toEqual({ ok: true, rules });
    expect(parseTemplateText(JSON.stringify(rules))).toEqual({ ok: true, rules });
  });

  it('says where the text stops being JSON', () => {
    const result = parseTemplateText('{\n  "rules": [\n    { "id": "x", }\n  ]\n}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^Not valid JSON \(line 3, column \d+\)/);
  });

  it('asks for a rules list', () => {
    expect(parseTemplateText('{"rule": []}')).toEqual({ ok: false, message: 'The template must be {"rules": [ … ]}.' });
    expect(parseTemplateText('null')).toMatchObject({ ok: false });
  });
});
