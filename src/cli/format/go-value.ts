// How JavaScript values stand in for Go values inside the template engine.
//
// The CLI hands templates JSON-like data decoded from Engine API responses, while docker executes
// them over Go values. This module fixes the mapping once so printing (go-fmt.ts), comparisons and
// argument checks (template-exec.ts) agree:
//   undefined            -> an invalid reflect.Value (a missing map key): prints "<no value>"
//   null                 -> a nil interface{} held in a map or slice: prints "<nil>"
//   boolean / string     -> bool / string
//   integral number      -> int (when it fits in int64); bigint -> int
//   other number         -> float64; GoFloat wraps an integral float64 (template literal 1.0)
//   array                -> slice ([]string when every element is a string)
//   plain object         -> map[string]interface{} (keys sorted when printed or ranged, as Go does)
//   object with GO_STRUCT-> a struct of that type name: missing fields are errors, prints as {a b}
//   function             -> a method (called with the template arguments)

/** Marks an object as a Go struct; the property value is the type name used in error messages. */
export const GO_STRUCT: unique symbol = Symbol.for('berth.format.goStruct');
/** An object may carry its own JSON encoding (Go's json.Marshaler), used by the `json` function. */
export const GO_MARSHAL_JSON: unique symbol = Symbol.for('berth.format.goMarshalJSON');

/** A float64 whose value happens to be integral; plain integral numbers are ints. */
export class GoFloat {
  constructor(readonly value: number) {}
}

export type Kind =
  | 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

const INT64_LIMIT = 2 ** 63;

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined': return 'invalid';
    case 'boolean': return 'bool';
    case 'string': return 'string';
    case 'bigint': return 'int';
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < INT64_LIMIT && !Object.is(v, -0) ? 'int' : 'float';
    case 'function': return 'func';
    case 'object':
      if (v === null) return 'nil';
      if (v instanceof GoFloat) return 'float';
      if (Array.isArray(v)) return 'slice';
      if (GO_STRUCT in v) return 'struct';
      return 'map';
    default: return 'invalid';
  }
}

export function isRecord(v: unknown): v is Record<string | symbol, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoFloat);
}

/** The numeric value of an int or float kind. */
export function numberOf(v: unknown): number {
  if (v instanceof GoFloat) return v.value;
  if (typeof v === 'bigint') return Number(v);
  return v as number;
}

export function isStringSlice(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((e) => typeof e === 'string');
}

/** Go's type name for a value, as printed by %T and in "wrong type" errors. */
export function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil': return '<nil>';
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'float': return 'float64';
    case 'string': return 'string';
    case 'slice': return isStringSlice(v) && (v as unknown[]).length > 0 ? '[]string' : '[]interface {}';
    case 'struct': return String((v as Record<symbol, unknown>)[GO_STRUCT]);
    case 'func': return 'func(...interface {}) interface {}';
    case 'map': {
      const vals = Object.values(v as object);
      return vals.length > 0 && vals.every((e) => typeof e === 'string')
        ? 'map[string]string' : 'map[string]interface {}';
    }
  }
}

/** Keys of a map in Go's printing and ranging order (fmtsort: byte-wise for strings). */
export function sortedKeys(m: object): string[] {
  return Object.keys(m).sort(compareBytes);
}

/** Byte-wise comparison of the UTF-8 encodings, which is how Go orders strings. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Go's text/template truth: the zero value of any type is false; structs are always true. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil': return false;
    case 'bool': return v as boolean;
    case 'int':
    case 'float': return numberOf(v) !== 0;
    case 'string': return (v as string).length > 0;
    case 'slice': return (v as unknown[]).length > 0;
    case 'map': return Object.keys(v as object).length > 0;
    case 'struct':
    case 'func': return true;
  }
}

/** Field lookup that never reaches Object.prototype, so {{.constructor}} is just a missing key. */
export function ownField(o: object, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, name) ? (o as Record<string, unknown>)[name] : undefined;
}

/** A method: an own function property, or a function on a class prototype (not Object's). */
export function methodOf(o: object, name: string): ((...a: unknown[]) => unknown) | undefined {
  const own = ownField(o, name);
  if (typeof own === 'function') return own.bind(o) as (...a: unknown[]) => unknown;
  const proto = Object.getPrototypeOf(o) as object | null;
  if (proto === null || proto === Object.prototype || Array.isArray(o)) return undefined;
  const m = (o as Record<string, unknown>)[name];
  return typeof m === 'function' && !(name in Object.prototype)
    ? (m.bind(o) as (...a: unknown[]) => unknown) : undefined;
}
