-- AlterTable
ALTER TABLE "App" ADD COLUMN     "requirePkce" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "tokenEndpointAuthMethod" TEXT NOT NULL DEFAULT 'client_secret_basic';
