-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Inburgeraar" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "koppelingRef" TEXT NOT NULL,
    "coachId" TEXT NOT NULL,
    "doelgroep" TEXT NOT NULL,
    "gemeenteCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Inburgeraar_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Persoonsgegevens" (
    "inburgeraarId" TEXT NOT NULL,
    "bsnHash" TEXT NOT NULL,
    "bsnCiphertext" TEXT NOT NULL,
    "voornaam" TEXT NOT NULL,
    "achternaam" TEXT NOT NULL,
    "geboortedatum" TEXT,
    "email" TEXT,
    "telefoon" TEXT,
    "adres" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Persoonsgegevens_pkey" PRIMARY KEY ("inburgeraarId")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "role" TEXT NOT NULL,
    "partnerId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "label" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Partner" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "email" TEXT,
    "webhookUrl" TEXT,
    "webhookSecret" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" TEXT NOT NULL,
    "inburgeraarId" TEXT NOT NULL,
    "partnerId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "inburgeraarId" TEXT,
    "workflowId" TEXT,
    "eventSeq" INTEGER,
    "details" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationOutbox" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "recipient" TEXT,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "inburgeraarId" TEXT,
    "deadlineKey" TEXT,
    "dueDate" TEXT,

    CONSTRAINT "NotificationOutbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrajectoryReadModel" (
    "inburgeraarId" TEXT NOT NULL,
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
    "eventSeq" INTEGER NOT NULL,
    "summary" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TrajectoryReadModel_pkey" PRIMARY KEY ("inburgeraarId")
);

-- CreateTable
CREATE TABLE "DeadlineReadModel" (
    "id" TEXT NOT NULL,
    "inburgeraarId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "label" TEXT,
    "dueDate" TEXT NOT NULL,
    "originalDueDate" TEXT,
    "status" TEXT NOT NULL,
    "metOn" TEXT,
    "legalSource" TEXT NOT NULL,

    CONSTRAINT "DeadlineReadModel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "statusCode" INTEGER,
    "responseBody" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Inburgeraar_workflowId_key" ON "Inburgeraar"("workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "Inburgeraar_koppelingRef_key" ON "Inburgeraar"("koppelingRef");

-- CreateIndex
CREATE INDEX "Inburgeraar_coachId_idx" ON "Inburgeraar"("coachId");

-- CreateIndex
CREATE UNIQUE INDEX "Persoonsgegevens_bsnHash_key" ON "Persoonsgegevens"("bsnHash");

-- CreateIndex
CREATE INDEX "User_role_idx" ON "User"("role");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_keyHash_key" ON "ApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "ApiKey_userId_idx" ON "ApiKey"("userId");

-- CreateIndex
CREATE INDEX "Referral_partnerId_idx" ON "Referral"("partnerId");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_inburgeraarId_partnerId_purpose_key" ON "Referral"("inburgeraarId", "partnerId", "purpose");

-- CreateIndex
CREATE INDEX "AuditEvent_inburgeraarId_occurredAt_idx" ON "AuditEvent"("inburgeraarId", "occurredAt");

-- CreateIndex
CREATE INDEX "AuditEvent_occurredAt_idx" ON "AuditEvent"("occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_workflowId_eventSeq_key" ON "AuditEvent"("workflowId", "eventSeq");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationOutbox_key_key" ON "NotificationOutbox"("key");

-- CreateIndex
CREATE INDEX "NotificationOutbox_status_createdAt_idx" ON "NotificationOutbox"("status", "createdAt");

-- CreateIndex
CREATE INDEX "NotificationOutbox_inburgeraarId_idx" ON "NotificationOutbox"("inburgeraarId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_coachId_idx" ON "TrajectoryReadModel"("coachId");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_phase_idx" ON "TrajectoryReadModel"("phase");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_route_idx" ON "TrajectoryReadModel"("route");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_nextDeadlineDate_idx" ON "TrajectoryReadModel"("nextDeadlineDate");

-- CreateIndex
CREATE INDEX "TrajectoryReadModel_overdue_idx" ON "TrajectoryReadModel"("overdue");

-- CreateIndex
CREATE INDEX "DeadlineReadModel_dueDate_status_idx" ON "DeadlineReadModel"("dueDate", "status");

-- CreateIndex
CREATE INDEX "DeadlineReadModel_status_idx" ON "DeadlineReadModel"("status");

-- CreateIndex
CREATE UNIQUE INDEX "DeadlineReadModel_inburgeraarId_key_key" ON "DeadlineReadModel"("inburgeraarId", "key");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_createdAt_idx" ON "IdempotencyRecord"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyRecord_userId_key_key" ON "IdempotencyRecord"("userId", "key");

-- AddForeignKey
ALTER TABLE "Persoonsgegevens" ADD CONSTRAINT "Persoonsgegevens_inburgeraarId_fkey" FOREIGN KEY ("inburgeraarId") REFERENCES "Inburgeraar"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeadlineReadModel" ADD CONSTRAINT "DeadlineReadModel_inburgeraarId_fkey" FOREIGN KEY ("inburgeraarId") REFERENCES "TrajectoryReadModel"("inburgeraarId") ON DELETE CASCADE ON UPDATE CASCADE;
