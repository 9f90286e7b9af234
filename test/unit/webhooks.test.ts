import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffMs, scheduleAlertDeliveries, signature, verifySignature } from "../../src/alerts/deliver.ts";
import { ManualClock } from "../../src/clock.ts";
import type { Database } from "../../src/db/client.ts";
import { memoryLogger } from "../../src/logger.ts";
import { expectNoOverlapAndStopWaits } from "../support/schedule.ts";

describe("webhook signatures", () => {
  it("signs '<t>.<body>' with HMAC-SHA256 of the secret, as openssl computes it", () => {
    // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
    expect(signature("whsec_test", 1700000000, '{"a":1}')).toBe(
      "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789",
    );
  });

  it("verifies a genuine signature and refuses a changed body, another secret or an old timestamp", () => {
    const header = signature("whsec_test", 1700000000, '{"a":1}');
    expect(verifySignature("whsec_test", header, '{"a":1}', 1700000100)).toBe(true);
    expect(verifySignature("whsec_test", header, '{"a":2}', 1700000100)).toBe(false);
    expect(verifySignature("whsec_other", header, '{"a":1}', 1700000100)).toBe(false);
    expect(verifySignature("whsec_test", header, '{"a":1}', 1700000301)).toBe(false);
    expect(verifySignature("whsec_test", "t=1700000000,v1=00", '{"a":1}', 1700000000)).toBe(false);
    expect(verifySignature("whsec_test", "garbage", '{"a":1}', 1700000000)).toBe(false);
  });
});

describe("webhook retry delays", () => {
  it("doubles from 30 seconds and stops growing at 6 hours", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n) / 1000)).toEqual([30, 60, 120, 240, 480]);
    expect(backoffMs(10) / 3600_000).toBeCloseTo(4.27, 2);
    expect(backoffMs(11)).toBe(6 * 3600_000);
    expect(backoffMs(100)).toBe(6 * 3600_000);
    expect(backoffMs(2, { baseDelayMs: 1000, maxDelayMs: 1500 })).toBe(1500);
  });
});

describe("the webhook schedule on the Node server", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const deps = () => ({
    db: {} as Database,
    clock: new ManualClock(new Date("2026-06-15T03:00:00Z")),
    logger: memoryLogger(),
  });

  it("runs a round every interval, logs rounds that sent something and failures, and stops", async () => {
    const d = deps();
    const deliver = vi
      .fn()
      .mockResolvedValueOnce({ attempted: 2, delivered: 1, retrying: 1, failed: 0 })
      .mockRejectedValueOnce(new Error("database unavailable"))
      .mockResolvedValue({ attempted: 0, delivered: 0, retrying: 0, failed: 0 });
    const schedule = scheduleAlertDeliveries(d, 5, deliver);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(deliver).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(15_001);
    expect(deliver).toHaveBeenCalledTimes(4);
    expect(d.logger.lines.filter((l) => l.includes("alert webhooks sent"))).toHaveLength(1);
    expect(
      d.logger.lines.filter((l) => l.includes("alert webhook round failed") && l.includes("database unavailable")),
    ).toHaveLength(1);
    await schedule.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(deliver).toHaveBeenCalledTimes(4);
  });

  it("never overlaps rounds, and stop waits for the one in progress", async () => {
    await expectNoOverlapAndStopWaits((deliver) => scheduleAlertDeliveries(deps(), 1, deliver), {
      attempted: 0,
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
  });

  it("does nothing when the interval is 0", async () => {
    const deliver = vi.fn();
    const schedule = scheduleAlertDeliveries(deps(), 0, deliver);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(deliver).not.toHaveBeenCalled();
    await schedule.stop();
  });
});
