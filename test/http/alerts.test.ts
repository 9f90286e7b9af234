import { describe, expect, it } from "vitest";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";
import { claim } from "../support/claims.ts";
import { addSpending, adjustEstimate, setEstimate } from "../support/spending.ts";

// A past year: the whole year has elapsed, so the pace projection equals the
// ratio and only a ratio of 1.00 or more also raises a projected_overrun.
const Y = 2025;
const t = useTestApp();
const spend = (t: TestContext, provinceCode: string, amount: string, year = Y) =>
  addSpending(t, [{ provinceCode, year, facilityCode: `${provinceCode}001`, spent: amount }]);
const alerts = async (t: TestContext, query = "", key?: string) => {
  const res = await t.json("GET", `/v1/alerts${query}`, key ? { key } : {});
  expect(res.status).toBe(200);
  return res.body.data as any[];
};

describe("usage threshold alerts", () => {
  it("crossing 85% raises exactly one alert carrying the figures of the crossing", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "500000");
    expect(await alerts(t)).toEqual([]);

    t.clock.set("2026-01-05T02:00:00Z");
    await spend(t, "01", "350000");
    const [alert, ...rest] = await alerts(t);
    expect(rest).toEqual([]);
    expect(alert).toEqual({
      id: expect.any(String),
      kind: "usage_threshold",
      provinceCode: "01",
      year: Y,
      threshold: "0.8500",
      severity: "high",
      ratioAtRaise: "0.8500",
      spentAtRaise: "850000",
      estimateAtRaise: "1000000",
      raisedAt: "2026-01-05T02:00:00.000Z",
      status: "open",
      acknowledgedAt: null,
      resolvedAt: null,
      notes: [],
    });
  });

  it("one dong short of 85% raises nothing; reaching it exactly does", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "849999.99");
    expect(await alerts(t)).toEqual([]);
    await spend(t, "01", "0.01");
    expect((await alerts(t)).map((a) => a.spentAtRaise)).toEqual(["850000"]);
  });

  it("crossing again while the alert is open or acknowledged raises no second one", async () => {
    await seedReference(t);
    const province = await t.key("province", "01");
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "860000");
    await spend(t, "01", "10000");
    await spend(t, "01", "10000");
    const [first] = await alerts(t);
    expect(await alerts(t)).toHaveLength(1);

    const ack = await t.json("POST", `/v1/alerts/${first.id}/acknowledge`, { key: province, body: { note: "seen" } });
    expect(ack.status).toBe(200);
    await spend(t, "01", "20000");
    const after = await alerts(t);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: first.id,
      status: "acknowledged",
      spentAtRaise: "860000",
      ratioAtRaise: "0.8600",
    });
  });

  it("after an alert is resolved, only a new crossing raises a new one; the old one stays as history", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "900000");
    const [first] = await alerts(t);
    // Resolved while still above 85%: more spending above the threshold is not a new crossing.
    expect(
      (await t.json("POST", `/v1/alerts/${first.id}/resolve`, { body: { note: "estimate increase requested" } }))
        .status,
    ).toBe(200);
    t.clock.advance(3600_000);
    await spend(t, "01", "5000");
    expect((await alerts(t)).map((a) => a.status)).toEqual(["resolved"]);

    // The estimate is raised: usage falls to 75.4%, below the threshold, which re-arms it...
    await setEstimate(t, "01", Y, "1200000");
    expect((await t.db.prisma.alert.findUniqueOrThrow({ where: { id: first.id } })).liveKey).toBeNull();
    // ...and cutting it back crosses 85% again: a new alert.
    await setEstimate(t, "01", Y, "1000000");
    const list = await alerts(t);
    expect(list.map((a) => [a.status, a.spentAtRaise])).toEqual([
      ["open", "905000"],
      ["resolved", "900000"],
    ]);
    expect(list[0].id).not.toBe(first.id);
    expect((await t.db.prisma.alert.findUniqueOrThrow({ where: { id: list[0].id } })).liveKey).toBe(
      `usage_threshold:01:${Y}:0.8500`,
    );
  });

  it("an alert resolved once usage is back below the threshold is re-armed at once", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "900000");
    const [first] = await alerts(t);
    await setEstimate(t, "01", Y, "2000000");
    await t.json("POST", `/v1/alerts/${first.id}/resolve`, { body: { note: "estimate raised" } });
    expect((await t.db.prisma.alert.findUniqueOrThrow({ where: { id: first.id } })).liveKey).toBeNull();
    t.clock.advance(3600_000);
    await spend(t, "01", "800000");
    expect((await alerts(t)).map((a) => [a.status, a.spentAtRaise])).toEqual([
      ["open", "1700000"],
      ["resolved", "900000"],
    ]);
  });

  it("a batch touching several provinces raises each province's alert, and only theirs", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await setEstimate(t, "79", Y, "2000000");
    await addSpending(t, [
      { provinceCode: "01", year: Y, facilityCode: "01001", spent: "600000" },
      { provinceCode: "01", year: Y, facilityCode: "01002", spent: "300000", month: 2 },
      { provinceCode: "79", year: Y, facilityCode: "79001", spent: "1700000" },
      { provinceCode: "79", year: Y + 1, facilityCode: "79001", spent: "1700000" }, // no estimate for that year
    ]);
    expect((await alerts(t)).map((a) => [a.provinceCode, a.year, a.ratioAtRaise, a.spentAtRaise]).sort()).toEqual([
      ["01", Y, "0.9000", "900000"],
      ["79", Y, "0.8500", "1700000"],
    ]);
  });

  it("spending without an estimate raises nothing; setting the estimate then raises at once", async () => {
    await seedReference(t);
    await spend(t, "01", "900000");
    expect(await alerts(t)).toEqual([]);
    await setEstimate(t, "01", Y, "1000000");
    expect((await alerts(t)).map((a) => [a.ratioAtRaise, a.estimateAtRaise])).toEqual([["0.9000", "1000000"]]);
  });

  it("an estimate of zero gives no ratio and raises nothing", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "0");
    await spend(t, "01", "100");
    expect(await alerts(t)).toEqual([]);
  });
});

