/**
 * The shape check of what the workflow receives (a koppeling, a command's input, a partner fact),
 * without zod: against the JSON Schemas that zod itself derived from the command contract
 * (workflows/contract.generated.json, written by `npm run contract:generate` from
 * domain/commands.ts; a unit test keeps it equal). The application layer parses every input with
 * the zod schemas before it reaches Temporal (including the refinements JSON Schema cannot say,
 * such as "a real calendar date"); this check is the workflow's own guard that the rules never see
 * a malformed value, e.g. from a client that bypassed the API.
 *
 * Preloaded once per worker thread and shared by every workflow (worker/bundle.ts): the validators
 * are built here at load time and only read afterwards.
 */
import { Validator, type OutputUnit } from '@cfworker/json-schema';
import type { CommandName } from '../domain/commands';
import { INPUT_SCHEMAS } from './contract';

export interface InputIssue {
  /** Dotted path of the offending field ('' for the whole input). */
  field: string;
  reason: string;
}

type Schema = ConstructorParameters<typeof Validator>[0];

const commandValidators = new Map<string, Validator>(
  Object.entries(INPUT_SCHEMAS.commands).map(([name, schema]) => [
    name,
    new Validator(schema as Schema, '2020-12', false),
  ]),
);
const koppelingValidator = new Validator(INPUT_SCHEMAS.koppeling as Schema, '2020-12', false);

/** Keywords that only report that something below them failed; the failure below says what. */
const SUMMARY_KEYWORDS = new Set(['properties', 'items', 'prefixItems', 'allOf', '$ref', 'anyOf', 'oneOf']);

function issuesOf(validator: Validator, value: unknown): InputIssue[] {
  const { valid, errors } = validator.validate(value);
  if (valid) return [];
  const leaves = errors.filter((e: OutputUnit) => !SUMMARY_KEYWORDS.has(e.keyword));
  return (leaves.length ? leaves : errors).map((e) => ({
    field: e.instanceLocation.replace(/^#\/?/, '').split('/').filter(Boolean).join('.'),
    reason: e.error,
  }));
}

/** The shape problems of a command's input; empty when it has the shape of its schema. */
export function commandInputIssues(name: CommandName, input: unknown): InputIssue[] {
  const validator = commandValidators.get(name);
  if (!validator) return [{ field: '', reason: `unknown command ${name}` }];
  return issuesOf(validator, input);
}

/** The shape problems of a koppeling; empty when it has the shape of its schema. */
export function koppelingIssues(koppeling: unknown): InputIssue[] {
  return issuesOf(koppelingValidator, koppeling);
}

/** One line for a failure message: "field: reason; field: reason". */
export function describeIssues(issues: readonly InputIssue[]): string {
  return issues.map((i) => (i.field ? `${i.field}: ${i.reason}` : i.reason)).join('; ');
}
