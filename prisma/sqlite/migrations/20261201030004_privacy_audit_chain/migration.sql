-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "anonymisedAt" DATETIME;
ALTER TABLE "AuditEvent" ADD COLUMN "chainSeq" INTEGER;
ALTER TABLE "AuditEvent" ADD COLUMN "hash" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "personalDigest" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "personalSalt" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "prevHash" TEXT;

-- AlterTable
ALTER TABLE "NotificationOutbox" ADD COLUMN "anonymisedAt" DATETIME;

-- AlterTable
ALTER TABLE "TrajectoryReadModel" ADD COLUMN "anonymisedAt" DATETIME;

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Persoonsgegevens" (
    "inburgeraarId" TEXT NOT NULL PRIMARY KEY,
    "bsnHash" TEXT NOT NULL,
    "bsnCiphertext" TEXT NOT NULL,
    "bsnKeyId" TEXT NOT NULL DEFAULT 'bsn-1',
    "voornaam" TEXT NOT NULL,
    "achternaam" TEXT NOT NULL,
    "geboortedatum" TEXT,
    "email" TEXT,
    "telefoon" TEXT,
    "adres" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Persoonsgegevens_inburgeraarId_fkey" FOREIGN KEY ("inburgeraarId") REFERENCES "Inburgeraar" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Persoonsgegevens" ("achternaam", "adres", "bsnCiphertext", "bsnHash", "email", "geboortedatum", "inburgeraarId", "telefoon", "updatedAt", "voornaam") SELECT "achternaam", "adres", "bsnCiphertext", "bsnHash", "email", "geboortedatum", "inburgeraarId", "telefoon", "updatedAt", "voornaam" FROM "Persoonsgegevens";
DROP TABLE "Persoonsgegevens";
ALTER TABLE "new_Persoonsgegevens" RENAME TO "Persoonsgegevens";
CREATE UNIQUE INDEX "Persoonsgegevens_bsnHash_key" ON "Persoonsgegevens"("bsnHash");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_chainSeq_key" ON "AuditEvent"("chainSeq");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_endedDate_idx" ON "TrajectoryReadModel"("endedDate");

-- Written by hand (see activities/audit-chain.ts): the head of the audit hash chain, and the
-- append-only rules. Keep them when a later migration redefines "AuditEvent" (SQLite drops a
-- table's triggers with it; test/db/audit-chain.test.ts checks they exist).
INSERT INTO "AuditChainHead" ("id", "seq", "hash") VALUES (1, 0, '');

CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent"
BEGIN
    SELECT RAISE(ABORT, 'AuditEvent is append-only: rows are never deleted');
END;

CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent"
WHEN NOT (
    OLD."anonymisedAt" IS NULL AND NEW."anonymisedAt" IS NOT NULL AND NEW."personalSalt" IS NULL
    AND NEW."id" IS OLD."id" AND NEW."occurredAt" IS OLD."occurredAt" AND NEW."actor" IS OLD."actor"
    AND NEW."action" IS OLD."action" AND NEW."inburgeraarId" IS OLD."inburgeraarId"
    AND NEW."workflowId" IS OLD."workflowId" AND NEW."eventSeq" IS OLD."eventSeq"
    AND NEW."chainSeq" IS OLD."chainSeq" AND NEW."prevHash" IS OLD."prevHash"
    AND NEW."hash" IS OLD."hash" AND NEW."personalDigest" IS OLD."personalDigest"
)
BEGIN
    SELECT RAISE(ABORT, 'AuditEvent is append-only: only retention removes the personal part, once');
END;

CREATE TRIGGER "AuditChainHead_no_delete" BEFORE DELETE ON "AuditChainHead"
BEGIN
    SELECT RAISE(ABORT, 'AuditChainHead is never deleted');
END;
