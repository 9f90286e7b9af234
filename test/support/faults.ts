import type { Database, PrismaClient } from "../../src/db/client.ts";

/** Binds methods to their owner so a proxy never becomes their `this`. */
function passThrough<T extends object>(target: T, override: (prop: string | symbol) => unknown): T {
  return new Proxy(target, {
    get(t, prop) {
      const replaced = override(prop);
      if (replaced !== undefined) return replaced;
      const value = Reflect.get(t, prop, t);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}

/**
 * The same database, except that writing an audit row inside a transaction
 * fails: shows whether a change and its audit row commit together.
 */
export function withFailingAudit(
  db: Database,
  error = new Error("audit store exploded: secret-internal-detail"),
): Database {
  const failingAudit = { create: () => Promise.reject(error), createMany: () => Promise.reject(error) };
  const prisma = passThrough(db.prisma, (prop) =>
    prop === "$transaction"
      ? (fn: unknown, options?: unknown) => {
          if (typeof fn !== "function") throw new Error("only interactive transactions are faulted");
          return db.prisma.$transaction(
            (tx) => fn(passThrough(tx, (p) => (p === "auditLog" ? failingAudit : undefined))),
            options as never,
          );
        }
      : undefined,
  ) as PrismaClient;
  return { ...db, prisma };
}

/** The same database, except that every model query and transaction throws `error`. */
export function withBrokenQueries(db: Database, error: Error): Database {
  const reject = () => Promise.reject(error);
  const prisma = passThrough(db.prisma, (prop) => {
    if (
      prop === "$transaction" ||
      prop === "$queryRaw" ||
      prop === "$queryRawUnsafe" ||
      prop === "$executeRaw" ||
      prop === "$executeRawUnsafe"
    )
      return reject;
    if (prop === "apiKey") return undefined; // authentication still works, so the failure is the route's
    if (typeof prop === "string" && !prop.startsWith("$") && !prop.startsWith("_")) {
      const delegate = Reflect.get(db.prisma, prop);
      if (delegate && typeof delegate === "object") return passThrough(delegate as object, () => reject);
    }
    return undefined;
  }) as PrismaClient;
  return { ...db, prisma };
}
