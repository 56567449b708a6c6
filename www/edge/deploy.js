// Wrangler entry (see wrangler.toml): the worker with the user's config bundled in, since
// Worker variables are limited to 5 KB and a routing config is larger. The file is written
// by `node deploy.mjs --config FILE` (or wrangler's [build] step with LEADROUTE_CONFIG=FILE)
// only after the core accepted it; its `crm` object is the CRM mapping.
import config from "./.deploy/config.json";
// Arm B of an A/B split (`deploy.mjs --config-b FILE`), or null.
import configB from "./.deploy/config-b.json";
import worker, { LeadRouter as Base, LeadRouterB as BaseB, TeamRouter as TeamBase, KeyDirectory } from "./worker.js";
import { checkCrm } from "./settings.js";

// Runs when Cloudflare starts the uploaded Worker: a mapping that misses a rep or pool, has
// no default owner or a malformed owner id fails the deploy, not the first lead. Against
// the CRM itself: `node www/edge/check.mjs` (see README).
checkCrm(config.crm, config);
if (configB) checkCrm(configB.crm, configB);
const withConfig = (env) => ({ ...env, LEADROUTE_CONFIG: env.LEADROUTE_CONFIG ?? config, LEADROUTE_CONFIG_B: env.LEADROUTE_CONFIG_B ?? configB ?? undefined });

export class LeadRouter extends Base {
  constructor(ctx, env) {
    super(ctx, withConfig(env));
  }
}

// Arm B of an A/B split: the bundled config-b.json (or a LEADROUTE_CONFIG_B variable).
export class LeadRouterB extends BaseB {
  constructor(ctx, env) {
    super(ctx, withConfig(env));
  }
}

export class TeamRouter extends TeamBase {
  constructor(ctx, env) {
    super(ctx, withConfig(env));
  }
}

export { KeyDirectory };

export default {
  fetch: (request, env, ctx) => worker.fetch(request, withConfig(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, withConfig(env), ctx),
};
