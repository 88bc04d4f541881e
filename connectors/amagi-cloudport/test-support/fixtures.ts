/** The recorded exchanges in `fixtures/` (re-record with fixtures/record-fixtures.ts). */
import { readFileSync } from 'node:fs';
import type { FakeAnswer } from './fake-context.js';

export interface Fixture {
  request: { method: string; path: string; query?: string; body?: unknown };
  response: FakeAnswer;
}

export function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;
}

/** The recorded answer body of fixture `name`. */
export const body = (name: string): unknown => fixture(name).response.body;
