// The page's only way to the server: JSON calls to /api with the user's own API key.
// The key lives in sessionStorage (this tab only, gone when it closes), never in localStorage or a
// cookie, so it is not sent anywhere the page does not send it explicitly.

const STORAGE_KEY = 'inburgering-regie.apiKey';

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get key() {
    return sessionStorage.getItem(STORAGE_KEY);
  },
  /** @param {string} key */
  set(key) {
    sessionStorage.setItem(STORAGE_KEY, key);
  },
  clear() {
    sessionStorage.removeItem(STORAGE_KEY);
  },
};

/**
 * GET a JSON resource. Query values that are empty are left out, so a cleared filter means
 * "no filter" rather than "filter on the empty string".
 * @param {string} path
 * @param {Record<string, string | number | boolean | undefined | null>} [query]
 */
export async function getJson(path, query = {}) {
  const res = await request(path, query, 'application/json');
  return res.json();
}

/** GET a text resource (the KPI CSV export). */
export async function getText(path, query = {}) {
  const res = await request(path, query, 'text/csv');
  return res.text();
}

async function request(path, query, accept) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const url = params.size > 0 ? `${path}?${params}` : path;
  const res = await fetch(url, { headers: { Accept: accept, Authorization: `Bearer ${session.key ?? ''}` } });
  if (!res.ok) {
    const body = await res.json().catch(() => undefined);
    throw new ApiError(res.status, body?.error ?? `HTTP_${res.status}`, describeError(res.status, body));
  }
  return res;
}

/** A Dutch sentence for the user; the API's own message is English and technical. */
function describeError(status, body) {
  if (status === 401) return 'De API-sleutel is onbekend of ingetrokken. Meld u opnieuw aan.';
  if (status === 403) return 'Uw rol mag deze gegevens niet inzien.';
  if (status === 404) return 'Niet gevonden.';
  if (status === 400) {
    const issues = Array.isArray(body?.issues)
      ? body.issues.map((i) => `${i.field}: ${i.reason}`).join('; ')
      : '';
    return `Ongeldige invoer${issues ? ` (${issues})` : ''}.`;
  }
  return `De server gaf een fout (${status}). Probeer het later opnieuw.`;
}
