import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.ts";
import { claim } from "../support/claims.ts";
import { type App, api as callApi, ARTIFACTS, startE2e } from "../support/e2e-server.ts";

const CENTRAL = "e2e-central-key-0123456789";

let base: string;
let browser: Browser;
let close: (() => Promise<void>) | undefined;
let reviewerKey: string;

const api = (app: App, method: string, path: string, body?: unknown, key = CENTRAL) =>
  callApi(app, key, method, path, body);

beforeAll(async () => {
  ({ base, browser, close } = await startE2e(new ManualClock(new Date("2026-06-15T03:00:00Z")), CENTRAL, story));
}, 120_000);

afterAll(() => close?.());

async function story(app: App) {
  // First, the national agency sets up two provinces; Hà Nội has spent 90% of a small estimate.
  await api(app, "PUT", "/v1/provinces/01", { name: "Hà Nội" });
  await api(app, "PUT", "/v1/provinces/79", { name: "Hồ Chí Minh" });
  await api(app, "PUT", "/v1/facilities/01001", { name: "Bệnh viện Bạch Mai" });
  await api(app, "PUT", "/v1/facilities/79001", { name: "Bệnh viện Chợ Rẫy" });
  await api(app, "PUT", "/v1/provinces/01/estimates/2026", { amount: "1000000" });
  await api(app, "PUT", "/v1/provinces/79/estimates/2026", { amount: "100000000" });
  const bachMai = (await api(app, "POST", "/v1/keys", { role: "facility", scope: "01001", name: "BM" })).key;
  const choRay = (await api(app, "POST", "/v1/keys", { role: "facility", scope: "79001", name: "CR" })).key;
  const many = (n: number, amount: string) =>
    Array.from({ length: n }, (_, i) =>
      claim(
        {
          claimId: `E${i}`,
          patient: { cardNumber: `DN401${String(5000000000 + i)}` },
          amounts: { total: amount, insurance: amount, patient: "0" },
        },
        i,
      ),
    );
  // Bạch Mai's claims carry their lines: paracetamol 200,000 and a cannula 100,000 each.
  const lines = [
    { kind: "drug", itemCode: "40.17", name: "Paracetamol", costGroup: "4", quantity: "100", unitPrice: "2000" },
    { kind: "supply", itemCode: "N03.05.070", name: "Kim luồn", costGroup: "10", quantity: "2", unitPrice: "50000" },
  ].map((line) => {
    const amount = String(Number(line.quantity) * Number(line.unitPrice));
    return { ...line, amount, insurance: amount };
  });
  const lined = many(3, "300000").map((one) => ({ ...one, lines }));
  await api(app, "POST", "/v1/batches", { batchId: "e2e", claims: lined }, bachMai);
  await api(app, "POST", "/v1/batches", { batchId: "e2e", claims: many(2, "250000") }, choRay);
  // A claim that waits for its discharge paper, so the backlog has something once marked.
  reviewerKey = (await api(app, "POST", "/v1/keys", { role: "province", scope: "01", name: "Sở Y tế Hà Nội" })).key;
}

