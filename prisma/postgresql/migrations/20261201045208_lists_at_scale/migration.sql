-- DropIndex
DROP INDEX "TrajectoryReadModel_coachId_idx";

-- DropIndex
DROP INDEX "TrajectoryReadModel_phase_idx";

-- DropIndex
DROP INDEX "TrajectoryReadModel_route_idx";

-- DropIndex
DROP INDEX "TrajectoryReadModel_nextDeadlineDate_idx";

-- DropIndex
DROP INDEX "TrajectoryReadModel_overdue_idx";

-- AlterTable
ALTER TABLE "TrajectoryReadModel" ADD COLUMN     "caseloadDue" TEXT NOT NULL DEFAULT '9999-12-31',
ADD COLUMN     "deadlinesFulfilled" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "deadlinesLapsed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "deadlinesMetOnTime" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "intakeDays" INTEGER,
ADD COLUMN     "pipDays" INTEGER;

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_overdue_caseloadDue_idx" ON "TrajectoryReadModel"("overdue" DESC, "caseloadDue");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_overdue_caseloadDue_idx" ON "TrajectoryReadModel"("coachId", "overdue" DESC, "caseloadDue");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_phase_route_overdue_idx" ON "TrajectoryReadModel"("phase", "route", "overdue");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_phase_route_overdue_idx" ON "TrajectoryReadModel"("coachId", "phase", "route", "overdue");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_intakeDays_pipDays_deadlinesFul_idx" ON "TrajectoryReadModel"("coachId", "intakeDays", "pipDays", "deadlinesFulfilled", "deadlinesMetOnTime", "deadlinesLapsed");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_intakeDays_idx" ON "TrajectoryReadModel"("intakeDays");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_pipDays_idx" ON "TrajectoryReadModel"("pipDays");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_route_inburgeraarId_idx" ON "TrajectoryReadModel"("route", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_nextDeadlineDate_inburgeraarId_idx" ON "TrajectoryReadModel"("nextDeadlineDate", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_koppelingDate_inburgeraarId_idx" ON "TrajectoryReadModel"("koppelingDate", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_updatedAt_inburgeraarId_idx" ON "TrajectoryReadModel"("updatedAt", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_phase_inburgeraarId_idx" ON "TrajectoryReadModel"("phase", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_inburgeraarId_idx" ON "TrajectoryReadModel"("coachId", "inburgeraarId");

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
    "intakeDays" = CASE WHEN "koppelingDate" > '' AND "intakeDate" > '' THEN ("intakeDate"::date - "koppelingDate"::date) END,
    "pipDays" = CASE WHEN "koppelingDate" > '' AND "pipDate" > '' THEN ("pipDate"::date - "koppelingDate"::date) END,
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
