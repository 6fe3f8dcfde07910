/**
 * Checks real answers of the API against its own OpenAPI document (/api/openapi.json) with Ajv
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses) and ajv-formats: the status must be documented for
 * the operation, and a documented body schema must accept the body. The operation is found by
 * method and path; a literal path segment wins over a template (`/acties/setPip` over `{actie}`).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

export interface ApiAnswer {
  status: number;
  body: unknown;
  text?: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface OpenApiChecker {
  /** Problems with this answer to `method path`; empty when it conforms. */
  problems(method: string, path: string, answer: ApiAnswer): string[];
  /** Every operation `method path-template` the checker has seen answers for. */
  seen: Set<string>;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export function openApiChecker(doc: Json): OpenApiChecker {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi');
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const templates = Object.keys(paths)
    .map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params);
  const compiled = new Map<string, ValidateFunction>();
  const seen = new Set<string>();

  return {
    seen,
    problems(method, path, answer) {
      const m = method.toLowerCase();
      const bare = path.split('?')[0]!;
      const match = templates.find((t) => t.regex.test(bare) && paths[t.template]![m]);
      if (!match) return [`${method} ${bare}: no documented operation`];
      seen.add(`${m} ${match.template}`);
      const responses = paths[match.template]![m]!.responses as Record<string, Json>;
      const response = responses[String(answer.status)];
      if (!response)
        return [
          `${method} ${match.template}: status ${answer.status} not documented (${Object.keys(responses)})`,
        ];
      const content = response.content as Record<string, Json> | undefined;
      if (!content) return [];
      const contentType = String(answer.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      if (!content[contentType])
        return [`${method} ${match.template} ${answer.status}: content type ${contentType} not documented`];
      if (!content[contentType]!.schema) return [];
      const ref = `openapi#/${pointer('paths', match.template, m, 'responses', String(answer.status), 'content', contentType, 'schema')}`;
      let validate = compiled.get(ref);
      if (!validate) {
        validate = ajv.compile({ $ref: ref });
        compiled.set(ref, validate);
      }
      const body = contentType === 'application/json' ? answer.body : answer.text;
      if (validate(body)) return [];
      return (validate.errors ?? []).map(
        (e) =>
          `${method} ${match.template} ${answer.status}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`,
      );
    },
  };
}
