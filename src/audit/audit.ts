import type { Caller } from "../auth/caller.ts";
import type { Prisma } from "../generated/prisma/client.ts";

type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Writes one audit row in the caller's transaction: the change and its record commit together. */
export async function audit(tx: Tx, who: { caller: Caller | null; requestId?: string; at: Date }, entry: AuditEntry) {
  await tx.auditLog.create({
    data: {
      at: who.at,
      actorKeyId: who.caller?.keyId ?? null,
      actorRole: who.caller?.role ?? null,
      requestId: who.requestId ?? null,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId,
      before: toJson(entry.before),
      after: toJson(entry.after),
    },
  });
}

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
