import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.ts";
import { claim } from "../support/claims.ts";
import { type App, api as callApi, ARTIFACTS, startE2e } from "../support/e2e-server.ts";
import { xlsxText } from "../support/xlsx.ts";

const CENTRAL = "e2e-workplaces-central-0123456789";
const AXE = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let base: string;
let browser: Browser;
let close: (() => Promise<void>) | undefined;
const keys = { reviewer: "", hospital: "" };

const api = (app: App, method: string, path: string, body?: unknown, key = CENTRAL) =>
  callApi(app, key, method, path, body);

/** An inpatient stay of early May, waiting for its discharge paper. */
const inpatient = (claimId: string, n: number) =>
  claim(
    {
      claimId,
      visitType: "inpatient",
      admittedAt: "2026-05-01T08:00:00+07:00",
      dischargedAt: "2026-05-05T10:00:00+07:00",
      patient: { cardNumber: `DN401${String(3000000000 + n)}` },
      amounts: { total: "300000", insurance: "300000", patient: "0" },
    },
    n,
  );

/** A drug line: `quantity` at `unitPrice`, paid whole by the fund. */
const drug = (itemCode: string, quantity: number, unitPrice: number) => ({
  kind: "drug",
  itemCode,
  name: `Thuốc ${itemCode}`,
  costGroup: "4",
  quantity,
  unitPrice,
  amount: quantity * unitPrice,
  insurance: quantity * unitPrice,
});

/**
 * An outpatient visit whose drugs break Bạch Mai's list (ITEM-A approved at 4,000): ITEM-A 10 × 5,000 cuts
 * 50,000 × 1,000 / 5,000 = 10,000, ITEM-X (not listed) 10,000 whole: 20,000 cut, 40,000 proposed of 60,000.
 */
const withFindings = claim(
  {
    claimId: "W-FIND",
    admittedAt: "2026-05-09T08:00:00+07:00",
    dischargedAt: "2026-05-09T11:00:00+07:00",
    patient: { cardNumber: "DN4013000000008" },
    amounts: { total: "60000", insurance: "60000", patient: "0", other: "0" },
    lines: [drug("ITEM-A", 10, 5000), drug("ITEM-X", 1, 10000)],
  },
  8,
);

/**
 * Hà Nội (estimate 1,000,000) and Bạch Mai: in May, a batch of an outpatient visit, two inpatient stays still
 * missing their discharge papers and a claim with a bad card number, and one more visit automated assessment cuts
 * (Bạch Mai's drug list loaded first); by mid-June the two stays are stuck.
 */
async function story(app: App, clock: ManualClock) {
  await api(app, "PUT", "/v1/provinces/01", { name: "Hà Nội" });
  await api(app, "PUT", "/v1/provinces/79", { name: "Hồ Chí Minh" });
  await api(app, "PUT", "/v1/facilities/01001", { name: "Bệnh viện Bạch Mai" });
  await api(app, "PUT", "/v1/facilities/01002", { name: "Bệnh viện Việt Đức" });
  await api(app, "PUT", "/v1/provinces/01/estimates/2026", { amount: "1000000" });
  await api(app, "PUT", "/v1/provinces/79/estimates/2026", { amount: "50000000" });
  keys.hospital = (await api(app, "POST", "/v1/keys", { role: "facility", scope: "01001", name: "CNTT Bạch Mai" })).key;
  keys.reviewer = (await api(app, "POST", "/v1/keys", { role: "province", scope: "01", name: "Giám định Hà Nội" })).key;
  const outpatient = claim(
    {
      claimId: "W-OUT",
      admittedAt: "2026-05-08T08:00:00+07:00",
      dischargedAt: "2026-05-08T11:00:00+07:00",
      amounts: { total: "300000", insurance: "300000", patient: "0" },
    },
    1,
  );
  const bad = claim({ claimId: "W-BAD", patient: { cardNumber: "XX" } }, 9);
  const claims = [outpatient, inpatient("W-STAY1", 2), inpatient("W-STAY2", 3), bad];
  const drugs = await app.request("/v1/facilities/01001/catalogues/drugs", {
    method: "PUT",
    headers: { authorization: `Bearer ${CENTRAL}`, "content-type": "text/csv" },
    body: "MA_THUOC,TEN_THUOC,DON_GIA_BH,TU_NGAY,DEN_NGAY\nITEM-A,Thuốc ITEM-A,4000,20250101,\n",
  });
  if (drugs.status !== 201) throw new Error(`catalogue: ${drugs.status} ${await drugs.text()}`);
  await api(app, "POST", "/v1/batches", { batchId: "thang-5", claims }, keys.hospital);
  await api(app, "POST", "/v1/batches", { batchId: "thang-5-thuoc", claims: [withFindings] }, keys.hospital);
  clock.set("2026-06-15T03:00:00Z");
  await api(app, "POST", "/v1/jobs/mark-stuck");
}

