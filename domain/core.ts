/**
 * The part of domain/ that the workflow runs, and nothing that needs zod: the rules, deadlines,
 * dates, the law table, the summary and the step records. The workflow imports only this (an
 * ESLint rule holds workflows/ to it), and the worker preloads it once per worker thread so every
 * cached workflow shares one copy (worker/bundle.ts, workflows/README.md). The schemas
 * (domain/commands.ts, summary.ts, settings.ts) stay on the application side.
 */
export * from './types';
export * from './dates';
export * from './law';
export * from './rules';
export * from './deadlines';
export * from './transitions';
export * from './refusals';
export * from './access';
export * from './ports';
export { summarize, summaryAtKoppeling } from './summarize';
export { resolveSettings, SETTINGS_DEFAULTS } from './settings-defaults';
