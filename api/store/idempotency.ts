/**
 * Idempotency-Key answers in the database (IdempotencyRecord), keyed by (userId, key): the first
 * answer to a write, replayed to a retry. The unique key makes `begin` an atomic claim.
 */
import { isUniqueViolation, type Db } from '../../prisma/db';
import type { IdempotencyBegin, IdempotencyStore } from '../http/idempotency';
import { parseJson } from './util';

/** Longer than any request may take (an update waits for its activities), shorter than a client's patience. */
const STALE_CLAIM_MS = 5 * 60_000;

export class PrismaIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Db) {}

  async begin(
    userId: string,
    key: string,
    fingerprint: string,
    request: { method: string; path: string },
  ): Promise<IdempotencyBegin> {
    try {
      await this.db.idempotencyRecord.create({
        data: { userId, key, requestHash: fingerprint, method: request.method, path: request.path },
      });
      return { state: 'new' };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const found = await this.db.idempotencyRecord.findUnique({ where: { userId_key: { userId, key } } });
    // Released between our insert and this read: treat as still running, the client retries.
    if (!found) return { state: 'pending', fingerprint };
    if (found.statusCode === null) {
      // A claim whose process died mid-request would block the key forever: after a while, and only
      // for the same request, a retry takes it over. The update is the compare-and-set: of two
      // concurrent retries only one still finds the claim old.
      if (found.requestHash === fingerprint) {
        const taken = await this.db.idempotencyRecord.updateMany({
          where: { id: found.id, statusCode: null, createdAt: { lt: new Date(Date.now() - STALE_CLAIM_MS) } },
          data: { createdAt: new Date() },
        });
        if (taken.count === 1) return { state: 'new' };
      }
      return { state: 'pending', fingerprint: found.requestHash };
    }
    return {
      state: 'done',
      fingerprint: found.requestHash,
      status: found.statusCode,
      body: parseJson(found.responseBody),
    };
  }

  async complete(userId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.idempotencyRecord.update({
      where: { userId_key: { userId, key } },
      data: { statusCode: status, responseBody: JSON.stringify(body ?? null) },
    });
  }

  async release(userId: string, key: string): Promise<void> {
    await this.db.idempotencyRecord.deleteMany({ where: { userId, key, statusCode: null } });
  }
}
