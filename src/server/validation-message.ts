/**
 * Turns schema validation errors into one sentence a person understands, naming the field
 * at fault the way they wrote it ("connection.port", "params.apiKey").
 */
import type { FastifySchemaValidationError } from 'fastify';

export interface FieldProblem {
  field: string | undefined;
  message: string;
}

const PART_NAMES: Record<string, string> = {
  body: 'the request body',
  querystring: 'the query string',
  params: 'the path',
  headers: 'the headers',
};

/** The most useful problem among the errors: unknown fields first, then missing ones, then values. */
export function describeValidation(errors: readonly FastifySchemaValidationError[], part: string | undefined): FieldProblem {
  const unknown = errors.find(isUnknownField);
  if (unknown) {
    const field = unknownFieldPath(unknown);
    return { field, message: `unknown field "${field}"` };
  }
  const missing = errors.find((error) => error.keyword === 'required');
  if (missing) {
    const names = (missing.params as { requiredProperties?: string[]; missingProperty?: string }) ?? {};
    const field = join(fieldPath(missing.instancePath), names.requiredProperties?.[0] ?? names.missingProperty ?? '');
    return { field, message: `"${field}" is required` };
  }
  const first = errors[0];
  if (!first) return { field: undefined, message: `${PART_NAMES[part ?? 'body'] ?? 'the request'} is not valid` };
  const field = fieldPath(first.instancePath);
  const atPath = errors.filter((error) => error.instancePath === first.instancePath);
  const phrase = describeValue(atPath);
  if (!field) return { field: undefined, message: `${PART_NAMES[part ?? 'body'] ?? 'the request'} ${phrase}` };
  return { field, message: `"${field}" ${phrase}` };
}

function isUnknownField(error: FastifySchemaValidationError): boolean {
  return (
    error.keyword === 'additionalProperties' ||
    (error.keyword === 'boolean' && (error.schemaPath ?? '').endsWith('/additionalProperties'))
  );
}

function unknownFieldPath(error: FastifySchemaValidationError): string {
  if (error.keyword === 'boolean') return fieldPath(error.instancePath);
  const extra = (error.params as { additionalProperties?: string | string[]; additionalProperty?: string }) ?? {};
  const name = Array.isArray(extra.additionalProperties)
    ? extra.additionalProperties[0]
    : (extra.additionalProperties ?? extra.additionalProperty ?? '');
  return join(fieldPath(error.instancePath), name ?? '');
}

/** "/connection/port" → "connection.port" */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
  object: 'an object',
  array: 'a list',
};

function describeValue(errors: FastifySchemaValidationError[]): string {
  const allowed = errors.flatMap((error) => {
    const params = error.params as { allowedValue?: unknown; allowedValues?: unknown[] };
    if (error.keyword === 'const') return [params.allowedValue];
    if (error.keyword === 'enum') return params.allowedValues ?? [];
    return [];
  });
  if (allowed.length > 0) return `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
  const types = errors.filter((error) => error.keyword === 'type').map((error) => String((error.params as { type?: unknown }).type));
  if (types.length > 0) return `must be ${orList([...new Set(types)].map((type) => TYPE_WORDS[type] ?? type))}`;
  const error = errors.find((candidate) => candidate.keyword !== 'anyOf') ?? errors[0];
  const params = error.params as { limit?: number; format?: string; comparison?: string };
  switch (error.keyword) {
    case 'minimum':
      return `must be at least ${params.limit}`;
    case 'maximum':
      return `must be at most ${params.limit}`;
    case 'exclusiveMinimum':
      return `must be more than ${params.limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${params.limit}`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must have at least ${params.limit} characters`;
    case 'maxLength':
      return `must have at most ${params.limit} characters`;
    case 'minItems':
      return `must list at least ${params.limit} item${params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must list at most ${params.limit} items`;
    case 'minProperties':
      return 'must not be empty';
    case 'pattern':
      return 'has characters that are not allowed';
    case 'format':
      return `must be a valid ${params.format}`;
    default:
      return 'is not valid';
  }
}

function orList(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
