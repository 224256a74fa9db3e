-- CreateIndex
CREATE INDEX "Realm_ownerId_name_idx" ON "Realm"("ownerId", "name");
