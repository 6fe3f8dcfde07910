/**
 * Replays the committed histories in test/workflow/histories/ (recorded from earlier versions of
 * the trajectory workflow, both types) against the current workflow bundle. A change that would break workflows
 * that are already running — another timer, activity or upsert at an existing point of the
 * history without a `patched()` guard — fails here with a non-determinism error.
 *
 * Re-record the fixtures only after a change deliberately guarded with `patched()`, or when no
 * workflow started before the change still runs (see histories/README.md):
 *   RECORD_HISTORIES=1 npx jest test/workflow/routes.test.ts test/workflow/terms.test.ts test/workflow/lifecycle.test.ts test/workflow/law.test.ts test/workflow/search-attributes.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/temporal';
import { HISTORIES_DIR } from './harness';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

/**
 * The histories recorded under rules version 1 (before the patch `2026-12-rules-v2`: 8, incl. both
 * runs of a continueAsNew), the `v2-*` set (14, before the local step and the steady timer), the
 * `v2s-*` set (4, with the four patches each recorded apart), the `v2m-*` set (14, with the one
 * marker `2026-12-current-paths`) and the `v2t-*` set recorded by routes, terms, lifecycle and law
 * (14: 12 of the workflow type `trajectory`, which records no patch marker, and the two rules
 * upgrades, which are of the earlier type `trajectoryWorkflow` as every rules-version-1 trajectory is),
 * and `v2t-api-start` (search-attributes.test.ts, dev server: started as the API starts one, with
 * the first step's search attributes, so its first task upserts nothing).
 */
const MIN_FIXTURES = 55;

/** Recorded before `2026-12-rules-v2`: they prove trajectories started under the old rules replay. */
const RULES_V1_FIXTURES = [
  'b1-route',
  'continue-as-new-run-1',
  'continue-as-new-run-2',
  'exemption',
  'extension',
  'missed-pip-term',
  'onderwijsroute',
  'route-switch',
];

const fixtures = fs
  .readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json.gz'))
  .sort()
  .map((file) => ({
    workflowId: file.replace(/\.json\.gz$/, ''),
    history: historyFromJSON(
      JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(HISTORIES_DIR, file))).toString('utf8')),
    ),
  }));

it(`at least ${MIN_FIXTURES} committed histories are there to replay`, () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(MIN_FIXTURES);
  expect(fixtures.map((f) => f.workflowId)).toEqual(expect.arrayContaining(RULES_V1_FIXTURES));
  // The shortest is a trajectory that moves to rules version 2 and ends in its first task (10 events).
  for (const f of fixtures) expect(f.history.events?.length ?? 0).toBeGreaterThanOrEqual(10);
  // Both workflow types: those running since before `trajectory`, and `trajectory` itself.
  const types = fixtures.map(
    (f) => f.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name,
  );
  expect(types.filter((t) => t === 'trajectoryWorkflow').length).toBeGreaterThanOrEqual(40);
  expect(types.filter((t) => t === 'trajectory').length).toBeGreaterThanOrEqual(13);
});

it('every committed history replays against the current workflow bundle', async () => {
  const results: { workflowId: string; error: unknown }[] = [];
  for await (const r of Worker.runReplayHistories({ ...workflowBundle() }, fixtures))
    results.push({ workflowId: r.workflowId, error: r.error });
  // One entry per fixture, each without an error (the error names the non-determinism if any).
  expect(results).toEqual(fixtures.map((f) => ({ workflowId: f.workflowId, error: undefined })));
});
