-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY['realms:read', 'realms:write', 'apps:read', 'apps:write', 'users:read', 'users:write', 'resources:read', 'resources:write', 'keys:read', 'keys:write', 'audit:read', 'api-keys:read', 'api-keys:write', 'auth:direct']::TEXT[];

-- AlterTable
ALTER TABLE "App" ADD COLUMN     "previousSecretExpiresAt" TIMESTAMP(3),
ADD COLUMN     "previousSecretHash" TEXT;

-- CreateIndex
CREATE INDEX "ApiKey_ownerId_idx" ON "ApiKey"("ownerId");

-- CreateIndex
CREATE INDEX "Realm_ownerId_name_idx" ON "Realm"("ownerId", "name");
