/**
 * What the workflow needs to know of the command contract, as plain JSON: the command names and,
 * per command and for the koppeling, the JSON Schema of its input (zod's own `z.toJSONSchema` of
 * `commandSchemas` / `koppelingSchema`, descriptions left out). The workflow bundle carries no zod
 * (it would be evaluated again for every cached workflow: see workflows/README.md), so it checks
 * the shape of what it receives against this JSON. `npm run contract:generate` writes it to
 * workflows/contract.generated.json; a unit test fails when that file is not what this produces.
 */
import { z } from 'zod';
import { COMMAND_NAMES, commandSchemas, koppelingSchema, type CommandName } from './commands';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface WorkflowContract {
  commandNames: CommandName[];
  koppeling: Json;
  commands: Record<CommandName, Json>;
}

/** Descriptions and `$schema` say nothing a check needs; dropping them halves the file. */
function strip(value: Json): Json {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(value))
    if (key !== 'description' && key !== '$schema') out[key] = strip(v);
  return out;
}

function inputSchema(schema: z.ZodType): Json {
  return strip(
    z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json,
  );
}

export function workflowContract(): WorkflowContract {
  return {
    commandNames: [...COMMAND_NAMES],
    koppeling: inputSchema(koppelingSchema),
    commands: Object.fromEntries(
      COMMAND_NAMES.map((name) => [name, inputSchema(commandSchemas[name])]),
    ) as Record<CommandName, Json>,
  };
}

/** The file's text, as the generator writes it and the drift test expects it. */
export function workflowContractText(): string {
  return `${JSON.stringify(workflowContract(), null, 2)}\n`;
}
