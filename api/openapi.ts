/**
 * Builds the OpenAPI 3.1 document from the route table. OpenAPI 3.1 uses JSON Schema 2020-12, which
 * zod 4 emits natively (`z.toJSONSchema`), so the request and response schemas in the document are
 * generated from the very schemas that validate the requests.
 */
import { z } from 'zod';
import type { ResponseDoc, RouteDef } from './http/route';

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const out = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonObject;
  delete out.$schema;
  return out;
}

const toOpenApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** One parameter per property of an object schema (params and query are always flat objects). */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input');
  const props = (js.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((js.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

const errorRef = { $ref: '#/components/schemas/Error' };
const validationRef = { $ref: '#/components/schemas/ValidationError' };
const jsonContent = (schema: JsonObject) => ({ 'application/json': { schema } });

/** While a first request with the same Idempotency-Key still runs, a retry answers 409 with this. */
const IDEMPOTENCY_IN_PROGRESS = 'IDEMPOTENCY_IN_PROGRESS';

/** `{ error, message }`, with `error` one of `codes` when they are known. */
const errorSchema = (codes: readonly string[] | undefined): JsonObject =>
  codes?.length
    ? {
        type: 'object',
        required: ['error', 'message'],
        properties: { error: { type: 'string', enum: [...new Set(codes)] }, message: { type: 'string' } },
      }
    : errorRef;

function operation(
  def: RouteDef,
  variant?: { operationId: string; summary: string; description?: string; body?: z.ZodType },
): JsonObject {
  const body = variant?.body ?? def.body;
  const write = def.method !== 'get';
  const docs: Record<string, ResponseDoc> = { ...def.responses };
  if (write) {
    // Every write takes an Idempotency-Key; a retry while the first still runs is a 409.
    const conflict = docs['409'];
    docs['409'] = {
      description: conflict?.description ?? 'A request with this Idempotency-Key is still being processed',
      codes: [...(conflict?.codes ?? []), IDEMPOTENCY_IN_PROGRESS],
    };
  }
  const responses: JsonObject = {};
  for (const [status, doc] of Object.entries(docs)) {
    const schema = doc.schema
      ? jsonSchema(doc.schema, 'output')
      : Number(status) >= 400
        ? errorSchema(doc.codes)
        : undefined;
    responses[status] = {
      description: doc.description,
      ...(doc.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(doc.headers).map(([name, h]) => [
                name,
                { description: h.description, schema: { type: h.integer ? 'integer' : 'string' } },
              ]),
            ),
          }
        : {}),
      ...(schema ? { content: { [doc.contentType ?? 'application/json']: { schema } } } : {}),
    };
  }
  // Bad params, query or body, and (on a write) an Idempotency-Key over 200 characters.
  if (def.params || def.query || body || write)
    responses['400'] ??= {
      description: 'Invalid input: the field and the reason',
      content: jsonContent(validationRef),
    };
  // A path parameter names something that may not exist.
  if (def.params) responses['404'] ??= { description: 'Not found', content: jsonContent(errorRef) };
  // Invalid credentials are refused on every route, also where none are needed.
  responses['401'] ??= {
    description: 'No credentials (where needed), or invalid or conflicting ones',
    content: jsonContent(errorRef),
  };
  if (def.roles !== 'public') {
    responses['403'] ??= {
      description: 'Role (or caseload) does not allow this',
      content: jsonContent(errorRef),
    };
  }
  // Every route is behind the rate limits (api/http/rate-limit.ts); bodies have a size limit.
  responses['429'] ??= {
    description: 'Too many requests from this key, session or address: try again after Retry-After seconds',
    headers: {
      'Retry-After': { description: 'Seconds until the limit resets', schema: { type: 'integer' } },
    },
    content: jsonContent(errorSchema(['RATE_LIMITED'])),
  };
  if (body) responses['413'] ??= { description: 'Request body too large', content: jsonContent(errorRef) };
  if (write) {
    responses['422'] ??= {
      description: 'Idempotency-Key reused for a different request',
      content: jsonContent(errorSchema(['IDEMPOTENCY_KEY_REUSED'])),
    };
  }
  const roleText = def.roles === 'public' ? 'Public.' : `Roles: ${def.roles.join(', ')}.`;
  const description = [variant?.description ?? def.description, roleText].filter(Boolean).join('\n\n');
  const params: JsonObject[] = [...parameters(def.params, 'path'), ...parameters(def.query, 'query')];
  if (def.method !== 'get') params.push({ $ref: '#/components/parameters/IdempotencyKey' });
  return {
    operationId: variant?.operationId ?? def.operationId,
    summary: variant?.summary ?? def.summary,
    description,
    tags: [def.tag],
    'x-roles': def.roles === 'public' ? [] : [...def.roles],
    ...(def.roles === 'public' ? { security: [] } : {}),
    parameters: params,
    ...(body ? { requestBody: { required: true, content: jsonContent(jsonSchema(body, 'input')) } } : {}),
    responses,
  };
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  serverUrl?: string;
}

export function buildOpenApiDocument(routes: readonly RouteDef[], info: OpenApiInfo): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  const add = (path: string, method: string, op: JsonObject) => {
    (paths[path] ??= {})[method] = op;
  };
  for (const def of routes) {
    if (def.docVariants?.length) {
      for (const v of def.docVariants) {
        const op = operation(def, v);
        // Parameters fixed by the variant's own path are not parameters any more.
        const fixed = new Set(
          [...def.path.matchAll(/:([A-Za-z0-9_]+)/g)]
            .map((m) => m[1])
            .filter((n) => !v.path.includes(`:${n}`)),
        );
        op.parameters = (op.parameters as JsonObject[]).filter(
          (p) => !(p.in === 'path' && fixed.has(p.name as string)),
        );
        add(toOpenApiPath(v.path), def.method, op);
      }
    } else {
      add(toOpenApiPath(def.path), def.method, operation(def));
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ apiKeyHeader: [] }, { bearer: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKeyHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          description: 'API key (ir_...) issued by an admin',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (ir_...) or, when configured, an OpenID Connect access token',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'A retry with the same key (same user) returns the first answer and changes nothing twice; the same key with another request answers 422.',
          schema: { type: 'string', maxLength: 200 },
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: {
              type: 'string',
              description:
                'Machine-readable code; for 409 the rule that forbids the action, e.g. PIP_REQUIRES_INTAKE',
            },
            message: { type: 'string' },
          },
        },
        ValidationError: {
          type: 'object',
          required: ['error', 'issues'],
          properties: {
            error: { const: 'VALIDATION' },
            issues: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'reason'],
                properties: { field: { type: 'string' }, reason: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
