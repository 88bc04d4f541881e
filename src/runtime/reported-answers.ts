/**
 * The answers a poll has already reported, so that the same answer again costs a digest
 * instead of a parse and a comparison of every value.
 *
 * Why: a device answers most polls with what it said last time (its outputs, its inputs'
 * names and statuses), and parsing that answer and comparing every cell to find that nothing
 * changed was a good share of the poller's work per request. A SHA-256 of a 5 KB answer
 * costs about 2 µs; parsing and comparing it, tens.
 *
 * An answer is digested as the bytes read, so one found unchanged is never even decoded.
 *
 * Only a digest is kept (a few dozen bytes a key): keeping the answers themselves would cost
 * several KB an element, which thousands of elements cannot afford.
 */
import { hash } from 'node:crypto';
import type { HttpResponse } from '../sdk/index.js';

export class ReportedAnswers {
  private readonly digests = new Map<string, string>();

  /**
   * Runs `report` unless `answer` is the one last reported under `key`; returns whether it
   * ran. The answer counts as reported only once `report` returns: one that threw (a parse
   * error, a refusal in the body) is tried again next time.
   */
  reportIfChanged(key: string, answer: HttpResponse | string, report: () => void): boolean {
    const digest = hash('sha256', typeof answer === 'string' ? answer : answer.body, 'base64');
    if (this.digests.get(key) === digest) return false;
    // Whatever the key reported before may be half replaced if `report` throws.
    this.digests.delete(key);
    report();
    this.digests.set(key, digest);
    return true;
  }

  /** Something other than these answers may have changed the values: report everything again. */
  forget(): void {
    this.digests.clear();
  }
}
