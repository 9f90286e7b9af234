import type { Caller } from "../auth/caller.ts";
import type { SqlSession } from "../db/client.ts";
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

/** The same row, written through a plain driver session (a write that runs on one: a catalogue load). */
export async function auditInSession(
  session: SqlSession,
  who: { caller: Caller | null; requestId?: string | undefined; at: Date },
  entry: AuditEntry,
) {
  await session.query(INSERT_AUDIT, [
    who.at,
    who.caller?.keyId ?? null,
    who.caller?.role ?? null,
    who.requestId ?? null,
    entry.action,
    entry.entity,
    entry.entityId,
    jsonText(entry.before),
    jsonText(entry.after),
  ]);
}

const INSERT_AUDIT = `INSERT INTO audit_log (at, actor_key_id, actor_role, request_id, action, entity, entity_id,
  before, after) VALUES ($1, $2::uuid, $3::"Role", $4, $5, $6, $7, $8::jsonb, $9::jsonb)`;

const jsonText = (value: unknown) => {
  const json = toJson(value);
  return json === undefined ? null : JSON.stringify(json);
};

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
