/**
 * The raw-SDK side of the benchmark's side-by-side rows: the smallest workflow of the same shape as
 * a trajectory right after its koppeling. It runs one activity (the counterpart of `recordStep`,
 * which writes the first step) and then stays open on a long timer, as a trajectory waits for its
 * first deadline, so it stays in the worker's cache like a trajectory does. No domain code, no
 * validation, no search attributes: what Temporal itself costs on this server.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';

export interface RawActivities {
  rawStep(seq: number): Promise<void>;
}

const { rawStep } = proxyActivities<RawActivities>({ startToCloseTimeout: '30 seconds' });

export async function rawTrajectoryWorkflow(seq: number): Promise<void> {
  await rawStep(seq);
  await sleep('365 days');
}
