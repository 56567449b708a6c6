// Wrangler entry (see wrangler.toml): the worker with its routing config bundled in, since
// Worker variables are limited to 5 KB and a routing config is larger. Swap in your own files.
import routing from "../../data/default-config.json";
import crm from "./crm/salesforce.json";
import worker, { LeadRouter as Base } from "./worker.js";
import { checkCrm } from "./settings.js";

const config = { ...routing, crm };
// Runs when Cloudflare starts the uploaded Worker: a mapping that misses a rep or pool, has
// no default owner or a malformed owner id fails the deploy, not the first lead. Against
// the CRM itself: `node www/edge/check.mjs` (see README).
checkCrm(crm, routing);
const withConfig = (env) => ({ ...env, LEADROUTE_CONFIG: env.LEADROUTE_CONFIG ?? config });

export class LeadRouter extends Base {
  constructor(ctx, env) {
    super(ctx, withConfig(env));
  }
}

export default {
  fetch: (request, env, ctx) => worker.fetch(request, withConfig(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, withConfig(env), ctx),
};
