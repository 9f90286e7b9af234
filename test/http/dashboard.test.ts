import { describe, expect, it } from "vitest";
import { DASHBOARD_ROUTES } from "../support/access-matrix.ts";
import { xlsxText } from "../support/xlsx.ts";
import { claim } from "../support/claims.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";

const t = useTestApp();

/** Signs in through the form and returns the session cookie. */
async function signIn(ctx: TestContext, key: string): Promise<string> {
  const res = await ctx.app.request("/dashboard/login", { method: "POST", body: new URLSearchParams({ key }) });
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  return cookie.split(";")[0]!;
}

const page = (ctx: TestContext, path: string, cookie: string) => ctx.app.request(path, { headers: { cookie } });

async function story(ctx: TestContext) {
  await seedReference(ctx);
  await ctx.json("PUT", "/v1/provinces/01/estimates/2026", { body: { amount: "1000000" } });
  const facility = await ctx.key("facility", "01001");
  await ctx.json("POST", "/v1/batches", {
    key: facility,
    body: { batchId: "d", claims: [claim({ amounts: { total: "900000", insurance: "900000", patient: "0" } })] },
  });
  return { facility, hanoi: await ctx.key("province", "01"), hcmc: await ctx.key("province", "79") };
}

describe("dashboard pages", () => {
  it("lists exactly the pages registered, so a new page must be added to the scope review", () => {
    const registered = t.app.routes
      .filter((r) => r.method !== "ALL" && (r.path === "/" || r.path.startsWith("/dashboard")))
      .map((r) => `${r.method} ${r.path}`);
    expect([...new Set(registered)].sort()).toEqual([...DASHBOARD_ROUTES].sort());
  });

  it("without a session every page sends the browser to sign in", async () => {
    for (const path of [
      "/dashboard",
      "/dashboard/alerts",
      "/dashboard/provinces/01",
      "/dashboard/provinces/01/costs.csv",
      "/dashboard/facilities/01001",
      "/dashboard/facilities/01001/costs.csv",
      "/dashboard/items",
      "/dashboard/items.csv",
    ]) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe("/dashboard/login");
    }
    expect((await t.app.request("/")).headers.get("location")).toBe("/dashboard");
    const login = await t.app.request("/dashboard/login");
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('<label for="key">');
  });

  it("a province reviewer sees their own province only, and another province's page is 404", async () => {
    const k = await story(t);
    const cookie = await signIn(t, k.hanoi);
    const overview = await (await page(t, "/dashboard?year=2026", cookie)).text();
    expect(overview).toContain('data-province="01"');
    expect(overview).not.toContain('data-province="79"');
    expect(overview).toContain("900.000 đ");
    expect((await page(t, "/dashboard/provinces/01?year=2026", cookie)).status).toBe(200);
    expect((await page(t, "/dashboard/provinces/79?year=2026", cookie)).status).toBe(404);
    const alerts = await (await page(t, "/dashboard/alerts?province=79", cookie)).text();
    expect(alerts).not.toContain("data-alert=");
  });

  it("shows what a province's and a facility's money went on, against last year, with the top items and each table as CSV", async () => {
    await seedReference(t);
    const facility = await t.key("facility", "01001");
    const line = (kind: string, itemCode: string, costGroup: string, amount: string) => ({
      kind,
      itemCode,
      name: `${itemCode} name`,
      costGroup,
      quantity: "2",
      unitPrice: String(Number(amount) / 2),
      amount,
      insurance: amount,
    });
    const lined = (n: number, day: string, lines: ReturnType<typeof line>[]) => {
      const total = lines.reduce((sum, l) => sum + Number(l.amount), 0).toFixed(2);
      return claim(
        {
          claimId: `L${n}`,
          admittedAt: `${day}T08:00:00+07:00`,
          dischargedAt: `${day}T11:00:00+07:00`,
          amounts: { total, insurance: total, patient: "0", other: "0" },
          lines,
        },
        n,
      );
    };
    // Drugs 600,000 this year against 200,000 in the same months last year (+200%); a cannula 90,000, new.
    const sent = await t.json("POST", "/v1/batches", {
      key: facility,
      body: {
        batchId: "lines",
        claims: [
          lined(1, "2025-03-10", [line("drug", "40.17", "4", "200000")]),
          lined(2, "2026-03-10", [line("drug", "40.17", "4", "600000"), line("supply", "N03.05.070", "10", "90000")]),
        ],
      },
    });
    expect(sent.body.rejected).toBe(0);
    const cookie = await signIn(t, await t.key("province", "01"));

    const province = await (await page(t, "/dashboard/provinces/01?year=2026", cookie)).text();
    expect(province).toContain('data-category="drugs"');
    expect(province).toContain("600.000 đ (+200,00%)");
    expect(province).toContain('data-item="40.17"');
    expect(province).toContain('href="/dashboard/items?province=01&amp;kind=drug&amp;year=2026"');
    expect(province).toContain('href="/dashboard/facilities/01001?year=2026"');
    const facilityPage = await (await page(t, "/dashboard/facilities/01001?year=2026&lang=en", cookie)).text();
    expect(facilityPage).toContain("Top supplies");
    expect(facilityPage).toContain('data-item="N03.05.070"');
    expect((await page(t, "/dashboard/facilities/79001?year=2026", cookie)).status).toBe(404);

    const items = await (await page(t, "/dashboard/items?province=01&kind=drug&year=2026&sort=growth", cookie)).text();
    expect(items).toContain('data-item="40.17"');
    expect(items).not.toContain('data-item="N03.05.070"');
    expect((await page(t, "/dashboard/items?province=79", cookie)).status).toBe(404);

    const costsCsv = await page(t, "/dashboard/provinces/01/costs.csv?year=2026", cookie);
    expect(costsCsv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect((await costsCsv.text()).split("\r\n").slice(0, 3)).toEqual([
      "Mã nhóm,Nhóm chi phí,Loại chi phí,Chi phí BHYT,Tỷ trọng,Cùng kỳ năm trước,Thay đổi",
      "4,Thuốc,Thuốc,600000,0.8696,200000,2.0000",
      "10,Vật tư y tế,Vật tư y tế,90000,0.1304,0,",
    ]);
    const itemsCsv = await (await page(t, "/dashboard/items.csv?province=01&year=2026", cookie)).text();
    expect(itemsCsv).toContain("\r\nVật tư y tế,N03.05.070,N03.05.070 name,90000,90000,2,1,1,45000,");
    // The same table as an Excel workbook: a zip whose sheet holds the same header.
    const costsXlsx = await page(t, "/dashboard/provinces/01/costs.xlsx?year=2026", cookie);
    expect(costsXlsx.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const sheet = await xlsxText(await costsXlsx.arrayBuffer());
    expect(sheet).toContain("Nhóm chi phí");
    expect(sheet).toContain("600000");
    expect((await page(t, "/dashboard/provinces/79/costs.xlsx?year=2026", cookie)).status).toBe(404);
    expect((await page(t, "/dashboard/provinces/79/costs.csv?year=2026", cookie)).status).toBe(404);
  });

  it("the outlier page explains what it compares in the reader's language", async () => {
    const k = await story(t);
    const cookie = await signIn(t, k.hanoi);
    const vi = await (await page(t, "/dashboard/reports/outliers?year=2026", cookie)).text();
    expect(vi).toContain("Chi BHYT đề nghị bình quân mỗi hồ sơ");
    expect(vi).not.toContain("mean claimed insurance amount");
    const en = await (await page(t, "/dashboard/reports/outliers?year=2026&lang=en", cookie)).text();
    expect(en).toContain("mean claimed insurance amount per claim");
  });

  it("a facility key sees its own workplace and no reviewer page; a revoked key's session ends; a tampered cookie is no session", async () => {
    const k = await story(t);
    const facilityCookie = await signIn(t, k.facility);
    const workplace = await page(t, "/dashboard", facilityCookie);
    expect(workplace.status).toBe(200);
    expect(await workplace.text()).toContain('href="/dashboard/batches"');
    const refused = await page(t, "/dashboard/provinces/01?year=2026", facilityCookie);
    expect(refused.status).toBe(403);
    const refusedPage = await refused.text();
    expect(refusedPage).toContain("Trang này không thuộc phạm vi");
    // Its way back leads to its workplace, not to the page that refused it.
    expect(refusedPage).toContain('<a href="/dashboard">');

    const cookie = await signIn(t, k.hanoi);
    const tampered = cookie.replace(/=([^.]+)/, "=x$1");
    expect((await page(t, "/dashboard", tampered)).status).toBe(303);
    const keys = await t.json("GET", "/v1/keys");
    const id = keys.body.data.find(
      (x: { scope: string; role: string }) => x.role === "province" && x.scope === "01",
    ).id;
    await t.call("DELETE", `/v1/keys/${id}`);
    expect((await page(t, "/dashboard", cookie)).status).toBe(303);
  });

  it("acknowledging through a form needs the CSRF token; with it, the alert moves and the audit log records it", async () => {
    const k = await story(t);
    const cookie = await signIn(t, k.hanoi);
    const html = await (await page(t, "/dashboard/provinces/01?year=2026", cookie)).text();
    const id = /data-alert="([0-9a-f-]{36})"/.exec(html)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const post = (fields: Record<string, string>) =>
      t.app.request(`/dashboard/alerts/${id}/transition`, {
        method: "POST",
        headers: { cookie },
        body: new URLSearchParams(fields),
      });

    expect((await post({ action: "acknowledge", note: "x", _csrf: "forged" })).status).toBe(403);
    expect(
      (await t.json("GET", `/v1/alerts?province=01`)).body.data.every((a: { status: string }) => a.status === "open"),
    ).toBe(true);

    const done = await post({ action: "acknowledge", note: "Đã họp", _csrf: csrf, back: "https://evil.example/" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/dashboard?done=acknowledge");
    const alert = (await t.json("GET", "/v1/alerts?province=01")).body.data.find((a: { id: string }) => a.id === id);
    expect(alert).toMatchObject({ status: "acknowledged", notes: [expect.objectContaining({ note: "Đã họp" })] });
    expect(await t.db.prisma.auditLog.count({ where: { entityId: id } })).toBe(1);

    // Another province's reviewer cannot act on it even with their own valid form token.
    const other = await signIn(t, k.hcmc);
    const otherHtml = await (await page(t, "/dashboard", other)).text();
    const otherCsrf = /name="_csrf" value="([^"]+)"/.exec(otherHtml)![1]!;
    const refused = await t.app.request(`/dashboard/alerts/${id}/transition`, {
      method: "POST",
      headers: { cookie: other },
      body: new URLSearchParams({ action: "resolve", note: "x", _csrf: otherCsrf }),
    });
    expect(refused.status).toBe(404);
  });
});
