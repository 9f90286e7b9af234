import { z } from "@hono/zod-openapi";
import { randomUUID } from "node:crypto";
import { audit } from "../audit/audit.ts";
import { generateSecret, hashSecret } from "../auth/secrets.ts";
import type { AppDeps } from "../deps.ts";
import { CursorField, decodeCursor, page } from "../http/paging.ts";
import { unprocessable } from "../http/problem.ts";
import { Text, FacilityCode, ProvinceCode, Timestamp, iso } from "../http/schemas.ts";

const RoleEnum = z.enum(["central", "province", "facility"]);

/** A new key's fields, as the route and the operator CLI accept them. */
export const CreateKey = z
  .object({
    role: RoleEnum,
    scope: z
      .string()
      .max(5)
      .optional()
      .openapi({ description: "province code for `province`, facility code for `facility`; absent for `central`" }),
    name: z.string().trim().min(1).max(200),
  })
  .strict()
  .superRefine((input, ctx) => {
    const need = input.role === "province" ? ProvinceCode : input.role === "facility" ? FacilityCode : null;
    if (need === null) {
      if (input.scope !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["scope"],
          params: { code: "not_allowed", role: "central" },
          message: "a central key has no scope",
        });
    } else if (input.scope === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["scope"],
        params: { code: "required", role: input.role },
        message: `a ${input.role} key needs a scope`,
      });
    } else if (!need.safeParse(input.scope).success) {
      ctx.addIssue({
        code: "custom",
        path: ["scope"],
        params: { code: "invalid_format", role: input.role, digits: input.role === "province" ? 2 : 5 },
        message: `must be a ${input.role === "province" ? "2" : "5"}-digit ${input.role} code`,
      });
    }
  });

export const KeyView = z
  .object({
    id: z.string().uuid().max(36),
    role: RoleEnum,
    scope: Text.nullable(),
    name: Text,
    createdAt: Timestamp,
    revokedAt: Timestamp.nullable(),
  })
  .openapi("ApiKey");
export const CreatedKey = KeyView.omit({ revokedAt: true })
  .extend({ key: Text.openapi({ description: "the secret, shown only here" }) })
  .openapi("CreatedApiKey");

type KeyRow = {
  id: string;
  role: "central" | "province" | "facility";
  scope: string | null;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
};
export const keyView = (k: KeyRow) => ({
  id: k.id,
  role: k.role,
  scope: k.scope,
  name: k.name,
  createdAt: k.createdAt.toISOString(),
  revokedAt: iso(k.revokedAt),
});

export interface NewKey {
  role: "central" | "province" | "facility";
  scope?: string | undefined;
  name: string;
}

/** Creates a key (used by the route and the operator CLI); the secret is returned once. */
export async function createKey(deps: AppDeps, input: NewKey, who: Parameters<typeof audit>[1]) {
  const { prisma } = deps.db;
  if (input.role === "province" && !(await prisma.province.findUnique({ where: { code: input.scope! } })))
    throw unprocessable("unknown province", [
      {
        path: "scope",
        code: "unknown_province",
        message: `province ${input.scope} does not exist`,
        params: { province: input.scope },
      },
    ]);
  if (input.role === "facility" && !(await prisma.facility.findUnique({ where: { code: input.scope! } })))
    throw unprocessable("unknown facility", [
      {
        path: "scope",
        code: "unknown_facility",
        message: `facility ${input.scope} does not exist`,
        params: { facility: input.scope },
      },
    ]);
  const secret = generateSecret();
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        id: randomUUID(),
        role: input.role,
        scope: input.scope ?? null,
        name: input.name,
        secretHash: hashSecret(secret),
        createdAt: who.at,
      },
    });
    await audit(tx, who, { action: "key.create", entity: "api_key", entityId: created.id, after: keyView(created) });
    return created;
  });
  const { revokedAt: _, ...shown } = keyView(row);
  return { ...shown, key: secret };
}

/**
 * Revokes a key (used by the route and the operator CLI). Returns the key as it
 * now is, or null when there is no such key; revoking twice changes nothing.
 */
export async function revokeKey(deps: AppDeps, id: string, who: Parameters<typeof audit>[1]) {
  if (!z.uuid().safeParse(id).success) return null;
  return deps.db.prisma.$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id } });
    if (!key) return null;
    if (key.revokedAt) return keyView(key);
    const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: who.at } });
    await audit(tx, who, {
      action: "key.revoke",
      entity: "api_key",
      entityId: id,
      before: keyView(key),
      after: keyView(revoked),
    });
    return keyView(revoked);
  });
}

/** Registers BOOTSTRAP_CENTRAL_KEY (hashed) unless it is already known: safe on every start. */
export async function registerBootstrapKey(deps: AppDeps, secret: string) {
  const secretHash = hashSecret(secret);
  const at = deps.clock.now();
  await deps.db.prisma.$transaction(async (tx) => {
    const existing = await tx.apiKey.findUnique({ where: { secretHash } });
    if (existing) return;
    const id = randomUUID();
    await tx.apiKey.create({ data: { id, role: "central", name: "bootstrap", secretHash, createdAt: at } });
    await audit(
      tx,
      { caller: null, at },
      { action: "key.create", entity: "api_key", entityId: id, after: { role: "central", name: "bootstrap" } },
    );
  });
}

/** The keys, without secrets, by id (central). */
export async function listKeys(deps: Pick<AppDeps, "db">, query: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(query.cursor, z.tuple([CursorField.uuid]));
  const rows = await deps.db.prisma.apiKey.findMany({
    where: after ? { id: { gt: String(after[0]) } } : {},
    orderBy: { id: "asc" },
    take: query.limit + 1,
  });
  const { data, nextCursor } = page(rows, query.limit, (key) => [key.id]);
  return { data: data.map(keyView), nextCursor };
}
