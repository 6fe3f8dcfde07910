-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TrajectoryReadModel" (
    "inburgeraarId" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "coachId" TEXT NOT NULL,
    "phase" TEXT NOT NULL,
    "route" TEXT,
    "doelgroep" TEXT,
    "taalniveau" TEXT,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "nextDeadlineKey" TEXT,
    "nextDeadlineLabel" TEXT,
    "nextDeadlineDate" TEXT,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "koppelingDate" TEXT,
    "intakeDate" TEXT,
    "pipDate" TEXT,
    "termijnStart" TEXT,
    "termijnEnd" TEXT,
    "endedReason" TEXT,
    "endedDate" TEXT,
    "anonymisedAt" DATETIME,
    "eventSeq" INTEGER NOT NULL,
    "summary" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "caseloadDue" TEXT NOT NULL DEFAULT '9999-12-31',
    "intakeDays" INTEGER,
    "pipDays" INTEGER,
    "deadlinesFulfilled" INTEGER NOT NULL DEFAULT 0,
    "deadlinesMetOnTime" INTEGER NOT NULL DEFAULT 0,
    "deadlinesLapsed" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_TrajectoryReadModel" ("anonymisedAt", "coachId", "doelgroep", "endedDate", "endedReason", "eventSeq", "inburgeraarId", "intakeDate", "koppelingDate", "nextDeadlineDate", "nextDeadlineKey", "nextDeadlineLabel", "overdue", "paused", "phase", "pipDate", "route", "summary", "taalniveau", "termijnEnd", "termijnStart", "updatedAt", "workflowId") SELECT "anonymisedAt", "coachId", "doelgroep", "endedDate", "endedReason", "eventSeq", "inburgeraarId", "intakeDate", "koppelingDate", "nextDeadlineDate", "nextDeadlineKey", "nextDeadlineLabel", "overdue", "paused", "phase", "pipDate", "route", "summary", "taalniveau", "termijnEnd", "termijnStart", "updatedAt", "workflowId" FROM "TrajectoryReadModel";
DROP TABLE "TrajectoryReadModel";
ALTER TABLE "new_TrajectoryReadModel" RENAME TO "TrajectoryReadModel";
CREATE INDEX "TrajectoryReadModel_overdue_caseloadDue_idx" ON "TrajectoryReadModel"("overdue" DESC, "caseloadDue");
CREATE INDEX "TrajectoryReadModel_coachId_overdue_caseloadDue_idx" ON "TrajectoryReadModel"("coachId", "overdue" DESC, "caseloadDue");
CREATE INDEX "TrajectoryReadModel_phase_route_overdue_idx" ON "TrajectoryReadModel"("phase", "route", "overdue");
CREATE INDEX "TrajectoryReadModel_coachId_phase_route_overdue_idx" ON "TrajectoryReadModel"("coachId", "phase", "route", "overdue");
CREATE INDEX "TrajectoryReadModel_coachId_intakeDays_pipDays_deadlinesFulfilled_deadlinesMetOnTime_deadlinesLapsed_idx" ON "TrajectoryReadModel"("coachId", "intakeDays", "pipDays", "deadlinesFulfilled", "deadlinesMetOnTime", "deadlinesLapsed");
CREATE INDEX "TrajectoryReadModel_intakeDays_idx" ON "TrajectoryReadModel"("intakeDays");
CREATE INDEX "TrajectoryReadModel_pipDays_idx" ON "TrajectoryReadModel"("pipDays");
CREATE INDEX "TrajectoryReadModel_route_inburgeraarId_idx" ON "TrajectoryReadModel"("route", "inburgeraarId");
CREATE INDEX "TrajectoryReadModel_nextDeadlineDate_inburgeraarId_idx" ON "TrajectoryReadModel"("nextDeadlineDate", "inburgeraarId");
CREATE INDEX "TrajectoryReadModel_koppelingDate_inburgeraarId_idx" ON "TrajectoryReadModel"("koppelingDate", "inburgeraarId");
CREATE INDEX "TrajectoryReadModel_updatedAt_inburgeraarId_idx" ON "TrajectoryReadModel"("updatedAt", "inburgeraarId");
CREATE INDEX "TrajectoryReadModel_phase_inburgeraarId_idx" ON "TrajectoryReadModel"("phase", "inburgeraarId");
CREATE INDEX "TrajectoryReadModel_coachId_inburgeraarId_idx" ON "TrajectoryReadModel"("coachId", "inburgeraarId");
CREATE INDEX "TrajectoryReadModel_endedDate_idx" ON "TrajectoryReadModel"("endedDate");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DeadlineReadModel_kind_metOn_status_dueDate_idx" ON "DeadlineReadModel"("kind", "metOn", "status", "dueDate");

-- Backfill (hand-written): the new columns of the rows written before they existed, as
-- caseloadDue and figureColumns in activities/read-model.ts compute them for every new snapshot.
UPDATE "TrajectoryReadModel" SET
    "caseloadDue" = COALESCE(
        (SELECT MIN(d."dueDate") FROM "DeadlineReadModel" d
          WHERE d."inburgeraarId" = "TrajectoryReadModel"."inburgeraarId"
            AND d."kind" = 'DEADLINE' AND d."status" = 'missed' AND d."metOn" IS NULL),
        CASE WHEN "nextDeadlineKey" <> '' THEN "nextDeadlineDate" END,
        '9999-12-31'),
    "intakeDays" = CASE WHEN "koppelingDate" > '' AND "intakeDate" > '' THEN CAST(ROUND(julianday("intakeDate") - julianday("koppelingDate")) AS INTEGER) END,
    "pipDays" = CASE WHEN "koppelingDate" > '' AND "pipDate" > '' THEN CAST(ROUND(julianday("pipDate") - julianday("koppelingDate")) AS INTEGER) END,
    "deadlinesFulfilled" = (SELECT COUNT(*) FROM "DeadlineReadModel" d
        WHERE d."inburgeraarId" = "TrajectoryReadModel"."inburgeraarId"
          AND d."kind" = 'DEADLINE' AND d."metOn" > ''),
    "deadlinesMetOnTime" = (SELECT COUNT(*) FROM "DeadlineReadModel" d
        WHERE d."inburgeraarId" = "TrajectoryReadModel"."inburgeraarId"
          AND d."kind" = 'DEADLINE' AND d."metOn" > '' AND d."metOn" <= d."dueDate"),
    "deadlinesLapsed" = (SELECT COUNT(*) FROM "DeadlineReadModel" d
        WHERE d."inburgeraarId" = "TrajectoryReadModel"."inburgeraarId"
          AND d."kind" = 'DEADLINE' AND (d."metOn" IS NULL OR d."metOn" = '')
          AND d."status" IN ('missed', 'expired'));
