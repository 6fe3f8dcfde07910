/**
 * Input for the services: a zod failure becomes an InvalidInputError with field paths, and one
 * canonical JSON form for "the same input" (idempotency).
 */
import type { z } from 'zod';
import { InvalidInputError, type FieldIssue } from './errors';

export function fieldIssues(error: z.ZodError, whole = 'body'): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : whole,
    reason: issue.message,
  }));
}

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, whole = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInputError(fieldIssues(result.error, whole));
  return result.data;
}

/** Stable JSON (sorted keys, no undefined) so that equal inputs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
