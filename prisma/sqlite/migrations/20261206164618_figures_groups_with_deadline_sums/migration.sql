-- DropIndex
DROP INDEX "TrajectoryReadModel_phase_route_overdue_idx";

-- DropIndex
DROP INDEX "TrajectoryReadModel_coachId_phase_route_overdue_idx";

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_phase_route_overdue_deadlinesFulfilled_deadlinesMetOnTime_deadlinesLapsed_idx" ON "TrajectoryReadModel"("phase", "route", "overdue", "deadlinesFulfilled", "deadlinesMetOnTime", "deadlinesLapsed");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_phase_route_overdue_deadlinesFulfilled_deadlinesMetOnTime_deadlinesLapsed_idx" ON "TrajectoryReadModel"("coachId", "phase", "route", "overdue", "deadlinesFulfilled", "deadlinesMetOnTime", "deadlinesLapsed");
