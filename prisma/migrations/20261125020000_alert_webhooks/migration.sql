-- Alert webhooks: subscriptions per province (or all provinces) and the outbox
-- of deliveries queued in the transaction that raises an alert. Written by hand
-- in the shape `prisma migrate` emits; test/db/schema-matches.test.ts checks it.

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "province_webhook" (
    "id" UUID NOT NULL,
    "province_code" CHAR(2),
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "province_webhook_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "alert_delivery" (
    "id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "province_webhook_province_code_idx" ON "province_webhook"("province_code");
CREATE INDEX "alert_delivery_status_next_attempt_at_idx" ON "alert_delivery"("status", "next_attempt_at");
CREATE INDEX "alert_delivery_webhook_id_idx" ON "alert_delivery"("webhook_id");
CREATE UNIQUE INDEX "alert_delivery_alert_id_webhook_id_key" ON "alert_delivery"("alert_id", "webhook_id");

-- AddForeignKey
ALTER TABLE "province_webhook" ADD CONSTRAINT "province_webhook_province_code_fkey" FOREIGN KEY ("province_code") REFERENCES "province"("code") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "province_webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;