beforeAll(async () => {
  const clock = new ManualClock(new Date("2026-05-10T03:00:00Z"));
  ({ base, browser, close } = await startE2e(clock, CENTRAL, (app) => story(app, clock)));
}, 120_000);

afterAll(() => close?.());

/** A browser session signed in with `key`; axe-core is injected later, so the pages' CSP is bypassed. */
async function signedIn(key: string, width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    acceptDownloads: true,
    bypassCSP: true,
  });
  const page = await context.newPage();
  await page.goto(`${base}/dashboard/login`);
  await page.getByLabel("Khóa API").fill(key);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${base}/dashboard`);
  return { context, page };
}

/** Posts the form `button` is in and waits for the page it leads to. */
async function submit(page: Page, button: ReturnType<Page["getByRole"]>) {
  await Promise.all([page.waitForEvent("load"), button.click()]);
}

describe("the reviewer's workplace", () => {
  it("goes from the backlog to the stuck claims, refuses a decision without a reason keeping what was typed, then denies and approves", async () => {
    const { context, page } = await signedIn(keys.reviewer);
    await page.goto(`${base}/dashboard/provinces/01?year=2026`);

    // First, the backlog names the facility and the missing document; each row opens the matching claims.
    expect(await page.locator("tr[data-facility='01001']").textContent()).toContain("Bệnh viện Bạch Mai");
    await page.locator("tr[data-document='discharge_paper']").getByRole("link", { name: "Giấy ra viện" }).click();
    await page.waitForURL(/\/dashboard\/claims\?.*missingDocument=discharge_paper/);
    const listed = await page.locator("tr[data-claim]").evaluateAll((rows) => rows.map((row) => row.dataset.claim));
    expect(listed.sort()).toEqual(["W-STAY1", "W-STAY2"]);
    expect(await page.locator("select#missingDocument").inputValue()).toBe("discharge_paper");
    await page.screenshot({ path: `${ARTIFACTS}/reviewer-claims-1280.png`, fullPage: true });

    // Second, a claim missing a document can only be denied; without a reason the page says so and nothing moves.
    await page.getByRole("link", { name: "W-STAY1" }).click();
    await page.waitForURL(/\/dashboard\/claims\/01001\/W-STAY1/);
    expect(await page.locator("#approvedAmount").isDisabled()).toBe(true);
    await page.locator("#reason").fill("   ");
    await submit(page, page.getByRole("button", { name: "Từ chối thanh toán" }));
    expect(await page.getByRole("alert").textContent()).toContain("Hãy ghi lý do");
    await page.locator("#reason").fill("Không có giấy ra viện sau 30 ngày");
    await submit(page, page.getByRole("button", { name: "Từ chối thanh toán" }));
    expect(await page.getByRole("status").textContent()).toContain("Đã ghi nhận quyết định");
    expect(await page.locator("dl.facts").textContent()).toContain("Từ chối thanh toán");
    expect(await page.locator("ul.history").textContent()).toContain("bởi Giám định Hà Nội");

    // Third, an approval above the claimed amount is refused beside the form, the reason kept; a lower one is taken.
    await page.goto(`${base}/dashboard/claims?status=accepted`);
    await page.getByRole("link", { name: "W-OUT" }).click();
    await page.locator("#approvedAmount").fill("999.999.999");
    await page.locator("#reason").fill("Đúng quy định");
    await submit(page, page.getByRole("button", { name: "Duyệt thanh toán" }));
    expect(await page.getByRole("alert").textContent()).toContain("300.000 đ");
    expect(await page.locator("#reason").inputValue()).toBe("Đúng quy định");
    expect(await page.locator("#approvedAmount").inputValue()).toBe("999.999.999");
    await page.locator("#approvedAmount").fill("250.000");
    await submit(page, page.getByRole("button", { name: "Duyệt thanh toán" }));
    expect(await page.locator("dl.facts").textContent()).toContain("250.000 đ");
    await page.screenshot({ path: `${ARTIFACTS}/reviewer-claim-decided-1280.png`, fullPage: true });
    const decided = await fetch(`${base}/v1/claims/01001/W-OUT`, { headers: { authorization: `Bearer ${CENTRAL}` } });
    expect((await decided.json()).amounts.approved).toBe("250000");
    await context.close();
  });
});

describe("automated assessment", () => {
  it("goes from the province's cuts to the facility's claims with findings, to the line a finding is on, and approves what was proposed", async () => {
    const { context, page } = await signedIn(keys.reviewer);
    await page.goto(`${base}/dashboard/provinces/01?year=2026`);

    // First, the province's proposed cuts by rule and by facility; the facility's row opens its claims with findings.
    expect(await page.locator("tr[data-rule='NOT_IN_APPROVED_LIST']").textContent()).toContain("Xuất toán cả dòng");
    const cutRow = page.locator("tr[data-cut-facility='01001']");
    expect(await cutRow.textContent()).toContain("20.000 đ");
    await cutRow.getByRole("link").click();
    await page.waitForURL(/\/dashboard\/claims\?.*hasFindings=true/);
    expect(await page.locator("select#hasFindings").inputValue()).toBe("true");
    const listed = await page.locator("tr[data-claim]").evaluateAll((rows) => rows.map((row) => row.dataset.claim));
    expect(listed).toEqual(["W-FIND"]);

    // Second, each finding names its rule and links to its line, which the page then marks.
    await page.getByRole("link", { name: "W-FIND" }).click();
    await page.waitForURL(/\/dashboard\/claims\/01001\/W-FIND/);
    const finding = page.locator("tr[data-finding='NOT_IN_APPROVED_LIST']");
    expect(await finding.textContent()).toContain("Không có trong danh mục được phê duyệt");
    await finding.getByRole("link", { name: "Dòng 2" }).click();
    expect(new URL(page.url()).hash).toBe("#line-2");
    expect(await page.locator("tr#line-2:target").count()).toBe(1);
    expect(await page.locator("dl.facts").textContent()).toContain("40.000 đ");
    await page.screenshot({ path: `${ARTIFACTS}/reviewer-findings-1280.png`, fullPage: true });

    // Third, "approve as proposed" approves the 40,000 assessment proposed, whatever amount was typed.
    await page.locator("#approvedAmount").fill("1");
    await page.locator("#reason").fill("Theo kết quả giám định tự động");
    await submit(page, page.getByRole("button", { name: "Duyệt theo đề xuất" }));
    expect(await page.getByRole("status").textContent()).toContain("Đã ghi nhận quyết định");
    const decided = await fetch(`${base}/v1/claims/01001/W-FIND`, { headers: { authorization: `Bearer ${CENTRAL}` } });
    expect((await decided.json()).amounts.approved).toBe("40000");
    await context.close();
  });
});

describe("alerts", () => {
  it("read in words, show today's usage, keep the page on a blank note and confirm each step with its author", async () => {
    const { context, page } = await signedIn(keys.reviewer);
    await page.goto(`${base}/dashboard/alerts`);
    const row = page.locator("tr[data-alert]", { hasText: "Vượt ngưỡng sử dụng" });
    expect(await row.textContent()).toContain("Cao");
    expect(await page.locator("p.counts").textContent()).toMatch(/Chưa xử lý: 3 · Đã xác nhận, chưa đóng: 0/);
    expect(await page.locator("select[name='province'] option").allTextContents()).toEqual(["Tất cả", "01 Hà Nội"]);

    await row.getByLabel("Ghi chú").fill("  ");
    await submit(page, row.getByRole("button", { name: "Xác nhận đã biết" }));
    expect(await row.getByRole("alert").textContent()).toContain("Hãy ghi chú");
    expect(await page.locator("nav[aria-label]").first().isVisible()).toBe(true);

    await row.getByLabel("Ghi chú").fill("Đã họp với Sở Y tế");
    await submit(page, row.getByRole("button", { name: "Xác nhận đã biết" }));
    expect(await page.getByRole("status").textContent()).toContain("Đã xác nhận cảnh báo");
    expect(await row.textContent()).toContain("xác nhận bởi Giám định Hà Nội: Đã họp với Sở Y tế");
    expect(await page.locator("p.counts").textContent()).toMatch(/Chưa xử lý: 2 · Đã xác nhận, chưa đóng: 1/);
    await page.screenshot({ path: `${ARTIFACTS}/alerts-1280.png`, fullPage: true });
    await context.close();
  });
});

describe("the hospital's workplace", () => {
  it("lists its batches and rejections, its claims waiting for documents, and records one", async () => {
    const { context, page } = await signedIn(keys.hospital);
    // It lands on its own workplace: claims waiting for documents, batches with rejected claims.
    expect(await page.locator("h1").textContent()).toBe("Việc cần làm");
    expect(await page.locator("tr[data-claim='W-STAY2']").count()).toBe(1);
    // Its claims with findings to fix, each opening its page.
    expect(await page.locator("h2#findings").textContent()).toBe("Phát hiện cần sửa");
    expect(await page.locator("h2#findings + .table-wrap tr[data-claim]").count()).toBe(1);
    expect(await page.locator("h2#findings + .table-wrap tr[data-claim='W-FIND']").count()).toBe(1);
    await page.locator("tr[data-batch='thang-5']").first().getByRole("link").click();
    await page.waitForURL(/\/dashboard\/batches\/thang-5/);
    const rejection = page.locator("tr[data-rejection]");
    expect(await rejection.textContent()).toContain("W-BAD");
    expect(await rejection.textContent()).toContain("claims[3].patient.cardNumber");
    await page.screenshot({ path: `${ARTIFACTS}/hospital-batch-1280.png`, fullPage: true });

    await page.goto(`${base}/dashboard/claims/01001/W-STAY2`);
    await page.locator("#reference").fill("GRV-2026-0502");
    await submit(page, page.getByRole("button", { name: "Ghi nhận giấy tờ" }));
    expect(await page.getByRole("status").textContent()).toContain("Đã ghi nhận giấy tờ");
    expect(await page.locator("dl.facts").textContent()).toContain("Đã tiếp nhận");

    // A reviewer's page is not the hospital's: the refusal is in Vietnamese and leads back to its workplace.
    const refused = await page.goto(`${base}/dashboard/provinces/01`);
    expect(refused!.status()).toBe(403);
    await page.getByRole("link", { name: "Về trang chính" }).click();
    expect(await page.locator("h1").textContent()).toBe("Việc cần làm");
    await context.close();
  });
});

describe("the analyst's briefing", () => {
  it("has the national total and its time, picks the year, keeps the query across languages and downloads XLSX", async () => {
    const { context, page } = await signedIn(CENTRAL);
    const total = page.locator("tfoot tr[data-province='total']");
    expect(await total.textContent()).toContain("Toàn quốc");
    // Hà Nội's 960,000 less the denied stay, the 50,000 approved below the claim and the 20,000 cut as proposed (the
    // stories above), and HCMC's 0.
    expect(await total.textContent()).toContain("590.000 đ");
    expect(await page.locator("p.as-of").textContent()).toContain("15/06/2026");

    await page.goto(`${base}/dashboard/reports/outliers?year=2026&sort=claims&dir=asc`);
    await page.locator("#only").check();
    await submit(page, page.getByRole("button", { name: "Xem" }));
    expect(page.url()).toContain("only=outliers");
    expect(page.url()).toContain("sort=claims");
    await page.getByRole("link", { name: "English" }).click();
    const switched = new URL(page.url()).searchParams;
    expect(Object.fromEntries(switched)).toMatchObject({ year: "2026", sort: "claims", only: "outliers", lang: "en" });
    expect(await page.locator("h1").textContent()).toContain("Cost outliers");

    const download = page.waitForEvent("download");
    await page.goto(`${base}/dashboard?year=2026`);
    await page.getByRole("link", { name: "Download Excel" }).click();
    const file = await (await download).path();
    const sheet = await xlsxText((await readFile(file!)).buffer as ArrayBuffer);
    expect(sheet).toContain("Estimate used");
    expect(sheet).toContain("590000");
    await context.close();
  });
});

/** Words of the English pages or of raw codes that must not appear on a Vietnamese page. */
const ENGLISH = [
  "Overview",
  "Alerts",
  "Claims",
  "Sign out",
  "Download",
  "outpatient",
  "inpatient",
  "day_treatment",
  "chain_ladder",
  "pending_documentation",
  "accepted",
  "approved",
  "denied",
  "warning",
  "high",
  "critical",
  "central",
  "province",
  "facility",
  "Error",
  "Not found",
  "discharge_paper",
  "usage_threshold",
  "projected_overrun",
  "unspecified",
  "pace",
  "stuck_backlog",
];

/** What every page must be: Vietnamese words only, grouped counts, no axe-core violation. */
async function checkPage(page: Page, path: string) {
  const response = await page.goto(`${base}${path}`);
  expect(response!.status(), path).toBeLessThan(400);
  const text = await page.evaluate(() => document.body.innerText);
  for (const word of ENGLISH) expect(text, `${path}: ${word}`).not.toMatch(new RegExp(`\\b${word}\\b`));
  const numbers = await page.locator("td.num").allTextContents();
  for (const cell of numbers) expect(cell, `${path}: ungrouped ${cell}`).not.toMatch(/\d{4,}/);
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document);
    return result.violations.map(
      (found: any) => `${found.id}: ${found.nodes.map((node: any) => node.target).join(" ")}`,
    );
  });
  expect(violations, path).toEqual([]);
}

const roleOf = (key: string) => (key === CENTRAL ? "central" : key === keys.reviewer ? "reviewer" : "hospital");

describe("every page", () => {
  it("is in Vietnamese, groups its numbers and has no accessibility violation, for every role, wide and on a phone", async () => {
    const pages: Record<string, string[]> = {
      [CENTRAL]: [
        "/dashboard?year=2026",
        "/dashboard/provinces/01?year=2026",
        "/dashboard/facilities/01001?year=2026",
        "/dashboard/items?year=2026",
        "/dashboard/alerts",
        "/dashboard/claims",
        "/dashboard/claims/01001/W-STAY1",
        "/dashboard/claims?hasFindings=true",
        "/dashboard/claims/01001/W-FIND",
        "/dashboard/reports/late?year=2026",
        "/dashboard/reports/outliers?year=2026",
        "/dashboard/batches",
        "/dashboard/batches/thang-5?facility=01001",
      ],
      [keys.reviewer]: ["/dashboard?year=2026", "/dashboard/claims?stuck=true", "/dashboard/claims/01001/W-OUT"],
      [keys.hospital]: [
        "/dashboard",
        "/dashboard/batches",
        "/dashboard/claims/01001/W-STAY1",
        "/dashboard/claims/01001/W-FIND",
      ],
    };
    for (const [key, paths] of Object.entries(pages)) {
      const { context, page } = await signedIn(key);
      for (const path of paths) await checkPage(page, path);
      // On a 390 px phone nothing but the tables and charts (which scroll in place) is wider than the screen.
      await page.setViewportSize({ width: 390, height: 844 });
      for (const path of paths.slice(0, 2)) {
        await page.goto(`${base}${path}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, path).toBeLessThanOrEqual(0);
        const name = `${roleOf(key)}-${path.replace(/[^\w]+/g, "-").replace(/^-|-$/g, "")}`;
        await page.screenshot({ path: `${ARTIFACTS}/phone-${name}.png`, fullPage: true });
      }
      await context.close();
    }
  });
});
