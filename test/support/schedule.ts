import { expect, vi } from "vitest";

/**
 * Under fake timers: a schedule (every second) whose job, once started, runs
 * until the test lets it finish. The job is not started again meanwhile, and
 * stop() waits for the run in progress. Shared by the schedules built on
 * src/schedule.ts.
 */
export async function expectNoOverlapAndStopWaits<R>(
  start: (job: () => Promise<R>) => { stop(): Promise<void> },
  result: R,
): Promise<void> {
  let finish!: () => void;
  const job = vi.fn(() => new Promise<R>((resolve) => (finish = () => resolve(result))));
  const schedule = start(job);
  await vi.advanceTimersByTimeAsync(5_000);
  expect(job).toHaveBeenCalledTimes(1);
  let stopped = false;
  const stopping = schedule.stop().then(() => (stopped = true));
  await vi.advanceTimersByTimeAsync(0);
  expect(stopped).toBe(false);
  finish();
  await stopping;
  expect(stopped).toBe(true);
}
