-- CreateIndex
CREATE UNIQUE INDEX "ApiResource_realmId_id_key" ON "ApiResource"("realmId", "id");
