import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { scheduleMarkStuck } from "../../src/backlog/schedule.ts";
import { ManualClock } from "../../src/clock.ts";
import type { Database } from "../../src/db/client.ts";
import { memoryLogger } from "../../src/logger.ts";
import { defaultRules } from "../../src/rules/schema.ts";
import { expectNoOverlapAndStopWaits } from "../support/schedule.ts";

const deps = () => ({
  db: {} as Database,
  clock: new ManualClock(new Date("2026-06-15T03:00:00Z")),
  rules: defaultRules(),
  logger: memoryLogger(),
});

describe("the stuck marking's schedule on the Node server", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs every interval and logs what it marked", async () => {
    const d = deps();
    const mark = vi.fn(async () => ({ marked: 3 }));
    const schedule = scheduleMarkStuck(d, 60, mark);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(mark).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(mark).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(mark).toHaveBeenCalledTimes(3);
    expect(d.logger.lines.filter((l) => l.includes("claims marked") && l.includes('"marked":3'))).toHaveLength(3);
    await schedule.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(mark).toHaveBeenCalledTimes(3);
  });

  it("logs a failed run and keeps going", async () => {
    const d = deps();
    const mark = vi.fn().mockRejectedValueOnce(new Error("database unavailable")).mockResolvedValue({ marked: 0 });
    const schedule = scheduleMarkStuck(d, 10, mark);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(mark).toHaveBeenCalledTimes(2);
    expect(
      d.logger.lines.filter((l) => l.includes("stuck marking failed") && l.includes("database unavailable")),
    ).toHaveLength(1);
    await schedule.stop();
  });

  it("does not start a run while the previous one is still going, and stop waits for it", async () => {
    await expectNoOverlapAndStopWaits((mark) => scheduleMarkStuck(deps(), 1, mark), { marked: 1 });
  });

  it("0 turns it off", async () => {
    const mark = vi.fn(async () => ({ marked: 0 }));
    const schedule = scheduleMarkStuck(deps(), 0, mark);
    await vi.advanceTimersByTimeAsync(10 * 3600_000);
    expect(mark).not.toHaveBeenCalled();
    await schedule.stop();
  });
});
