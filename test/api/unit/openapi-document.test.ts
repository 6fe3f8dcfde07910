/**
 * The OpenAPI document is derived, not written: built here from the route table without a server,
 * it answers every action with the one summary schema of domain/summary.ts, lists every rule code
 * of domain/refusals.ts for a refusal (409), and has one operation per command of commandSchemas.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { buildOpenApiDocument } from '../../../api/openapi';
import { ACTION_NAMES } from '../../../api/routes/acties';
import { routeTable } from '../../../api/routes';
import { listItemSchema } from '../../../api/store/read-model';
import { COMMAND_NAMES, commandSchemas } from '../../../domain/commands';
import { RULE_CODES } from '../../../domain/refusals';
import { trajectorySummarySchema } from '../../../domain/summary';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const doc = buildOpenApiDocument(routeTable, { title: 't', version: '1' }) as Json;
const json = (schema: z.ZodType) => {
  const out = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
  }) as Json;
  delete out.$schema;
  return out;
};
const body = (op: Json, status: string) => op.responses[status]?.content?.['application/json']?.schema;

it('has one operation per command (reassignCoach is PUT /coach), each answering the summary schema', () => {
  expect([...ACTION_NAMES, 'reassignCoach'].sort()).toEqual([...COMMAND_NAMES].sort());
  for (const name of ACTION_NAMES) {
    const op = doc.paths[`/api/inburgeraars/{id}/acties/${name}`]?.post;
    expect(op?.operationId).toBe(name);
    expect(body(op, '200')).toEqual(json(trajectorySummarySchema));
  }
  expect(body(doc.paths['/api/inburgeraars/{id}/coach'].put, '200')).toEqual(json(trajectorySummarySchema));
  // `suspended` is in the summary's deadlines: what the hand-kept copy lacked.
  expect(JSON.stringify(body(doc.paths['/api/inburgeraars/{id}/coach'].put, '200'))).toContain('"suspended"');
});

it('documents every rule code for a refusal (409), and the idempotency conflict', () => {
  for (const name of [
    ...ACTION_NAMES.map((n) => `/api/inburgeraars/{id}/acties/${n}`),
    '/api/inburgeraars/{id}/coach',
  ]) {
    const op = doc.paths[name].post ?? doc.paths[name].put;
    const codes: string[] = body(op, '409').properties.error.enum;
    expect(codes).toEqual(expect.arrayContaining([...RULE_CODES, 'IDEMPOTENCY_IN_PROGRESS']));
  }
});

it('answers the list with items derived from the summary schema', () => {
  const items = body(doc.paths['/api/inburgeraars'].get, '200').properties.items.items.anyOf;
  expect(items[0]).toEqual(json(listItemSchema));
  expect(Object.keys(items[0].properties)).toEqual(
    expect.arrayContaining(Object.keys(trajectorySummarySchema.shape).filter((k) => k !== 'deadlines')),
  );
});

it('documents an error body for every error status of every operation', () => {
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>))
    for (const [method, op] of Object.entries(ops))
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>))
        if (Number(status) >= 400)
          expect({ path, method, status, content: Boolean(response.content) }).toEqual({
            path,
            method,
            status,
            content: true,
          });
});

it('accepts exactly the dates the validators accept', () => {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const op = doc.paths['/api/inburgeraars/{id}/acties/registerKennisgeving'].post;
  const documented = ajv.compile(op.requestBody.content['application/json'].schema);
  const samples = ['0000-01-01', '0050-06-15', '0099-12-31', '0100-01-01', '1999-02-28', '2028-02-29'];
  samples.push('2026-02-29', '2026-13-01', '2026-1-1', '9999-12-31', '10000-01-01', ' 2026-01-01');
  for (const date of samples)
    expect({ date, documented: documented({ date }) }).toEqual({
      date,
      documented: commandSchemas.registerKennisgeving.safeParse({ date }).success,
    });
});
