import { PrismaPg } from "@prisma/adapter-pg";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { PrismaClient } from "#prisma";
import type { Prisma } from "../generated/prisma/client.ts";

export type { PrismaClient };

/**
 * A plain SQL session on the underlying driver, used where Prisma cannot help:
 * multi-statement migration scripts and the batch path, whose large
 * parameters Prisma would serialise to JSON and parse back before sending.
 * Rows come as the driver reads them: read int8 and numeric columns as text.
 */
export interface SqlSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters); through prismaSession, one statement only. */
  exec(script: string): Promise<void>;
}

/** For a Prisma transaction that may touch many rows (Prisma's default gives up after 5 s): the batch path's bound. */
export const LONG_TRANSACTION = { timeout: 120_000, maxWait: 60_000 } as const;

/** A Prisma transaction seen as a SqlSession, so the SQL shared with the batch path runs in either. */
export function prismaSession(tx: Prisma.TransactionClient): SqlSession {
  return {
    query: <T>(sql: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(sql, ...params),
    exec: async (script) => void (await tx.$executeRawUnsafe(script)),
  };
}

export interface Database {
  kind: "postgres" | "pglite";
  prisma: PrismaClient;
  /** Raw SQL outside any transaction (reads, single statements): the capability's sql.ts runs through this. */
  sql: SqlSession;
  /** Runs `fn` in one transaction on a dedicated session of the driver. */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** PGlite only: its data as a dump that openPGlite's `loadDataDir` starts from. */
  dumpDataDir?(): Promise<Blob>;
}

export interface PostgresOptions {
  connectionString: string;
  /** Pool size; the default suits a 2-core machine. */
  max?: number;
  /** Called with every SQL statement sent, through Prisma or a session (tests count them). */
  onQuery?: (sql: string) => void;
  /**
   * The longest any ordinary statement may run before PostgreSQL cancels it (503, retry): nothing waits forever
   * on a stuck query. Migrations and the batch transaction set their own (SET LOCAL).
   */
  statementTimeoutMs?: number;
}

/** Default bound of an ordinary statement: a report over a year of claims takes a few seconds at most. */
export const STATEMENT_TIMEOUT_MS = 30_000;

/** Prisma over a driver adapter, optionally reporting each statement it sends. */
function prismaOver(
  adapter: NonNullable<ConstructorParameters<typeof PrismaClient>[0]["adapter"]>,
  onQuery?: (sql: string) => void,
): PrismaClient {
  if (!onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  prisma.$on("query", (e) => onQuery(e.query));
  return prisma;
}

/** How long readiness waits for the database to answer a trivial query. */
const PING_TIMEOUT_MS = 3_000;

/** `promise`, or `fallback` once `ms` have passed (the timer never keeps the process alive). */
function withinMs<T>(ms: number, promise: Promise<T>, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref?.();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A pool in which nothing waits forever: connecting, a vanished peer, a statement. */
function boundedPool(connectionString: string, max: number, statementTimeoutMs: number): pg.Pool {
  // keepAlive: a peer that vanished (network cut) is found by TCP keepalives instead of never.
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    statement_timeout: statementTimeoutMs,
  });
  // A dropped idle connection (database restart) must not crash the process.
  pool.on("error", () => {});
  return pool;
}

export function openPostgres({
  connectionString,
  max = 10,
  onQuery,
  statementTimeoutMs = STATEMENT_TIMEOUT_MS,
}: PostgresOptions): Database {
  const pool = boundedPool(connectionString, max, statementTimeoutMs);
  const prisma = prismaOver(new PrismaPg(pool), onQuery);
  return {
    kind: "postgres",
    prisma,
    sql: prismaSession(prisma),
    async withSession(fn) {
      const client = await pool.connect();
      // A connection that dies while checked out emits "error": without a listener that would crash the process.
      // The query in flight fails on its own; the client is then discarded rather than returned to the pool.
      let broken: unknown;
      const onBroken = (err: unknown) => void (broken ??= err);
      client.on("error", onBroken);
      try {
        await client.query("BEGIN");
        const result = await fn({
          query: async (sql, params) => {
            onQuery?.(sql);
            return (await client.query(sql, params)).rows;
          },
          exec: async (script) => {
            onQuery?.(script);
            await client.query(script);
          },
        });
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch((rollbackFailed: unknown) => void (broken ??= rollbackFailed));
        // A statement after the connection died fails with "not queryable"; the cause is the connection error.
        throw broken ?? err;
      } finally {
        client.off("error", onBroken);
        client.release(broken !== undefined);
      }
    },
    // Bounded: over a connection whose packets vanish (a black-holed network) the query would wait on TCP's own
    // timeouts, minutes.
    ping: () =>
      withinMs(
        PING_TIMEOUT_MS,
        pool.query("SELECT 1").then(
          () => true,
          () => false,
        ),
        false,
      ),
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

/**
 * The embedded database; `dataDir` undefined keeps it in memory (tests).
 * `loadDataDir`: start from a dump of another's data (PGlite's dumpDataDir)
 * instead of an empty cluster: initdb is most of an in-memory start.
 */
export async function openPGlite(
  dataDir?: string,
  { onQuery, loadDataDir }: { onQuery?: (sql: string) => void; loadDataDir?: Blob } = {},
): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const db: PGlite = dataDir ? new PGlite(dataDir) : new PGlite(loadDataDir ? { loadDataDir } : {});
  await db.waitReady;
  const prisma = prismaOver(new PrismaPGlite(db), onQuery);
  return {
    kind: "pglite",
    prisma,
    sql: prismaSession(prisma),
    withSession: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async (sql, params) => {
            onQuery?.(sql);
            return (await tx.query(sql, params)).rows as never[];
          },
          exec: async (script) => {
            onQuery?.(script);
            await tx.exec(script);
          },
        }),
      ),
    ping: () =>
      db.query("SELECT 1").then(
        () => true,
        () => false,
      ),
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
    dumpDataDir: () => db.dumpDataDir("none") as Promise<Blob>,
  };
}
