/**
 * The API's own tables behind narrow interfaces, one per group of routes and services: users and
 * keys, partners and referrals, the person register, the audit trail, the read model, idempotency
 * records. Each file maps its interface onto the Prisma models (prisma/models.prisma); the
 * application services (application/) take only the ports they need from these.
 */
import type { PendingStarts } from '../../application/ports';
import type { Db } from '../../prisma/db';
import type { IdempotencyStore } from '../http/idempotency';
import { prismaAuditStore, type AuditStore } from './audit';
import { PrismaIdempotencyStore } from './idempotency';
import { prismaPartnerStore, type PartnerStore } from './partners';
import { prismaPendingStarts } from './pending-starts';
import { prismaPersonStore, type PersonStore } from './people';
import { prismaReadModelStore, type ReadModelStore } from './read-model';
import { prismaUserStore, type PrincipalLookup, type UserStore } from './users';

export interface HealthCheck {
  /** Resolves when the database answers. */
  ping(): Promise<void>;
}

export interface Stores {
  users: UserStore & PrincipalLookup;
  partners: PartnerStore;
  people: PersonStore;
  /** The trajectories to start (application/trajectory-starts.ts). */
  pendingStarts: PendingStarts;
  audit: AuditStore;
  readModel: ReadModelStore;
  idempotency: IdempotencyStore;
  health: HealthCheck;
}

export function createPrismaStores(db: Db): Stores {
  return {
    users: prismaUserStore(db),
    partners: prismaPartnerStore(db),
    people: prismaPersonStore(db),
    pendingStarts: prismaPendingStarts(db),
    audit: prismaAuditStore(db),
    readModel: prismaReadModelStore(db),
    idempotency: new PrismaIdempotencyStore(db),
    health: {
      async ping() {
        await db.$queryRawUnsafe('SELECT 1');
      },
    },
  };
}
