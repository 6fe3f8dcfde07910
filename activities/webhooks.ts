/**
 * Partner webhooks: a JSON POST signed with HMAC-SHA256 over `<timestamp>.<body>` with the
 * partner's secret. The partner checks `X-Inburgering-Signature: sha256=<hex>` and rejects an old
 * `X-Inburgering-Timestamp` (replay); `Idempotency-Key` (the outbox key) lets it drop a repeat.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Inburgering-Signature';
export const TIMESTAMP_HEADER = 'X-Inburgering-Timestamp';

export interface WebhookRequest {
  url: string;
  secret: string;
  /** The exact JSON text that is signed and sent. */
  body: string;
  idempotencyKey: string;
  /** Unix seconds. */
  timestamp: number;
}

export interface WebhookSender {
  /** Resolves with the HTTP status (any); rejects only when no answer arrived (network, timeout). */
  post(request: WebhookRequest): Promise<{ status: number }>;
}

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For partners (and tests): true when the signature matches and the timestamp is recent. */
export function verifyWebhook(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (
    !headers.signature ||
    !Number.isInteger(timestamp) ||
    Math.abs(nowSeconds - timestamp) > toleranceSeconds
  )
    return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function createWebhookSender(options: { timeoutMs?: number } = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async post(r) {
      const response = await fetch(r.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(r.secret, r.timestamp, r.body),
          [TIMESTAMP_HEADER]: String(r.timestamp),
          'Idempotency-Key': r.idempotencyKey,
        },
        body: r.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer(); // drain, so the connection is reused or closed
      return { status: response.status };
    },
  };
}

/**
 * 2xx: delivered. 408 / 429 / 5xx: the partner may accept later (retry). Any other 4xx: the
 * request itself is wrong (bad URL, bad secret): retrying the same request cannot help.
 */
export function classifyWebhookStatus(status: number): 'delivered' | 'retry' | 'permanent' {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500 || status < 200) return 'retry';
  return 'permanent';
}
