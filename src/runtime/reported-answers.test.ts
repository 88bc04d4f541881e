import { describe, expect, it } from 'vitest';
import { ReportedAnswers } from './reported-answers.js';
import type { HttpResponse } from '../sdk/index.js';

describe('ReportedAnswers', () => {
  it('skips an answer already reported under its key, and only under that key', () => {
    const answers = new ReportedAnswers();
    const reported: string[] = [];
    const report = (key: string, answer: string): boolean => answers.reportIfChanged(key, answer, () => reported.push(`${key} ${answer}`));
    expect(report('outputs', '{"a":1}')).toBe(true);
    expect(report('outputs', '{"a":1}')).toBe(false);
    expect(report('inputs', '{"a":1}')).toBe(true);
    expect(report('outputs', '{"a":2}')).toBe(true);
    // Back to an earlier answer: only the last one under the key counts.
    expect(report('outputs', '{"a":1}')).toBe(true);
    expect(reported).toEqual(['outputs {"a":1}', 'inputs {"a":1}', 'outputs {"a":2}', 'outputs {"a":1}']);
  });

  it('tries an answer again when its report threw, even if the answer before it had been reported', () => {
    const answers = new ReportedAnswers();
    let runs = 0;
    answers.reportIfChanged('k', 'good', () => runs++);
    const broken = (): void => {
      runs++;
      throw new Error('half reported');
    };
    expect(() => answers.reportIfChanged('k', 'bad', broken)).toThrow('half reported');
    expect(() => answers.reportIfChanged('k', 'bad', broken)).toThrow('half reported');
    // What the failed report left is unknown: the earlier answer is reported again too.
    expect(answers.reportIfChanged('k', 'good', () => runs++)).toBe(true);
    expect(runs).toBe(4);
  });

  it('reports everything again once told to forget', () => {
    const answers = new ReportedAnswers();
    answers.reportIfChanged('k', 'same', () => undefined);
    answers.forget();
    expect(answers.reportIfChanged('k', 'same', () => undefined)).toBe(true);
  });

  it('tells apart answers of the same length that differ in one character', () => {
    const answers = new ReportedAnswers();
    const long = 'x'.repeat(50_000);
    answers.reportIfChanged('k', `${long}a`, () => undefined);
    expect(answers.reportIfChanged('k', `${long}b`, () => undefined)).toBe(true);
    expect(answers.reportIfChanged('k', `${long}b`, () => undefined)).toBe(false);
  });

  it('digests a device answer as its bytes, without decoding it, and as the same text would be', () => {
    const answers = new ReportedAnswers();
    const answer = (json: string): HttpResponse => ({
      status: 200,
      statusLine: '200 OK',
      headers: {},
      body: Buffer.from(json),
      get text(): string {
        throw new Error('decoded');
      },
      json: () => {
        throw new Error('parsed');
      },
    });
    expect(answers.reportIfChanged('k', answer('{"name":"Sortie é"}'), () => undefined)).toBe(true);
    expect(answers.reportIfChanged('k', answer('{"name":"Sortie é"}'), () => undefined)).toBe(false);
    expect(answers.reportIfChanged('k', '{"name":"Sortie é"}', () => undefined)).toBe(false);
    expect(answers.reportIfChanged('k', answer('{"name":"Sortie e"}'), () => undefined)).toBe(true);
  });
});
