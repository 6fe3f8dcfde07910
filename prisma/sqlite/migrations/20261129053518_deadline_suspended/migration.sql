-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_DeadlineReadModel" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "inburgeraarId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "label" TEXT,
    "dueDate" TEXT NOT NULL,
    "originalDueDate" TEXT,
    "status" TEXT NOT NULL,
    "metOn" TEXT,
    "legalSource" TEXT NOT NULL,
    "suspended" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "DeadlineReadModel_inburgeraarId_fkey" FOREIGN KEY ("inburgeraarId") REFERENCES "TrajectoryReadModel" ("inburgeraarId") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_DeadlineReadModel" ("dueDate", "id", "inburgeraarId", "key", "kind", "label", "legalSource", "metOn", "originalDueDate", "status") SELECT "dueDate", "id", "inburgeraarId", "key", "kind", "label", "legalSource", "metOn", "originalDueDate", "status" FROM "DeadlineReadModel";
DROP TABLE "DeadlineReadModel";
ALTER TABLE "new_DeadlineReadModel" RENAME TO "DeadlineReadModel";
CREATE INDEX "DeadlineReadModel_dueDate_status_idx" ON "DeadlineReadModel"("dueDate", "status");
CREATE INDEX "DeadlineReadModel_status_idx" ON "DeadlineReadModel"("status");
CREATE UNIQUE INDEX "DeadlineReadModel_inburgeraarId_key_key" ON "DeadlineReadModel"("inburgeraarId", "key");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
