/**
 * The import's rows through the API instead of in process: each row is `POST /api/inburgeraars`
 * with an API key of role `coa` (or admin). The answers map onto what the import already knows:
 * 201 / 200 registered or known; 503 (intake busy) and 429 (rate limit) are refusals to wait out,
 * with the seconds of `Retry-After`; 400 a rejected row with its fields; any other answer a failed
 * row. No Idempotency-Key is sent: registering is idempotent by koppelingRef and BSN already, and a
 * second run must report a known person as known, not replay the first run's 201.
 */
import { IntakeBusyError } from '../../application/admission';
import { InvalidInputError, RefusedError, type FieldIssue } from '../../application/errors';
import type { KoppelingRegistrar } from './caseload-import';

export interface ApiRegistrarOptions {
  /** The API's base URL, e.g. http://127.0.0.1:3000 */
  apiUrl: string;
  apiKey: string;
  /** Per request (default 60 s). */
  timeoutMs?: number;
}

/** Retry-After as seconds (the API sends seconds; an HTTP date is read too); at least 1. */
export function retryAfterSeconds(header: string | null): number {
  if (!header) return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1 : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

export function apiRegistrar(options: ApiRegistrarOptions): KoppelingRegistrar {
  const url = `${options.apiUrl.replace(/\/$/, '')}/api/inburgeraars`;
  const post = (request: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'X-Api-Key': options.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
  return async (request) => {
    // A connection reset (a reused keep-alive socket the server had closed) is sent once more:
    // safe, registering is idempotent by koppelingRef.
    const res = await post(request).catch(() => post(request));
    const body = (await res.json().catch(() => ({}))) as {
      inburgeraarId?: string;
      created?: boolean;
      error?: string;
      message?: string;
      issues?: FieldIssue[];
    };
    if ((res.status === 201 || res.status === 200) && body.inburgeraarId)
      return { inburgeraarId: body.inburgeraarId, created: res.status === 201 };
    if (res.status === 503 || res.status === 429)
      throw new IntakeBusyError(retryAfterSeconds(res.headers.get('retry-after')));
    if (res.status === 400 && body.issues) throw new InvalidInputError(body.issues);
    if (res.status === 409 && body.error) throw new RefusedError(body.error, body.message ?? body.error);
    throw new Error(`API answered ${res.status} ${body.error ?? ''}`.trim());
  };
}
