/**
 * Encrypts every payload the workflow stores in Temporal (inputs, state, query answers, activity
 * arguments, and — through ./failure-converter — the messages and stack traces of failures) with
 * AES-256-GCM, so the Temporal database and Web UI never hold readable data about a person. The key id travels in the payload metadata: a key can be rotated by adding the new key as
 * current and keeping the old one for decoding (`PAYLOAD_KEY`, `PAYLOAD_KEY_ID`, `PAYLOAD_OLD_KEYS`).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { DataConverter } from '@temporalio/common';
import { parseKeyList } from '../config/config';

const ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class AesGcmPayloadCodec implements PayloadCodec {
  /**
   * @param currentKeyId id written into new payloads
   * @param keys every key that may still be needed to decode (id → 32-byte key)
   */
  constructor(
    private readonly currentKeyId: string,
    private readonly keys: ReadonlyMap<string, Buffer>,
  ) {
    const key = keys.get(currentKeyId);
    if (!key || key.length !== 32) throw new ValueError(`Payload key ${currentKeyId} must be 32 bytes`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCODING),
          [KEY_ID_METADATA]: encoder.encode(this.currentKeyId),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCODING) return payload;
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = keyIdBytes ? decoder.decode(keyIdBytes) : '';
      const key = this.keys.get(keyId);
      if (!key)
        throw new ValueError(`No payload key with id "${keyId}" (set PAYLOAD_OLD_KEYS to decode old data)`);
      if (!payload.data || payload.data.length < IV_LENGTH + TAG_LENGTH)
        throw new ValueError('Encrypted payload too short');
      const data = Buffer.from(payload.data);
      const iv = data.subarray(0, IV_LENGTH);
      const tag = data.subarray(data.length - TAG_LENGTH);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_LENGTH, data.length - TAG_LENGTH)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** Give this to `bundleWorkflowCode` too when bundling ahead of time (tests, bench). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export interface PayloadKeyConfig {
  PAYLOAD_KEY: string;
  PAYLOAD_KEY_ID: string;
  /** Optional "id1:base64key,id2:base64key" list of retired keys, still used for decoding. */
  PAYLOAD_OLD_KEYS?: string;
}

/** The codec of the configured keys (also what the remote codec endpoint for the Web UI uses). */
export function createPayloadCodec(config: PayloadKeyConfig): AesGcmPayloadCodec {
  const keys = new Map<string, Buffer>([[config.PAYLOAD_KEY_ID, Buffer.from(config.PAYLOAD_KEY, 'base64')]]);
  let old: Map<string, string>;
  try {
    old = parseKeyList(config.PAYLOAD_OLD_KEYS);
  } catch (err) {
    throw new ValueError(`PAYLOAD_OLD_KEYS ${(err as Error).message}`);
  }
  for (const [id, key] of old) keys.set(id, Buffer.from(key, 'base64'));
  return new AesGcmPayloadCodec(config.PAYLOAD_KEY_ID, keys);
}

export function createDataConverter(config: PayloadKeyConfig): DataConverter {
  return {
    payloadCodecs: [createPayloadCodec(config)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