async function signIn(page: Page, key: string) {
  await page.goto(`${base}/dashboard`);
  await expect(page.url()).toContain("/dashboard/login");
  await page.getByLabel("Khóa API").fill(key);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${base}/dashboard`);
}

describe("the reviewers' dashboard in a real browser", () => {
  it(
    "a provincial reviewer signs in, sees their province over 85%, acknowledges and resolves its alert, and cannot " +
      "open another province",
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();

      // First, the reviewer of Hà Nội signs in with their key.
      await signIn(page, reviewerKey);
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === "bhyt_session")!;
      expect(session).toMatchObject({ httpOnly: true, sameSite: "Strict" });

      // Second, the overview shows only Hà Nội, highlighted as over the threshold, amounts the Vietnamese way.
      const row = page.locator("tr[data-province='01']");
      await expect(await row.getAttribute("class")).toContain("over");
      expect(await row.textContent()).toContain("900.000 đ");
      expect(await row.textContent()).toContain("90,00%");
      expect(await page.locator("tr[data-province='79']").count()).toBe(0);
      expect(await page.locator("svg.chart .threshold").count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}/overview-1280.png`, fullPage: true });

      // Third, on the province page the open alert can be acknowledged, then resolved, each with a note.
      await page
        .getByRole("link", { name: /01 Hà Nội/ })
        .first()
        .click();
      await page.waitForURL(/\/dashboard\/provinces\/01/);
      // It has two open alerts: the 85% threshold, and a projected overrun (90% spent by mid-June).
      expect(await page.locator("tr[data-alert]").count()).toBe(2);
      const alert = page.locator("tr[data-alert]", { hasText: "Vượt ngưỡng sử dụng" });
      expect(await alert.count()).toBe(1);
      await alert.getByLabel("Ghi chú").fill("Đã họp với Sở Y tế");
      await alert.getByRole("button", { name: "Xác nhận đã biết" }).click();
      await page.waitForLoadState("load");
      expect(await alert.textContent()).toContain("Đã xác nhận");
      await page.screenshot({ path: `${ARTIFACTS}/province-1280.png`, fullPage: true });
      await alert.getByLabel("Ghi chú").fill("Đã kiểm soát chi phí");
      await alert.getByRole("button", { name: "Đóng cảnh báo" }).click();
      await page.waitForLoadState("load");
      expect(await alert.count()).toBe(0);
      expect(await page.locator("tr[data-alert]").count()).toBe(1);

      // The alert's history is what the API reports too.
      await page.goto(`${base}/dashboard/alerts?status=resolved`);
      expect(await page.locator("tr[data-alert]").textContent()).toContain("Đã kiểm soát chi phí");

      // The province page projects the year end: received, not yet received, rest of the year, against the estimate.
      await page.goto(`${base}/dashboard/provinces/01?year=2026`);
      expect(await page.locator("#projection svg.chart > rect").count()).toBe(3);
      expect(await page.locator("#projection figcaption").textContent()).toContain("Đã nhận: 900.000 đ");

      // The inspection reports are tables sorted by any column, without JavaScript.
      await page.goto(`${base}/dashboard/reports/late?year=2026`);
      expect(await page.locator("tbody tr").count()).toBe(1);
      await page.getByRole("link", { name: "Số hồ sơ", exact: true }).click();
      expect(page.url()).toContain("sort=claims");
      expect(await page.locator("th[aria-sort='descending']").textContent()).toContain("Số hồ sơ");
      await page.goto(`${base}/dashboard/reports/outliers?year=2026`);
      expect(await page.locator("tbody tr").first().textContent()).toContain("01001");
      await page.screenshot({ path: `${ARTIFACTS}/outliers-1280.png`, fullPage: true });

      // Fourth, another province's page is refused like an unknown one.
      const refused = await page.goto(`${base}/dashboard/provinces/79`);
      expect(refused!.status()).toBe(404);

      // Last, the same pages work on a 390 px phone screen, in English on request.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${base}/dashboard?lang=en`);
      expect(await page.locator("h1").textContent()).toContain("Overview");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ARTIFACTS}/overview-390-en.png`, fullPage: true });

      // Signing out ends the session.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/dashboard\/login/);
      await page.goto(`${base}/dashboard`);
      expect(page.url()).toContain("/dashboard/login");
      await context.close();
    },
  );

  it("a reviewer sees what the money went on, follows the top drugs to the items view, sorts it and takes a CSV", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, reviewerKey);
    await page.goto(`${base}/dashboard/provinces/01?year=2026`);
    // The chart: drugs 600,000 and supplies 300,000, nothing last year.
    const costs = page.locator("#costs");
    expect(await costs.locator("svg.chart g[data-category]").count()).toBe(2);
    expect(await costs.locator("svg.chart g[data-category='drugs']").textContent()).toContain("600.000 đ");
    expect(await costs.locator("tr[data-item='40.17']").first().textContent()).toContain("Paracetamol");
    await page.screenshot({ path: `${ARTIFACTS}/province-costs-1280.png`, fullPage: true });

    await costs.getByRole("link", { name: "Xem tất cả" }).first().click();
    await page.waitForURL(/\/dashboard\/items\?province=01&kind=drug/);
    expect(await page.locator("tr[data-item]").count()).toBe(1);
    expect(await page.locator("tr[data-item='40.17']").textContent()).toContain("2.000 đ");
    await page.getByRole("link", { name: "Số lượng" }).click();
    expect(page.url()).toContain("sort=quantity");

    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Tải CSV" }).click();
    const file = await download;
    const text = await readFile((await file.path())!, "utf8");
    expect(text.startsWith("\uFEFFLoại,Mã,Tên")).toBe(true);
    expect(text).toContain("\r\nThuốc,40.17,Paracetamol,600000,600000,300,3,1,2000,");

    // The facility's own page, from the province's top facilities.
    await page.goto(`${base}/dashboard/provinces/01?year=2026`);
    await page.getByRole("link", { name: /01001 Bệnh viện Bạch Mai/ }).click();
    await page.waitForURL(/\/dashboard\/facilities\/01001/);
    expect(await page.locator("#costs tr[data-item='N03.05.070']").count()).toBe(1);
    await context.close();
  });

  it("a form posted without its CSRF token is refused and changes nothing", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, CENTRAL);
    const status = await page.evaluate(async (url) => {
      const res = await fetch(`${url}/dashboard/logout`, {
        method: "POST",
        body: new URLSearchParams({ _csrf: "forged" }),
      });
      return res.status;
    }, base);
    expect(status).toBe(403);
    await page.goto(`${base}/dashboard`);
    expect(page.url()).toBe(`${base}/dashboard`);
    // National staff see every province, the ones over 85% first.
    const provinces = await page
      .locator("tbody tr[data-province]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-province")));
    expect(provinces).toEqual(["01", "79"]);
    await context.close();
  });

  it("the API reference renders every operation from this server alone: nothing is asked of another host", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const elsewhere: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(base)) elsewhere.push(request.url());
    });
    await page.goto(`${base}/docs`);
    await page.locator(".opblock").first().waitFor({ timeout: 30_000 });
    expect(await page.locator(".opblock").count()).toBeGreaterThan(30);
    expect(await page.getByText("/v1/batches", { exact: true }).count()).toBeGreaterThan(0);
    expect(elsewhere).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/api-reference.png` });
    await context.close();
  });

  it("a wrong key is refused at sign-in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/dashboard/login`);
    await page.getByLabel("Khóa API").fill("bhyt_wrong");
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    expect(await page.getByRole("alert").textContent()).toContain("Khóa không hợp lệ");
    await context.close();
  });
});
