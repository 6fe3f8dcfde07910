/**
 * What the rules allow at this moment: `allowedCommands(state, now)` answers, for every command of
 * `commandSchemas`, whether some input exists that `validate()` accepts now, and for the choice
 * fields (enums, booleans) which values pass. The coach's "what now" panel and the API's
 * `GET /api/inburgeraars/:id/mogelijke-acties` both come from here, so page and API agree, and a
 * new command or refusal code is picked up without changes to this file.
 *
 * How: the command's JSON Schema (zod's `z.toJSONSchema`, the same document the forms are built
 * from) yields a finite set of probe inputs: every enum value, both booleans, every integer of a
 * small range (≤ 100 values) else its bounds, numbers at their bounds, dates of today and of the
 * koppeling, other strings as a placeholder, arrays of enum items as every subset, optional fields
 * all present or all absent. `validate()` is the judge; the probes only ask it. A combination that
 * no probe covers can be missed (the panel then leaves an action out that the API would accept),
 * never the other way round: every action listed passed `validate` with a real probe.
 */
import { z } from 'zod';
import { COMMAND_NAMES, commandSchemas, type Command, type CommandName } from './commands';
import { localDate } from './dates';
import { validate } from './transitions';
import type { TrajectoryState } from './types';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The subset of JSON Schema that `z.toJSONSchema` writes for the command schemas. */
export interface JsonSchema {
  type?: string | string[];
  enum?: Json[];
  const?: Json;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  description?: string;
  title?: string;
  [key: string]: unknown;
}

/** The JSON Schema of each command's input, as the API documents and the forms render it. */
export function commandJsonSchema(name: CommandName): JsonSchema {
  return cachedSchemas.get(name) ?? cacheSchema(name);
}

const cachedSchemas = new Map<CommandName, JsonSchema>();
function cacheSchema(name: CommandName): JsonSchema {
  const schema = z.toJSONSchema(commandSchemas[name], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete schema.$schema;
  cachedSchemas.set(name, schema);
  return schema;
}

export interface AllowedAction {
  name: CommandName;
  /**
   * For each choice field (an enum or boolean, top level or inside an object: `period.unit`), the
   * values that passed with some probe, in the schema's order. A form offers these.
   */
  choices: Record<string, Json[]>;
}

/** Upper bound of probes per command, so a future command with many fields stays cheap. */
const MAX_PROBES = 10_000;
/** Integers with at most this many values are tried one by one (exam attempt, extension months). */
const ENUMERATED_INTEGER_RANGE = 100;
/** Arrays of enum items (the PIP's modules) are tried as every subset up to this many values. */
const MAX_SUBSET_VALUES = 8;
const PLACEHOLDER = 'x';

interface ProbeContext {
  dates: string[];
}

/** Every command the rules allow now, each with the choice values that pass. */
export function allowedCommands(
  state: TrajectoryState,
  now: string,
  names: readonly CommandName[] = COMMAND_NAMES,
): AllowedAction[] {
  const today = localDate(now);
  const ctx: ProbeContext = { dates: [...new Set([today, state.dates.koppeling])] };
  const allowed: AllowedAction[] = [];
  for (const name of names) {
    const schema = commandJsonSchema(name);
    const seen = new Map<string, Set<string>>();
    let passed = false;
    for (const input of probes(schema, ctx)) {
      if (validate(state, { type: name, input } as Command, now)) continue;
      passed = true;
      for (const [path, value] of choiceValues(schema, input as Record<string, Json>, ''))
        (seen.get(path) ?? seen.set(path, new Set()).get(path)!).add(JSON.stringify(value));
    }
    if (!passed) continue;
    const choices: Record<string, Json[]> = {};
    for (const [path, options] of choiceFields(schema, '')) {
      const ok = seen.get(path);
      choices[path] = options.filter((o) => ok?.has(JSON.stringify(o)));
    }
    allowed.push({ name, choices });
  }
  return allowed;
}

// ---------------------------------------------------------------------------------------------
// Probes
// ---------------------------------------------------------------------------------------------

function* probes(schema: JsonSchema, ctx: ProbeContext): Generator<unknown> {
  let count = 0;
  for (const withOptional of [true, false]) {
    for (const input of valuesOf(schema, ctx, withOptional, true)) {
      if (++count > MAX_PROBES) return;
      yield input;
    }
  }
}

const typeOf = (s: JsonSchema): string | undefined =>
  Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;

/** Candidate values of one schema; `vary` false takes one value per leaf (inside array items). */
function valuesOf(s: JsonSchema, ctx: ProbeContext, withOptional: boolean, vary: boolean): Json[] {
  const all = candidates(s, ctx, withOptional, vary);
  return vary ? all : all.slice(0, 1);
}

function candidates(s: JsonSchema, ctx: ProbeContext, withOptional: boolean, vary: boolean): Json[] {
  if (s.const !== undefined) return [s.const];
  if (s.enum) return s.enum;
  if (s.anyOf) return s.anyOf.flatMap((a) => valuesOf(a, ctx, withOptional, vary));
  switch (typeOf(s)) {
    case 'boolean':
      return [true, false];
    case 'integer':
      return integers(s);
    case 'number':
      return numberBounds(s);
    case 'string':
      return s.format === 'date' ? ctx.dates : [PLACEHOLDER];
    case 'array':
      return arrays(s, ctx, withOptional);
    case 'object':
      return objects(s, ctx, withOptional, vary);
    default:
      return [PLACEHOLDER];
  }
}

function integers(s: JsonSchema): number[] {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : min + 1);
  if (max - min <= ENUMERATED_INTEGER_RANGE) return Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return [min, max];
}

