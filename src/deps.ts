import type { Clock } from "./clock.ts";
import type { Database } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import type { DocsAssets } from "./ops/docs.ts";
import type { Rules } from "./rules/schema.ts";
import type { EpisodeReader } from "./xml/read.ts";
import type { TargetPolicy } from "./alerts/targets.ts";
import type { WebhookTransport } from "./alerts/deliver.ts";
import type { BodyLimits } from "./http/middleware.ts";

/** Everything the app needs from outside, passed in by the Node server, the Worker and tests alike. */
export interface AppDeps {
  db: Database;
  clock: Clock;
  rules: Rules;
  logger: Logger;
  /** Signs dashboard sessions; without one, a random secret per process (sessions end at restart). */
  sessionSecret?: string;
  /** The API reference's browser code (swagger-ui-dist); without it /docs has no UI to load. */
  docsAssets?: DocsAssets;
  /** Reads and translates XML envelopes; default on the calling thread (the Node server passes its worker threads'). */
  xmlReader?: EpisodeReader;
  /** Where webhooks may point and how names resolve; default: IP literals and local names checked only (Workers). */
  webhookTargets?: TargetPolicy;
  /** Proxies (CIDRs) whose X-Forwarded-For names the client; default none (src/http/client-address.ts). */
  trustedProxies?: readonly string[];
  /** How a delivery is sent; default fetch. The Node server connects to the address it checked (transport-node.ts). */
  webhookTransport?: WebhookTransport;
  /** Body caps per kind of route; default DEFAULT_BODY_LIMITS (src/http/middleware.ts). */
  bodyLimits?: Partial<BodyLimits>;
}