describe("alerts from real claim batches", () => {
  it("the batch that crosses 85% has raised the alert by the time it answers, and usage shows its spending", async () => {
    await seedReference(t);
    await setEstimate(t, "01", 2026, "1000000");
    const hospital = await t.key("facility", "01001");
    const send = (batchId: string, claims: unknown[]) =>
      t.json("POST", "/v1/batches", { key: hospital, body: { batchId, claims } });
    const usageAlerts = () => alerts(t, "?kind=usage_threshold");

    expect((await send("B1", [claim({}, 1), claim({}, 2), claim({}, 3)])).status).toBe(201); // 840,000: 0.84
    expect(await usageAlerts()).toEqual([]);

    // One more outpatient claim, and an inpatient one still missing its discharge paper.
    const res = await send("B2", [claim({}, 4), claim({ visitType: "inpatient" }, 5)]);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ accepted: 1, pendingDocumentation: 1 });
    // From 84% to 140% in one batch: both thresholds, 85% and 100%, are crossed by it.
    const raised = (await usageAlerts()).map((a) => [
      a.threshold,
      a.severity,
      a.provinceCode,
      a.year,
      a.ratioAtRaise,
      a.spentAtRaise,
      a.estimateAtRaise,
    ]);
    expect(raised.sort()).toEqual([
      ["0.8500", "high", "01", 2026, "1.4000", "1400000", "1000000"],
      ["1.0000", "critical", "01", 2026, "1.4000", "1400000", "1000000"],
    ]);

    // A replay changes nothing and raises nothing.
    expect((await send("B2", [claim({}, 4), claim({ visitType: "inpatient" }, 5)])).status).toBe(200);
    expect(await usageAlerts()).toHaveLength(2);

    const usage = await t.json("GET", "/v1/provinces/01/usage?year=2026");
    expect(usage.body).toMatchObject({
      spent: "1400000",
      pendingDocumentationAmount: "280000",
      ratio: "1.4000",
      byFacility: [{ facilityCode: "01001", spent: "1400000", share: "1.0000" }],
    });
    expect(usage.body.byMonth[5]).toEqual({ month: 6, spent: "1400000" });
  });
});

