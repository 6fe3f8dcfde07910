-- AlterTable
ALTER TABLE "NotificationOutbox" ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "recipientId" TEXT;

-- CreateIndex
CREATE INDEX "NotificationOutbox_status_nextAttemptAt_idx" ON "NotificationOutbox"("status", "nextAttemptAt");
