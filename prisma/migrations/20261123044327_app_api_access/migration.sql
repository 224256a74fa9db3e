-- AlterTable
ALTER TABLE "App" ADD COLUMN     "apiAccess" JSONB NOT NULL DEFAULT '[]';
