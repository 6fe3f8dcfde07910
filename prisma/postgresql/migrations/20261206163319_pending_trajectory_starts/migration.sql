-- CreateTable
CREATE TABLE "PendingStart" (
    "inburgeraarId" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PendingStart_pkey" PRIMARY KEY ("inburgeraarId")
);

-- CreateIndex
CREATE INDEX "PendingStart_nextAttemptAt_idx" ON "PendingStart"("nextAttemptAt");

-- AddForeignKey
ALTER TABLE "PendingStart" ADD CONSTRAINT "PendingStart_inburgeraarId_fkey" FOREIGN KEY ("inburgeraarId") REFERENCES "Inburgeraar"("id") ON DELETE CASCADE ON UPDATE CASCADE;
