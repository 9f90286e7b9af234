import { readFileSync } from "node:fs";
import type { CatalogueKind } from "../assessment/types.ts";
import type { AppDeps } from "../deps.ts";
import { loadCatalogue } from "./load.ts";

/** `npm run cli -- catalogues load --facility 01001 --kind drugs --file drugs.csv` (src/cli.ts reads the arguments). */
export interface CatalogueLoadCommand {
  facility: string;
  catalogue: CatalogueKind;
  file: string;
}

/**
 * Loads a catalogue file into the database as PUT /v1/facilities/{code}/catalogues/{kind} does, through the same
 * service, as the operator (audited without a key). Returns the load's report (what changed).
 */
export async function runCatalogueLoad(deps: AppDeps, command: CatalogueLoadCommand) {
  let body: Uint8Array;
  try {
    body = readFileSync(command.file);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`cannot read ${command.file}: ${why}`, { cause: err });
  }
  const { report } = await loadCatalogue(deps, null, {
    facilityCode: command.facility,
    kind: command.catalogue,
    body,
  });
  return report;
}
