import { createApp } from "../app.ts";
import { ManualClock } from "../clock.ts";
import type { AppDeps } from "../deps.ts";
import { createKey } from "../keys/service.ts";
import { demoCatalogues } from "./catalogues.ts";
import { FACILITIES, MERGED, MERGED_AT, PROVINCES } from "./places.ts";
import { type DemoEvent, demoStory, estimateFor } from "./story.ts";
import { fixtureEnvelope } from "./xml-envelope.ts";

/**
 * Loads the demo into an empty database through the HTTP API, exactly as
 * hospitals and the agency would send it, with the clock moved to each
 * event's time so arrival times, lateness, alerts and the backlog are what a
 * real year would leave. Returns the keys to sign in with.
 */
export interface DemoResult {
  year: number;
  claims: number;
  batches: number;
  keys: { central: string; province: string; facility: string };
}

/** A request as a client sends it: JSON unless another media type (the XML file, a catalogue's CSV) is named. */
type Send = (method: string, path: string, body?: unknown, contentType?: string) => Promise<unknown>;

export async function loadDemo(deps: AppDeps, onProgress: (done: number, total: number) => void = () => {}) {
  const now = deps.clock.now();
  if ((await deps.db.prisma.province.count()) > 0)
    throw new Error("the demo loads into an empty database; this one already has provinces");
  const story = demoStory(now);
  const clock = new ManualClock(new Date(Date.UTC(story.year, 0, 1) - 7 * 3_600_000));
  const demoDeps = { ...deps, clock };
  const central = await createKey(demoDeps, { role: "central", name: "Demo: national staff" }, demoActor(clock));
  const send = sender(createApp(demoDeps), central.key);

  await referenceData(send, story);
  let claims = 0;
  let batches = 0;
  for (const [index, event] of story.events.entries()) {
    clock.set(event.at);
    await play(send, event);
    if (event.kind === "batch") {
      claims += event.claims.length;
      batches += 1;
    }
    if (index % 50 === 0) onProgress(index, story.events.length);
  }
  clock.set(now);
  claims += await importXml(send, now);
  await send("POST", "/v1/jobs/mark-stuck");
  const province = (await send("POST", "/v1/keys", { role: "province", scope: "01", name: "Demo: Hà Nội" })) as Key;
  const facility = (await send("POST", "/v1/keys", {
    role: "facility",
    scope: "01001",
    name: "Demo: Bạch Mai",
  })) as Key;
  onProgress(story.events.length, story.events.length);
  return {
    year: story.year,
    claims,
    batches,
    keys: { central: central.key, province: province.key, facility: facility.key },
  };
}

interface Key {
  key: string;
}

const demoActor = (clock: ManualClock) => ({ caller: null, at: clock.now(), requestId: "demo" });

/** Calls the app in process with a central key; anything but a 2xx stops the load with what the API said. */
function sender(app: ReturnType<typeof createApp>, key: string): Send {
  return async (method, path, body, contentType = "application/json") => {
    const json = contentType === "application/json";
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": contentType },
      ...(body === undefined ? {} : { body: json ? JSON.stringify(body) : String(body) }),
    });
    if (res.status >= 300) throw new Error(`demo: ${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
}

/** Provinces before and after the merger, facilities, and the year's estimates. */
async function referenceData(send: Send, story: ReturnType<typeof demoStory>) {
  for (const { code, name } of PROVINCES) await send("PUT", `/v1/provinces/${code}`, { name });
  for (const [code, name, successorCode] of MERGED)
    await send("PUT", `/v1/provinces/${code}`, { name, successorCode, mergedAt: MERGED_AT });
  for (const { code, name } of FACILITIES) await send("PUT", `/v1/facilities/${code}`, { name });
  for (const [province, insurance] of story.insuranceByProvince)
    await send("PUT", `/v1/provinces/${province}/estimates/${story.year}`, {
      amount: estimateFor(province, insurance),
    });
  for (const facility of FACILITIES)
    for (const [kind, csv] of demoCatalogues(facility, story.year))
      await send("PUT", `/v1/facilities/${facility.code}/catalogues/${kind}`, csv, "text/csv");
}

async function play(send: Send, event: DemoEvent) {
  const claimPath = (facility: string, claimId: string) => `/v1/claims/${facility}/${encodeURIComponent(claimId)}`;
  if (event.kind === "batch") {
    const body = { batchId: event.batchId, facilityCode: event.facility, claims: event.claims };
    refuseRejections(await send("POST", "/v1/batches", body));
  } else if (event.kind === "documents")
    await send("POST", `${claimPath(event.facility, event.claimId)}/documents`, {
      documents: [{ type: "discharge_paper", reference: `GRV-${event.claimId}` }],
    });
  else {
    const claim = (await send("GET", claimPath(event.facility, event.claimId))) as { amounts: { insurance: string } };
    const insurance = Number(claim.amounts.insurance);
    await send("POST", `${claimPath(event.facility, event.claimId)}/decision`, {
      outcome: event.outcome,
      reason: event.outcome === "denied" ? "Không đủ điều kiện thanh toán" : "Đã giám định",
      ...(event.outcome === "approved" ? { approvedAmount: String(Math.round(insurance * (1 - event.cut))) } : {}),
    });
  }
}

/** The demo sends only claims the service should take: a rejection is a bug in the demo, so it stops. */
function refuseRejections(response: unknown) {
  const { rejected, errors } = response as { rejected: number; errors: unknown[] };
  if (rejected > 0)
    throw new Error(`demo: a batch had ${rejected} rejected claims: ${JSON.stringify(errors.slice(0, 3))}`);
}

/** The last week's episodes of Bạch Mai as the Ministry of Health XML file its software exports. */
async function importXml(send: Send, now: Date): Promise<number> {
  const envelope = fixtureEnvelope({ seed: 130, facility: "01001", episodes: 20, dischargedBefore: now, days: 7 });
  const response = await send("POST", "/v1/batches/xml?facility=01001", envelope, "application/xml");
  refuseRejections(response);
  return (response as { accepted: number }).accepted;
}
