import type { AppDeps } from "../deps.ts";
import { every, type Schedule } from "../schedule.ts";
import { markStuck } from "./mark-stuck.ts";

export type { Schedule };

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
  return every(seconds, "stuck marking", deps.logger, async () => {
    const { marked } = await mark(deps);
    if (marked > 0) deps.logger.info("claims marked stuck", { marked });
  });
}