function numberBounds(s: JsonSchema): number[] {
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1000);
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
  return [...new Set([max, min])];
}

function arrays(s: JsonSchema, ctx: ProbeContext, withOptional: boolean): Json[][] {
  const items = s.items ?? {};
  const min = s.minItems ?? 0;
  const max = s.maxItems ?? Number.MAX_SAFE_INTEGER;
  const enumField = items.enum
    ? { values: items.enum, wrap: (v: Json): Json => v }
    : enumKeyOf(items, ctx, withOptional);
  if (enumField && enumField.values.length <= MAX_SUBSET_VALUES) {
    const subsets: Json[][] = [];
    const n = enumField.values.length;
    for (let mask = 0; mask < 1 << n; mask++) {
      const subset = enumField.values.filter((_, i) => mask & (1 << i));
      if (subset.length >= min && subset.length <= max) subsets.push(subset.map(enumField.wrap));
    }
    return subsets;
  }
  const one = valuesOf(items, ctx, withOptional, false);
  return [min === 0 ? [] : Array.from({ length: min }, () => one[0] ?? PLACEHOLDER), one].filter(
    (a) => a.length >= min,
  ) as Json[][];
}

/** An object item whose one required field is an enum (a PIP module): subsets of that field. */
function enumKeyOf(
  items: JsonSchema,
  ctx: ProbeContext,
  withOptional: boolean,
): { values: Json[]; wrap: (v: Json) => Json } | undefined {
  const required = items.required ?? [];
  const key = required.length === 1 ? required[0]! : undefined;
  const field = key ? items.properties?.[key] : undefined;
  if (!key || !field?.enum) return undefined;
  const rest = Object.entries(items.properties ?? {}).filter(([k]) => k !== key);
  const filler: Record<string, Json> = {};
  if (withOptional) for (const [k, v] of rest) filler[k] = valuesOf(v, ctx, withOptional, false)[0] ?? null;
  return { values: field.enum, wrap: (v) => ({ [key]: v, ...filler }) };
}

function objects(s: JsonSchema, ctx: ProbeContext, withOptional: boolean, vary: boolean): Json[] {
  const required = new Set(s.required ?? []);
  const fields = Object.entries(s.properties ?? {}).filter(
    // actorId is set by the API from the signed-in user, never chosen.
    ([key]) => key !== 'actorId' && (withOptional || required.has(key)),
  );
  let combos: Record<string, Json>[] = [{}];
  for (const [key, field] of fields) {
    const values = valuesOf(field, ctx, withOptional, vary);
    const next: Record<string, Json>[] = [];
    for (const combo of combos)
      for (const value of values) {
        if (next.length >= MAX_PROBES) break;
        next.push({ ...combo, [key]: value });
      }
    combos = next;
  }
  return combos;
}

// ---------------------------------------------------------------------------------------------
// Choice fields
// ---------------------------------------------------------------------------------------------

/** Enum and boolean fields, top level or inside (optional) objects, with every value they allow. */
function choiceFields(s: JsonSchema, prefix: string): [string, Json[]][] {
  const out: [string, Json[]][] = [];
  for (const [key, field] of Object.entries(s.properties ?? {})) {
    const path = prefix + key;
    if (field.enum) out.push([path, field.enum]);
    else if (typeOf(field) === 'boolean') out.push([path, [true, false]]);
    else if (typeOf(field) === 'object') out.push(...choiceFields(field, `${path}.`));
  }
  return out;
}

function choiceValues(s: JsonSchema, input: Record<string, Json>, prefix: string): [string, Json][] {
  const out: [string, Json][] = [];
  for (const [key, field] of Object.entries(s.properties ?? {})) {
    const value = input?.[key];
    if (value === undefined) continue;
    const path = prefix + key;
    if (field.enum || typeOf(field) === 'boolean') out.push([path, value]);
    else if (typeOf(field) === 'object' && value && typeof value === 'object' && !Array.isArray(value))
      out.push(...choiceValues(field, value, `${path}.`));
  }
  return out;
}
