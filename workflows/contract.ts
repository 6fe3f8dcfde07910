/**
 * The command contract as the workflow code sees it: workflows/contract.generated.json, which
 * `npm run contract:generate` derives from domain/commands.ts (zod) and a unit test keeps equal to
 * it. Read from JSON because the workflow bundle carries no zod (workflows/README.md).
 */
import type { CommandName } from '../domain/commands';
import contract from './contract.generated.json';

/** Every command of domain/commands.ts, in its order. */
export const COMMAND_NAMES = contract.commandNames as CommandName[];

/** JSON Schema (draft 2020-12) of the input of each command, and of the koppeling. */
export const INPUT_SCHEMAS: { koppeling: unknown; commands: Record<string, unknown> } = contract;
