-- CreateIndex
CREATE INDEX "Inburgeraar_createdAt_idx" ON "Inburgeraar"("createdAt");
