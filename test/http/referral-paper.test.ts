import { describe, expect, it } from "vitest";
import { fixtureEnvelope } from "../../src/demo/xml-envelope.ts";
import { claim } from "../support/claims.ts";
import { seedReference, START, useTestApp } from "../support/harness.ts";

const t = useTestApp();

/**
 * A referred patient's paper (giấy chuyển tuyến) travels from the sending
 * facility, as its XML13; the receiving facility holds the paper's number
 * (GIAY_CHUYEN_TUYEN). The number counts as the paper: the claim is not held
 * for a document its facility cannot send.
 */
describe("a referred-in patient's claim", () => {
  const send = async (claims: unknown[]) => {
    const hospital = await t.key("facility", "01001");
    return t.json("POST", "/v1/batches", { key: hospital, body: { batchId: "R1", claims } });
  };
  const detail = async (claimId: string) => (await t.json("GET", `/v1/claims/01001/${claimId}`)).body;

  it("with the paper's number is complete: the number is its referral_paper document", async () => {
    await seedReference(t);
    const res = await send([claim({ claimId: "REF1", referral: true, referralPaper: "0123/2026/GCT" }, 1)]);
    expect(res.body).toMatchObject({ accepted: 1, pendingDocumentation: 0, rejected: 0 });
    const stored = await detail("REF1");
    expect(stored).toMatchObject({ status: "accepted", referral: true, missingDocuments: [] });
    expect(stored.documents).toEqual([expect.objectContaining({ type: "referral_paper", reference: "0123/2026/GCT" })]);
  });

  it("the number implies the referral; without a number or a paper the claim still waits for it", async () => {
    await seedReference(t);
    const res = await send([
      claim({ claimId: "REF2", referralPaper: "77/GCT" }, 2),
      claim({ claimId: "REF3", referral: true }, 3),
    ]);
    expect(res.body).toMatchObject({ accepted: 1, pendingDocumentation: 1 });
    expect(await detail("REF2")).toMatchObject({ referral: true, missingDocuments: [] });
    expect(await detail("REF3")).toMatchObject({
      status: "pending_documentation",
      missingDocuments: ["referral_paper"],
    });
  });

  it("a paper sent as a document is kept as sent, the number does not add a second one", async () => {
    await seedReference(t);
    const documents = [{ type: "referral_paper", reference: "scan-88" }];
    await send([claim({ claimId: "REF4", referralPaper: "88/GCT", documents }, 4)]);
    expect((await detail("REF4")).documents).toEqual([
      expect.objectContaining({ type: "referral_paper", reference: "scan-88" }),
    ]);
  });

  it("from an XML file: MA_NOI_DI and GIAY_CHUYEN_TUYEN without XML13 make a complete claim", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    const file = fixtureEnvelope({
      seed: 19,
      facility: "01001",
      episodes: 1,
      dischargedBefore: new Date(START),
      override: () => ({
        kind: "01",
        procedures: [],
        outcome: "1",
        leave: "1",
        referredTo: "",
        xml7: false,
        xml13: false,
        referredFrom: "79001",
        referralPaper: "456/2026/GCT",
      }),
    });
    const res = await t.call("POST", "/v1/batches/xml", {
      key: hospital,
      body: file,
      headers: { "content-type": "application/xml" },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ accepted: 1, pendingDocumentation: 0 });
    const stored = await detail("LK19-0");
    expect(stored).toMatchObject({ referral: true, missingDocuments: [] });
    expect(stored.documents).toEqual([expect.objectContaining({ type: "referral_paper", reference: "456/2026/GCT" })]);
  });

  const sender = async (claimId: string, reference: string) => {
    const choRay = await t.key("facility", "79001");
    const paper = [{ type: "referral_paper", reference }];
    const res = await t.json("POST", "/v1/batches", {
      key: choRay,
      body: { batchId: `S-${claimId}`, claims: [claim({ claimId, documents: paper }, 90)] },
    });
    expect(res.body).toMatchObject({ accepted: 1 });
  };

  it("is linked with the referring facility's claim that carries the paper (its XML13), whichever arrives first", async () => {
    await seedReference(t);
    await send([claim({ claimId: "IN1", referralFrom: "79001", referralPaper: "555/GCT" }, 5)]);
    expect((await detail("IN1")).referralPaper).toEqual({ number: "555/GCT", from: "79001", senderClaim: null });
    await sender("OUT1", "555/GCT");
    expect((await detail("IN1")).referralPaper).toEqual({
      number: "555/GCT",
      from: "79001",
      senderClaim: { facilityCode: "79001", claimId: "OUT1" },
    });
  });

  it("is flagged referral_unconfirmed when the paper has not appeared from its sender after the rules' days, never held", async () => {
    await seedReference(t);
    await send([
      claim({ claimId: "IN2", referralFrom: "79001", referralPaper: "600/GCT" }, 6),
      claim({ claimId: "IN3", referralFrom: "79001", referralPaper: "601/GCT" }, 7),
    ]);
    await sender("OUT3", "601/GCT");
    t.clock.advance(29 * 86_400_000);
    expect((await t.json("POST", "/v1/jobs/mark-stuck")).body).toMatchObject({ referralsFlagged: 0 });
    t.clock.advance(2 * 86_400_000);
    expect((await t.json("POST", "/v1/jobs/mark-stuck")).body).toMatchObject({ referralsFlagged: 1 });
    const unconfirmed = await detail("IN2");
    expect(unconfirmed.status).toBe("accepted");
    expect(unconfirmed.flags).toContain("referral_unconfirmed");
    expect((await detail("IN3")).flags).not.toContain("referral_unconfirmed");
    // The paper turns up late: the flag goes at the next marking.
    await sender("OUT2", "600/GCT");
    expect((await t.json("POST", "/v1/jobs/mark-stuck")).body).toMatchObject({ referralsConfirmed: 1 });
    expect((await detail("IN2")).flags).not.toContain("referral_unconfirmed");
  });
});
