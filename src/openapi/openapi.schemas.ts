import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { SCHEMA_EXAMPLES } from './examples.js';
import { COMPONENT_SCHEMAS } from './response-schemas.generated.js';

type Schema = Record<string, unknown>;
const PREFIX = '#/components/schemas/';
export const CENTS_DESCRIPTION = 'Amount in euro cents (an integer: 2500 is 25,00 €).';

/** The names of the component schemas a part of the document refers to. */
function referenced(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referenced(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(PREFIX)) out.add(v.slice(PREFIX.length));
      else referenced(v, out);
    }
  return out;
}

/**
 * Adds the named answer schemas (src/openapi/response-schemas.generated.ts) that the operations use,
 * directly or through one another, each with its example (src/openapi/examples.ts).
 */
export function addComponentSchemas(doc: OpenAPIObject): void {
  const schemas = (doc.components!.schemas ??= {}) as Record<string, Schema>;
  const own = new Set(Object.keys(schemas));
  const todo = [...referenced(doc.paths)];
  const added = new Set<string>();
  while (todo.length) {
    const name = todo.pop()!;
    if (added.has(name) || !(name in COMPONENT_SCHEMAS)) continue;
    if (own.has(name)) throw new Error(`The answer schema ${name} has the name of a DTO component: rename one of them`);
    added.add(name);
    schemas[name] = { ...COMPONENT_SCHEMAS[name] };
    todo.push(...referenced(COMPONENT_SCHEMAS[name]));
  }
  for (const [name, example] of Object.entries(SCHEMA_EXAMPLES)) if (schemas[name]) schemas[name] = { ...schemas[name], examples: [example] };
  // The DTOs as Nest declared them, then the answer schemas by name.
  const ordered = Object.entries(schemas).filter(([name]) => own.has(name));
  for (const name of [...added].sort()) ordered.push([name, schemas[name]]);
  doc.components!.schemas = Object.fromEntries(ordered);
}

/** The properties each validated class (request DTO) declares whole with `@IsInt()`, by class name. */
function integerProperties(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const storage = getMetadataStorage() as unknown as { validationMetadatas?: unknown };
  if (!(storage.validationMetadatas instanceof Map)) return out;
  for (const [target, metadatas] of storage.validationMetadatas as Map<Function, Array<{ name?: string; propertyName: string }>>)
    for (const m of metadatas) if (m.name === 'isInt') out.set(target.name, (out.get(target.name) ?? new Set()).add(m.propertyName));
  return out;
}

function asInteger(schema: Schema): Schema {
  const type = schema.type;
  if (type === 'number') return { ...schema, type: 'integer' };
  // A `number | null` property without its own @ApiProperty type shows as `object` (the emitted design type).
  if (type === 'object') return { ...schema, type: ['integer', 'null'] };
  if (Array.isArray(type)) return { ...schema, type: type.map((t: unknown) => (t === 'number' || t === 'object' ? 'integer' : t)) };
  return schema;
}

/**
 * Request DTOs: money (`...Cents`) and the numbers validated with `@IsInt()` are `integer`, the amounts
 * described as euro cents.
 */
export function integerMoney(doc: OpenAPIObject): void {
  const ints = integerProperties();
  for (const [name, schema] of Object.entries((doc.components?.schemas ?? {}) as Record<string, Schema>)) {
    if (name in COMPONENT_SCHEMAS) continue; // generated: already integer where it should be
    const properties = schema.properties as Record<string, Schema> | undefined;
    for (const [prop, p] of Object.entries(properties ?? {})) {
      const cents = /Cents$/.test(prop);
      if (!cents && !ints.get(name)?.has(prop)) continue;
      properties![prop] = asInteger(p);
      if (cents && !p.description) properties![prop].description = CENTS_DESCRIPTION;
    }
  }
}
