/**
 * History ⇄ JSON in the format of `temporal workflow show --output json` (proto3 JSON), for the
 * committed fixtures in test/workflow/histories/.
 *
 * The SDK's `historyToJSON` / `historyFromJSON` (@temporalio/common/lib/proto-utils) are used when
 * they work. With the current install they throw `TypeError: type must be a Type`: @temporalio/common
 * and @temporalio/proto each get their own copy of protobufjs, and the SDK's protojson (common's
 * copy) rejects the types of proto's copy. The fallback does the same conversion with the protojson
 * of the protobufjs copy that @temporalio/proto itself uses; once the two copies are deduplicated the
 * SDK functions take over and the files stay the same.
 */
import { createRequire } from 'node:module';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import * as sdk from '@temporalio/common/lib/proto-utils';

export type History = ReturnType<typeof sdk.historyFromJSON>;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}

function protoJson(): { type: unknown; json: ProtoJson } {
  const json = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
  const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
  return { type: root.lookupType('temporal.api.history.v1.History'), json };
}

function isDuplicateProtobufjs(err: unknown): boolean {
  return err instanceof TypeError && err.message === 'type must be a Type';
}

export function historyToJSON(history: History): string {
  try {
    return sdk.historyToJSON(history);
  } catch (err) {
    if (!isDuplicateProtobufjs(err)) throw err;
    const { type, json } = protoJson();
    return JSON.stringify(
      json.toJson(type, proto.temporal.api.history.v1.History.fromObject(history)),
      null,
      2,
    );
  }
}

export function historyFromJSON(history: unknown): History {
  try {
    return sdk.historyFromJSON(history);
  } catch (err) {
    if (!isDuplicateProtobufjs(err)) throw err;
    const { type, json } = protoJson();
    const loaded = json.fromJson(type, history, { ignoreUnknownFields: true });
    if (!loaded) throw new TypeError('Invalid history');
    return loaded;
  }
}
