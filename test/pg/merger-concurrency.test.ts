import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/harness.ts";
import { stay, submitFor } from "../support/reports.ts";
import { lockWaiters, withLockSessions } from "../support/waiting.ts";

const t = useTestApp();
const DAY = 86_400_000;
const MERGER = { name: "Hà Giang", successorCode: "08", mergedAt: "2025-07-01T00:00:00+07:00" };

async function provinces(...codes: string[]) {
  for (const code of codes) await t.json("PUT", `/v1/provinces/${code}`, { body: { name: `Tỉnh ${code}` } });
}

const placed = async () =>
  (
    await t.db.prisma.claim.findMany({ select: { claimId: true, provinceCode: true }, orderBy: { claimId: "asc" } })
  ).map((c) => [c.claimId, c.provinceCode]);

/**
 * A merger recorded while other writers are at work. Each case holds a lock
 * in a session of its own, so the writers queue in a known order behind it,
 * then lets go.
 */
describe("a merger recorded while other writers are at work", () => {
  it("places a batch's claims by the merger, though the batch read its facility before the merger was committed", async () => {
    await provinces("08", "02");
    await t.json("PUT", "/v1/facilities/02001", { body: { name: "Bệnh viện Đa khoa Hà Giang" } });
    const facility = await t.key("facility", "02001");
    const send = (batchId: string, claimId: string) =>
      t.json("POST", "/v1/batches", {
        key: facility,
        body: { batchId, claims: [stay(claimId, "2025-08-01T03:00:00Z", "100000")] },
      });
    expect((await send("B0", "EARLY")).status).toBe(201);

    // The facility's batch lock held: the merger (its province row written, not committed) queues for it
    // first, then a batch, which reads its facility meanwhile and so sees no merger yet.
    await withLockSessions(async (holder, watcher) => {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(hashtext('batch:02001'))");
      const merger = t.json("PUT", "/v1/provinces/02", { body: MERGER });
      await lockWaiters(watcher, 1);
      const batch = send("B1", "LATE");
      await lockWaiters(watcher, 2);
      await holder.query("ROLLBACK");
      expect((await merger).status).toBe(200);
      expect((await batch).status).toBe(201);
    });

    expect(await placed()).toEqual([
      ["EARLY", "08"],
      ["LATE", "08"],
    ]);
    const spending = await t.db.prisma.spending.findMany({
      select: { provinceCode: true, spent: true, claimCount: true },
      orderBy: { provinceCode: "asc" },
    });
    expect(spending.map((s) => [s.provinceCode, s.spent.toString(), s.claimCount])).toEqual([
      ["02", "0", 0],
      ["08", "200000", 2],
    ]);
  });

  it("moves the claims of a facility recorded under the merged province at the same time", async () => {
    await provinces("08", "02", "79");
    await t.json("PUT", "/v1/facilities/02001", { body: { name: "Bệnh viện Đa khoa Hà Giang" } });
    await t.json("PUT", "/v1/facilities/79001", { body: { name: "Phân viện" } });
    await submitFor(t, "79001", "B1", [stay("X1", "2025-08-01T03:00:00Z", "100000")]);

    // The merger waits on a batch of 02001 (the held lock); meanwhile 79001 is recorded under 02. Neither may
    // act on the other's change half made: 79001's claim ends with 08, where a claim sent after goes.
    await withLockSessions(async (holder, watcher) => {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(hashtext('batch:02001'))");
      const merger = t.json("PUT", "/v1/provinces/02", { body: MERGER });
      await lockWaiters(watcher, 1);
      const move = t.json("PUT", "/v1/facilities/79001", { body: { name: "Phân viện", provinceCode: "02" } });
      await lockWaiters(watcher, 2);
      await holder.query("ROLLBACK");
      expect([(await merger).status, (await move).status]).toEqual([200, 200]);
    });
    await submitFor(t, "79001", "B2", [stay("X2", "2025-08-01T03:00:00Z", "100000")]);
    expect(await placed()).toEqual([
      ["X1", "08"],
      ["X2", "08"],
    ]);
  });

  it("does not deadlock with the stuck marking, which locks claims in id order too", async () => {
    await provinces("08", "02");
    await t.json("PUT", "/v1/facilities/02001", { body: { name: "Bệnh viện Đa khoa Hà Giang" } });
    await t.json("PUT", "/v1/facilities/08001", { body: { name: "Bệnh viện Đa khoa Tuyên Quang" } });
    const pending = (claimId: string) => stay(claimId, "2025-08-01T03:00:00Z", "100000", { visitType: "inpatient" });
    await submitFor(t, "02001", "B1", [pending("FIRST")]);
    await submitFor(t, "08001", "B2", [pending("MIDDLE")]);
    await submitFor(t, "02001", "B3", [pending("LAST")]);
    // A write to FIRST (a document, a correction) puts its row after LAST's in the table: a scan meets LAST first.
    await t.db.prisma.$executeRawUnsafe("UPDATE claim SET updated_at = updated_at WHERE claim_id = 'FIRST'");
    t.clock.advance(400 * DAY);

    // MIDDLE held (a decision on it in flight): the marking locks FIRST and waits on MIDDLE; the merger
    // must then wait on FIRST before it takes LAST, or each would wait on the other.
    await withLockSessions(async (holder, watcher) => {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM claim WHERE claim_id = 'MIDDLE' FOR UPDATE");
      const marking = t.json("POST", "/v1/jobs/mark-stuck");
      await lockWaiters(watcher, 1);
      const merger = t.json("PUT", "/v1/provinces/02", { body: MERGER });
      await lockWaiters(watcher, 2);
      await holder.query("ROLLBACK");
      const [marked, merged] = await Promise.all([marking, merger]);
      expect([marked.status, marked.body.marked, merged.status]).toEqual([200, 3, 200]);
    });
    expect(await placed()).toEqual([
      ["FIRST", "08"],
      ["LAST", "08"],
      ["MIDDLE", "08"],
    ]);
  });

  it("leaves a claim it moved away to the new province's reviewers, even when one of the old province had it open", async () => {
    await provinces("08", "02");
    await t.json("PUT", "/v1/facilities/02001", { body: { name: "Bệnh viện Đa khoa Hà Giang" } });
    await t.json("PUT", "/v1/facilities/08001", { body: { name: "Bệnh viện Đa khoa Tuyên Quang" } });
    await submitFor(t, "08001", "B0", [stay("TQ", "2025-08-01T03:00:00Z", "100000")]);
    await submitFor(t, "02001", "B1", [stay("HG", "2025-08-01T03:00:00Z", "100000")]);
    const reviewer02 = await t.key("province", "02");

    // 08's spending row held: the merger has moved HG (locked, not committed) and waits there; then 02's
    // reviewer denies HG. The decision must wait for the claim and then find it no longer 02's.
    await withLockSessions(async (holder, watcher) => {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM spending WHERE province_code = '08' AND year = 2025 FOR UPDATE");
      const merger = t.json("PUT", "/v1/provinces/02", { body: MERGER });
      await lockWaiters(watcher, 1);
      const decision = t.json("POST", "/v1/claims/02001/HG/decision", {
        key: reviewer02,
        body: { outcome: "denied", reason: "trùng hồ sơ" },
      });
      await lockWaiters(watcher, 2);
      await holder.query("ROLLBACK");
      expect([(await merger).status, (await decision).status]).toEqual([200, 404]);
    });
    expect((await t.json("GET", "/v1/claims/02001/HG")).body).toMatchObject({ provinceCode: "08", status: "accepted" });
  });
});
