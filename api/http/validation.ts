/**
 * One way to turn zod failures into the API's 400 answer: `{ error: 'VALIDATION', issues: [{ field,
 * reason }] }`, the field being the dotted path inside the part of the request that failed (the
 * same issues the application services report, application/parse.ts).
 */
import type { z } from 'zod';
import { fieldIssues } from '../../application/parse';
import { ValidationError } from './errors';

export type RequestPart = 'body' | 'query' | 'params';

/** Parses or throws a ValidationError; the error middleware answers 400. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldIssues(result.error, part));
  return result.data;
}