describe("estimate changes and alerts", () => {
  it("a lowered estimate crosses a threshold without new spending", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "800000");
    await adjustEstimate(t, "01", Y, "-50000"); // 800,000 / 950,000 = 0.8421
    expect(await alerts(t)).toEqual([]);
    await adjustEstimate(t, "01", Y, "-10000"); // 800,000 / 940,000 = 0.85106..
    expect((await alerts(t)).map((a) => [a.ratioAtRaise, a.spentAtRaise, a.estimateAtRaise])).toEqual([
      ["0.8511", "800000", "940000"],
    ]);
  });

  it("lowering the initial allocation (PUT) crosses too", async () => {
    await seedReference(t);
    await setEstimate(t, "79", Y, "2000000");
    await spend(t, "79", "1650000"); // 0.825
    expect(await alerts(t)).toEqual([]);
    await setEstimate(t, "79", Y, "1900000"); // 0.868421..
    expect((await alerts(t)).map((a) => a.ratioAtRaise)).toEqual(["0.8684"]);
  });

  it("raising the estimate above spending keeps the alert and its history", async () => {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "900000");
    const [before] = await alerts(t);
    await adjustEstimate(t, "01", Y, "1000000");
    await setEstimate(t, "01", Y, "5000000");
    const after = await alerts(t);
    expect(after).toEqual([before]);
    // Below the threshold now: more spending raises nothing new either.
    await spend(t, "01", "1000");
    expect(await alerts(t)).toEqual([before]);
  });
});

describe("projected overrun alerts", () => {
  it("is raised once a province's pace projects past its estimate, not before a quarter of the year", async () => {
    await seedReference(t);
    await setEstimate(t, "01", 2026, "1000000");
    // 20% of the year gone, 30% spent: projected 1.5, but too early to call.
    t.clock.set("2026-03-13T12:00:00Z"); // 72 days of 365 in: 0.1973
    await spend(t, "01", "300000", 2026);
    expect(await alerts(t)).toEqual([]);

    t.clock.set("2026-07-02T05:00:00Z"); // exactly half the year
    await spend(t, "01", "200000", 2026); // 500,000 at half time: projected 1.0000
    const list = await alerts(t);
    expect(list).toEqual([
      expect.objectContaining({
        kind: "projected_overrun",
        threshold: "1.0000",
        severity: "warning",
        ratioAtRaise: "1.0000",
        spentAtRaise: "500000",
        estimateAtRaise: "1000000",
      }),
    ]);
    await spend(t, "01", "100000", 2026);
    expect(await alerts(t, "?kind=projected_overrun")).toHaveLength(1);
  });
});

