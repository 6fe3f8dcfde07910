-- AlterTable
ALTER TABLE "Persoonsgegevens" ADD COLUMN     "bsnKeyId" TEXT NOT NULL DEFAULT 'bsn-1';

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "anonymisedAt" TIMESTAMP(3),
ADD COLUMN     "chainSeq" INTEGER,
ADD COLUMN     "hash" TEXT,
ADD COLUMN     "personalDigest" TEXT,
ADD COLUMN     "personalSalt" TEXT,
ADD COLUMN     "prevHash" TEXT;

-- AlterTable
ALTER TABLE "NotificationOutbox" ADD COLUMN     "anonymisedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "TrajectoryReadModel" ADD COLUMN     "anonymisedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_chainSeq_key" ON "AuditEvent"("chainSeq");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_endedDate_idx" ON "TrajectoryReadModel"("endedDate");

-- Written by hand (see activities/audit-chain.ts): the head of the audit hash chain, and the
-- append-only rules (test/db/audit-chain.test.ts checks they exist). Prisma's PostgreSQL adapter
-- splits a migration at every semicolon, so the function bodies are escape strings that write
-- each semicolon as \073.
INSERT INTO "AuditChainHead" ("id", "seq", "hash") VALUES (1, 0, '');

CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
    IF TG_OP = ''UPDATE'' THEN
        IF OLD."anonymisedAt" IS NULL AND NEW."anonymisedAt" IS NOT NULL AND NEW."personalSalt" IS NULL
            AND (NEW."id", NEW."occurredAt", NEW."actor", NEW."action", NEW."inburgeraarId", NEW."workflowId",
                 NEW."eventSeq", NEW."chainSeq", NEW."prevHash", NEW."hash", NEW."personalDigest")
                IS NOT DISTINCT FROM
                (OLD."id", OLD."occurredAt", OLD."actor", OLD."action", OLD."inburgeraarId", OLD."workflowId",
                 OLD."eventSeq", OLD."chainSeq", OLD."prevHash", OLD."hash", OLD."personalDigest")
        THEN
            RETURN NEW\073
        END IF\073
    END IF\073
    RAISE EXCEPTION ''AuditEvent is append-only: only retention removes the personal part, once (%)'', TG_OP\073
END
';

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
    FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();

CREATE FUNCTION "audit_chain_head_kept"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
    RAISE EXCEPTION ''AuditChainHead is never deleted''\073
END
';
CREATE TRIGGER "AuditChainHead_kept" BEFORE DELETE OR TRUNCATE ON "AuditChainHead"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_chain_head_kept"();
