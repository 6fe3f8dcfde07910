-- AlterTable
ALTER TABLE "DeadlineReadModel" ADD COLUMN     "suspended" BOOLEAN NOT NULL DEFAULT false;
