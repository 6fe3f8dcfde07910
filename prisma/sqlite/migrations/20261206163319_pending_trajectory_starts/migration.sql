-- CreateTable
CREATE TABLE "PendingStart" (
    "inburgeraarId" TEXT NOT NULL PRIMARY KEY,
    "input" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" DATETIME NOT NULL,
    CONSTRAINT "PendingStart_inburgeraarId_fkey" FOREIGN KEY ("inburgeraarId") REFERENCES "Inburgeraar" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "PendingStart_nextAttemptAt_idx" ON "PendingStart"("nextAttemptAt");
