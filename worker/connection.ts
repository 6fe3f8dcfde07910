/**
 * Connections to Temporal from the validated config: the same address, namespace, TLS and API key
 * for the worker (NativeConnection) and for the API's client (Connection), so they never drift.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config/config';
import { createDataConverter } from './payload-codec';

type TemporalConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS'
  | 'PAYLOAD_KEY'
  | 'PAYLOAD_KEY_ID'
  | 'PAYLOAD_OLD_KEYS'
>;

function connectionOptions(config: TemporalConfig) {
  return {
    address: config.TEMPORAL_ADDRESS,
    // Temporal Cloud with an API key needs TLS; a self-hosted cluster may use mTLS via a proxy.
    tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

export function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config));
}

export async function connectClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config));
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(config),
  });
}
