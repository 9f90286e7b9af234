import type { Logger } from "./logger.ts";

export interface Schedule {
  /** Stops the schedule and waits for a run in progress, so the database is not closed under it. */
  stop(): Promise<void>;
}

/**
 * Runs `job` every `seconds` (0: never) in a long-running server. A run still
 * going when the next is due is not doubled; a failed run is logged, never
 * thrown, and the next one tries again. The timer does not keep the process alive.
 */
export function every(seconds: number, what: string, logger: Logger, job: () => Promise<void>): Schedule {
  if (seconds <= 0) return { stop: async () => {} };
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = job()
      .catch((err: unknown) =>
        logger.error(`${what} failed`, { error: String((err as Error)?.message ?? err).slice(0, 500) }),
      )
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
