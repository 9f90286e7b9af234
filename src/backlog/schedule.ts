import type { AppDeps } from "../deps.ts";
import { every, type Schedule } from "../schedule.ts";
import { runMarking } from "./mark-stuck.ts";

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
  mark: (deps: Pick<AppDeps, "db" | "clock" | "rules">) => Promise<{ marked: number }> = runMarking,
): Schedule {
  return every(seconds, "stuck marking", deps.logger, async () => {
    const result = await mark(deps);
    if (Object.values(result).some((count) => count > 0)) deps.logger.info("claims marked", result);
  });
}
