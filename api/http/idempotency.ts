/**
 * Storage for Idempotency-Key answers, keyed by (userId, key). `begin` claims the key atomically
 * (a unique key in the database), so two concurrent retries cannot both run the handler.
 */
export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'pending'; fingerprint: string }
  | { state: 'done'; fingerprint: string; status: number; body: unknown };

export interface IdempotencyStore {
  /** `request` is stored for operators reading the table; the fingerprint decides sameness. */
  begin(
    userId: string,
    key: string,
    fingerprint: string,
    request: { method: string; path: string },
  ): Promise<IdempotencyBegin>;
  complete(userId: string, key: string, status: number, body: unknown): Promise<void>;
  /** Forget a claimed key after a server failure, so the client can retry. */
  release(userId: string, key: string): Promise<void>;
}

/** For unit tests and a single process without a database. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, { fingerprint: string; status?: number; body?: unknown }>();

  async begin(userId: string, key: string, fingerprint: string): Promise<IdempotencyBegin> {
    const id = `${userId}\u0000${key}`;
    const found = this.entries.get(id);
    if (!found) {
      this.entries.set(id, { fingerprint });
      return { state: 'new' };
    }
    if (found.status === undefined) return { state: 'pending', fingerprint: found.fingerprint };
    return { state: 'done', fingerprint: found.fingerprint, status: found.status, body: found.body };
  }

  async complete(userId: string, key: string, status: number, body: unknown): Promise<void> {
    const entry = this.entries.get(`${userId}\u0000${key}`);
    if (entry) Object.assign(entry, { status, body });
  }

  async release(userId: string, key: string): Promise<void> {
    this.entries.delete(`${userId}\u0000${key}`);
  }
}
