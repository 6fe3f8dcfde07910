/** The pure domain of the inburgering trajectory (no I/O, no Temporal): one import for callers. */
export * from './types';
export * from './settings';
export * from './commands';
export * from './dates';
export * from './rules';
export * from './deadlines';
export * from './transitions';
export * from './summary';
export * from './refusals';
export * from './access';
export * from './ports';
export * from './allowed-actions';
export * from './next-step';
export * from './retention';
export * from './law';
