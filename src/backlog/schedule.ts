import type { AppDeps } from "../deps.ts";
import { markStuck } from "./mark-stuck.ts";

export interface Schedule {
  /** Stops the schedule and waits for a run in progress, so the database is not closed under it. */
  stop(): Promise<void>;
}

/**
 * Runs the stuck-claim marking every `seconds` (0: never) for a long-running
 * server. A failed run is logged, never thrown: the next one tries again. A
 * run still going when the next is due is not doubled. The timer does not
 * keep the process alive.
 */
export function scheduleMarkStuck(
  deps: Pick<AppDeps, "db" | "clock" | "rules" | "logger">,
  seconds: number,
  mark: typeof markStuck = markStuck,
): Schedule {
  if (seconds <= 0) return { stop: async () => {} };
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = mark(deps)
      .then(({ marked }) => {
        if (marked > 0) deps.logger.info("claims marked stuck", { marked });
      })
      .catch((err: unknown) => deps.logger.error("stuck marking failed", { error: String((err as Error)?.message ?? err).slice(0, 500) }))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, seconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
