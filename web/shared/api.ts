/**
 * The pages' only way to the server: JSON calls to /api with the session cookie (sent by the
 * browser, httpOnly, never readable here) and, on writes, the session's CSRF token from the page.
 * A 401 means the session ended (idle timeout or sign-out elsewhere): the page says so and offers
 * to sign in again, coming back to where the user was.
 */
export interface ValidationIssue {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
  }
}

const csrfToken = (): string => document.body.dataset.csrf ?? '';

let onSessionEnded: () => void = () => undefined;
/** What the page does when a call answers 401 (show "sessie verlopen"). */
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}

export function signInUrl(expired = true): string {
  const back = `${location.pathname}${location.hash}`;
  return `/aanmelden?${expired ? 'verlopen&' : ''}terug=${encodeURIComponent(back)}`;
}

type Query = Record<string, string | number | boolean | undefined | null>;

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  return params.size ? `${path}?${params}` : path;
}

async function call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url(path, query), {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) {
    if (res.status === 401) onSessionEnded();
    throw new ApiError(
      res.status,
      typeof data.error === 'string' ? data.error : `HTTP_${res.status}`,
      typeof data.message === 'string' ? data.message : describe(res.status),
      Array.isArray(data.issues) ? (data.issues as ValidationIssue[]) : [],
    );
  }
  return data as T;
}

function describe(status: number): string {
  if (status === 401) return 'Uw sessie is verlopen. Meld u opnieuw aan.';
  if (status === 403) return 'U mag dit niet zien of doen.';
  if (status === 404) return 'Niet gevonden.';
  if (status === 400) return 'Niet alle velden zijn goed ingevuld.';
  return `Er ging iets mis op de server (${status}). Probeer het later opnieuw.`;
}

export const get = <T>(path: string, query?: Query): Promise<T> => call<T>('GET', path, undefined, query);
export const post = <T>(path: string, body: unknown): Promise<T> => call<T>('POST', path, body);
export const put = <T>(path: string, body: unknown): Promise<T> => call<T>('PUT', path, body);
export const del = <T>(path: string): Promise<T> => call<T>('DELETE', path);

/** A Dutch sentence for an error, for a notice on the page. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return 'U mag dit niet zien of doen. Dit hoort niet bij uw caseload.';
    if (err.status === 404) return 'Deze persoon is niet gevonden.';
    if (err.status === 401) return 'Uw sessie is verlopen. Meld u opnieuw aan.';
    return err.message;
  }
  return `Er ging iets mis: ${(err as Error).message}`;
}
