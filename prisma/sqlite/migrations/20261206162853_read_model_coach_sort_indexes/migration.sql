-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_route_inburgeraarId_idx" ON "TrajectoryReadModel"("coachId", "route", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_nextDeadlineDate_inburgeraarId_idx" ON "TrajectoryReadModel"("coachId", "nextDeadlineDate", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_koppelingDate_inburgeraarId_idx" ON "TrajectoryReadModel"("coachId", "koppelingDate", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_updatedAt_inburgeraarId_idx" ON "TrajectoryReadModel"("coachId", "updatedAt", "inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_phase_inburgeraarId_idx" ON "TrajectoryReadModel"("coachId", "phase", "inburgeraarId");
