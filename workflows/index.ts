/** Bundle entry: the workflow functions and the message definitions. */
export * from './messages';
export { trajectoryWorkflow, type CarriedState } from './trajectory';
