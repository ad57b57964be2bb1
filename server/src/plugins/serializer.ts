import fastJson from 'fast-json-stringify';
import { createSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

// Response serialization. Each route's zod response schema is converted once,
// at start-up, to JSON Schema (the output side, z.toJSONSchema) and compiled
// with fast-json-stringify, which writes only the properties the schema lists:
// a field no schema lists still never leaves the server, without zod
// re-checking every response (about 0.5 ms of CPU per request on small pages,
// a few ms on 100-row pages). A schema the conversion cannot express exactly
// (transforms, general unions, references, defaults, records with typed keys)
// keeps the zod serializer of fastify-type-provider-zod for its route.
//
// What changes against the zod serializer: required keys are written before
// optional ones (the same document, keys in another order); values of the right shape but the
// wrong scalar type are coerced (a number where a string is listed is written
// as a string) instead of failing with a 500; missing required fields and
// values that match no branch of a nullable still fail. Enum membership is not
// re-checked on the way out.

type JsonSchema = Record<string, unknown>;

const zodSerializer = createSerializerCompiler({});

/** Keywords fast-json-stringify either serializes by or safely ignores. */
const PASSED = new Set(['type', 'properties', 'required', 'additionalProperties', 'items', 'enum']);
const IGNORED = new Set(['$schema', 'description', 'title', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems', 'uniqueItems', 'multipleOf']);
const SCALARS = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The subset of JSON Schema written exactly as the zod serializer would,
 * or null when the schema uses anything outside it.
 */
export function toSerializableSchema(schema: unknown): JsonSchema | null {
  if (!isObject(schema)) return null;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (IGNORED.has(key)) continue;
    switch (key) {
      case 'anyOf': {
        // Only `T | null` (zod's .nullable() on objects and bounded integers).
        if (!Array.isArray(value) || value.length !== 2) return null;
        const nonNull = value.filter((v) => !(isObject(v) && v.type === 'null' && Object.keys(v).length === 1));
        if (nonNull.length !== 1) return null;
        const inner = toSerializableSchema(nonNull[0]);
        if (!inner || typeof inner.type !== 'string') return null;
        Object.assign(out, inner, { type: [inner.type, 'null'] });
        break;
      }
      case 'const': {
        // fast-json-stringify writes a const's value whatever the data: list its type instead.
        const t = value === null ? 'null' : typeof value;
        if (!['string', 'number', 'boolean', 'null'].includes(t)) return null;
        out.type = t;
        out.enum = [value];
        break;
      }
      case 'type': {
        const types = Array.isArray(value) ? value : [value];
        if (!types.every((t) => typeof t === 'string' && SCALARS.has(t))) return null;
        out.type = value;
        break;
      }
      case 'properties': {
        if (!isObject(value)) return null;
        const properties: JsonSchema = {};
        for (const [name, sub] of Object.entries(value)) {
          const converted = toSerializableSchema(sub);
          if (!converted) return null;
          properties[name] = converted;
        }
        out.properties = properties;
        break;
      }
      case 'additionalProperties': {
        // false: only listed keys (zod's default object); {} means a loose object (every key passes); a schema: a record.
        if (value === false) out.additionalProperties = false;
        else {
          const converted = toSerializableSchema(value);
          if (!converted) return null;
          out.additionalProperties = converted;
        }
        break;
      }
      case 'propertyNames': {
        // Records keyed by any string; typed keys are checked by zod, so they keep it.
        if (!isObject(value) || value.type !== 'string' || Object.keys(value).length !== 1) return null;
        break;
      }
      case 'items': {
        const converted = toSerializableSchema(value);
        if (!converted) return null;
        out.items = converted;
        break;
      }
      default:
        if (!PASSED.has(key)) return null;
        out[key] = value;
    }
  }
  // An object schema without additionalProperties: fast-json-stringify writes only the listed keys too.
  return out;
}

/** A compiled writer for this zod schema, or null when it must stay with zod. */
export function compileFastSerializer(schema: unknown): ((data: unknown) => string) | null {
  if (!(schema instanceof z.ZodType)) return null;
  let json: unknown;
  try {
    json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw', reused: 'inline', cycles: 'throw' });
  } catch {
    return null;
  }
  const converted = toSerializableSchema(json);
  if (!converted) return null;
  return fastJson(converted as unknown as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
}

/** Fastify serializer compiler: fast-json-stringify where exact, the zod serializer elsewhere. */
export const serializerCompiler: ReturnType<typeof createSerializerCompiler> = (routeSchema) =>
  compileFastSerializer(routeSchema.schema) ?? zodSerializer(routeSchema);
