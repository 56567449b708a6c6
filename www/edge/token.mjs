// `node www/edge/token.mjs --rep r-ana [--secret-env REP_TOKEN_SECRET]`: prints the rep's
// token for the pool, claim and touch endpoints, signed by auth.js itself (the worker checks
// it with the same function), with the secret read from the named environment variable.
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { signRepToken } from "./auth.js";

/** The token for `--rep` in `argv`, or a `{ problem }` saying what is missing. */
export async function mint(argv, env) {
  const opts = { secretEnv: "REP_TOKEN_SECRET" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--rep") opts.rep = argv[++i];
    else if (a === "--secret-env") opts.secretEnv = argv[++i];
    // auth.js signs `rep:<id>` with no expiry, so the worker would accept the token forever:
    // printing one "valid for 24 h" would be a promise the worker does not keep.
    else if (a === "--ttl-hours") return { problem: "--ttl-hours: rep tokens do not expire (auth.js signs the rep id only); revoke tokens by rotating REP_TOKEN_SECRET" };
    else return { problem: `unknown argument ${JSON.stringify(a)}: use --rep ID [--secret-env NAME]` };
  }
  if (!opts.rep) return { problem: "--rep ID is required (a rep id from the config)" };
  const secret = env[opts.secretEnv];
  if (!secret) return { problem: `${opts.secretEnv} is not set: export the worker's REP_TOKEN_SECRET (or name another variable with --secret-env)` };
  return { token: await signRepToken(secret, opts.rep) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const r = await mint(process.argv.slice(2), process.env);
  if (r.problem) {
    console.error(r.problem);
    process.exit(1);
  }
  console.log(r.token);
}
