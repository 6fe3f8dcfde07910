-- AlterTable
ALTER TABLE "NotificationOutbox" ADD COLUMN "nextAttemptAt" DATETIME;
ALTER TABLE "NotificationOutbox" ADD COLUMN "recipientId" TEXT;

-- CreateIndex
CREATE INDEX "NotificationOutbox_status_nextAttemptAt_idx" ON "NotificationOutbox"("status", "nextAttemptAt");
