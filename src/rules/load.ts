import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseRules, RulesError, type Rules } from "./schema.ts";

/** Reads every *.json file of RULES_DIR and validates it; throws RulesError naming the file and field. */
export async function loadRules(dir: string): Promise<Rules> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json"));
  } catch {
    throw new RulesError(`rules: cannot read RULES_DIR ${dir}`);
  }
  const files: Record<string, unknown> = {};
  for (const name of names) {
    const text = await readFile(join(dir, name), "utf8");
    try {
      files[name] = JSON.parse(text);
    } catch (err) {
      throw new RulesError(`rules: ${name}: not valid JSON (${(err as Error).message})`);
    }
  }
  return parseRules(files);
}