describe("alert lifecycle", () => {
  async function oneAlert() {
    await seedReference(t);
    await setEstimate(t, "01", Y, "1000000");
    await spend(t, "01", "900000");
    const [alert] = await alerts(t);
    return alert;
  }

  it("the province acknowledges, then resolves; each step is noted and audited", async () => {
    const alert = await oneAlert();
    const province = await t.key("province", "01");
    const provinceKeyId = (await t.db.prisma.apiKey.findFirstOrThrow({ where: { role: "province" } })).id;

    t.clock.set("2026-02-01T01:00:00Z");
    const ack = await t.json("POST", `/v1/alerts/${alert.id}/acknowledge`, {
      key: province,
      body: { note: "  Working with the department of health  " },
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      id: alert.id,
      status: "acknowledged",
      acknowledgedAt: "2026-02-01T01:00:00.000Z",
      resolvedAt: null,
    });
    expect(ack.body.notes).toEqual([
      {
        action: "acknowledge",
        note: "Working with the department of health",
        at: "2026-02-01T01:00:00.000Z",
        keyId: provinceKeyId,
      },
    ]);
    // Acknowledged alerts stay live.
    expect((await t.db.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).liveKey).not.toBeNull();

    t.clock.set("2026-02-03T01:00:00Z");
    const res = await t.json("POST", `/v1/alerts/${alert.id}/resolve`, {
      body: { note: "estimate raised by decision 12/QĐ" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "resolved",
      acknowledgedAt: "2026-02-01T01:00:00.000Z",
      resolvedAt: "2026-02-03T01:00:00.000Z",
    });
    expect(res.body.notes.map((n: any) => n.action)).toEqual(["acknowledge", "resolve"]);
    expect((await alerts(t))[0]).toEqual(res.body);

    const audits = await t.db.prisma.auditLog.findMany({
      where: { entity: "alert", entityId: alert.id },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => [a.action, a.actorKeyId === provinceKeyId])).toEqual([
      ["alert.acknowledge", true],
      ["alert.resolve", false],
    ]);
    expect(audits[1]!.before).toEqual({ status: "acknowledged" });
    expect(audits[1]!.after).toMatchObject({ status: "resolved" });
  });

  it("a step out of order is 409 alert_state and changes nothing", async () => {
    const alert = await oneAlert();
    expect((await t.json("POST", `/v1/alerts/${alert.id}/acknowledge`, { body: { note: "a" } })).status).toBe(200);
    const twice = await t.json("POST", `/v1/alerts/${alert.id}/acknowledge`, { body: { note: "b" } });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("alert_state");
    expect((await t.json("POST", `/v1/alerts/${alert.id}/resolve`, { body: { note: "c" } })).status).toBe(200);
    for (const step of ["resolve", "acknowledge"]) {
      const res = await t.json("POST", `/v1/alerts/${alert.id}/${step}`, { body: { note: "d" } });
      expect(res.status, step).toBe(409);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.code).toBe("alert_state");
    }
    const [now] = await alerts(t);
    expect(now.notes.map((n: any) => n.note)).toEqual(["a", "c"]);
    expect(await t.db.prisma.auditLog.count({ where: { entity: "alert" } })).toBe(2);
  });

  it("an open alert can be resolved without acknowledging it first", async () => {
    const alert = await oneAlert();
    const res = await t.json("POST", `/v1/alerts/${alert.id}/resolve`, { body: { note: "done" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "resolved", acknowledgedAt: null });
  });

  it("another province's key gets 404, a facility key 403, an unknown id 404", async () => {
    const alert = await oneAlert();
    const other = await t.key("province", "79");
    const facility = await t.key("facility", "01001");
    for (const step of ["acknowledge", "resolve"]) {
      expect((await t.json("POST", `/v1/alerts/${alert.id}/${step}`, { key: other, body: { note: "x" } })).status).toBe(
        404,
      );
      expect(
        (await t.json("POST", `/v1/alerts/${alert.id}/${step}`, { key: facility, body: { note: "x" } })).status,
      ).toBe(403);
      expect(
        (await t.json("POST", `/v1/alerts/7b0e5d0a-0000-4000-8000-000000000000/${step}`, { body: { note: "x" } }))
          .status,
      ).toBe(404);
      expect((await t.json("POST", `/v1/alerts/not-a-uuid/${step}`, { body: { note: "x" } })).status).toBe(404);
    }
    expect((await alerts(t))[0]).toMatchObject({ status: "open", notes: [] });
  });

  it("a note is required", async () => {
    const alert = await oneAlert();
    for (const body of [{}, { note: "  " }, { note: "x", extra: 1 }]) {
      const res = await t.json("POST", `/v1/alerts/${alert.id}/acknowledge`, { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0].path).toBe(Object.keys(body).includes("extra") ? "extra" : "note");
    }
  });
});

describe("listing alerts", () => {
  async function scenario() {
    await seedReference(t);
    await t.json("PUT", "/v1/provinces/48", { body: { name: "Đà Nẵng" } });
    await t.json("PUT", "/v1/facilities/48001", { body: { name: "Bệnh viện Đà Nẵng" } });
    for (const [p, y, minutes] of [
      ["01", 2024, 1],
      ["01", 2025, 2],
      ["79", 2025, 3],
      ["48", 2025, 4],
      ["79", 2024, 5],
    ] as const) {
      t.clock.set(new Date(Date.UTC(2026, 0, 10, 0, minutes)));
      await setEstimate(t, p, y, "1000");
      await spend(t, p, "900", y);
    }
  }

  it("central sees every alert newest first; filters narrow by province, year, status and kind", async () => {
    await scenario();
    const all = await alerts(t);
    expect(all.map((a) => `${a.provinceCode}/${a.year}`)).toEqual([
      "79/2024",
      "48/2025",
      "79/2025",
      "01/2025",
      "01/2024",
    ]);
    expect((await alerts(t, "?province=79")).map((a) => a.year)).toEqual([2024, 2025]);
    expect((await alerts(t, "?year=2024")).map((a) => a.provinceCode)).toEqual(["79", "01"]);
    expect((await alerts(t, "?province=79&year=2025")).map((a) => a.id)).toEqual([all[2].id]);
    await t.json("POST", `/v1/alerts/${all[1].id}/acknowledge`, { body: { note: "x" } });
    expect((await alerts(t, "?status=acknowledged")).map((a) => a.id)).toEqual([all[1].id]);
    expect(await alerts(t, "?status=open")).toHaveLength(4);
    expect(await alerts(t, "?kind=usage_threshold")).toHaveLength(5);
    expect(await alerts(t, "?kind=stuck_backlog")).toEqual([]);
  });

  it("a province key sees only its own province, whatever it asks for; a facility key is refused", async () => {
    await scenario();
    const key = await t.key("province", "79");
    expect((await alerts(t, "", key)).map((a) => `${a.provinceCode}/${a.year}`)).toEqual(["79/2024", "79/2025"]);
    expect(await alerts(t, "?province=01", key)).toEqual([]);
    expect((await t.json("GET", "/v1/alerts", { key: await t.key("facility", "79001") })).status).toBe(403);
  });

  it("pages through every alert exactly once, also when alerts share a raise time", async () => {
    await scenario();
    // Three more raised in the same instant (one batch, three provinces).
    t.clock.set("2026-01-11T00:00:00Z");
    for (const p of ["01", "79", "48"]) await setEstimate(t, p, 2023, "1000");
    await addSpending(
      t,
      ["01", "79", "48"].map((p) => ({ provinceCode: p, year: 2023, facilityCode: `${p}001`, spent: "999" })),
    );
    const all = await alerts(t, "?limit=500");
    expect(all).toHaveLength(8);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.json("GET", `/v1/alerts?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.data.map((a: any) => a.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all.map((a) => a.id));
  });

  it("refuses a bad limit, status or cursor with 422 naming the field", async () => {
    for (const [query, path] of [
      ["?limit=0", "limit"],
      ["?limit=501", "limit"],
      ["?status=closed", "status"],
      ["?kind=x", "kind"],
      ["?year=20x", "year"],
      ["?cursor=bm90LWEtY3Vyc29y", "cursor"],
      ["?cursor=WyJ4IiwieSJd", "cursor"],
    ]) {
      const res = await t.json("GET", `/v1/alerts${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.errors[0].path, query).toBe(path);
    }
  });
});
