/** Bundle entry: the workflow functions and the message definitions. */
export * from './messages';
export {
  notificationDeliveryWorkflow,
  deliveryKick,
  deliveryWorkflowId,
  type DeliveryOptions,
} from './delivery';
export { trajectory, trajectoryWorkflow, type CarriedState } from './trajectory';
export { cleanupWorkflow, retentionWorkflow } from './retention';
