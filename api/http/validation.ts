/**
 * One way to turn zod failures into the API's 400 answer: `{ error: 'VALIDATION', issues: [{ field,
 * reason }] }`, the field being the dotted path inside the part of the request that failed.
 */
import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors';

export type RequestPart = 'body' | 'query' | 'params';

export function zodIssues(error: z.ZodError, part: RequestPart): ValidationIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : part,
    reason: issue.message,
  }));
}

/** Parses or throws a ValidationError; the error middleware answers 400. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodIssues(result.error, part));
  return result.data;
}
