// Local stand-in for a Cloudflare cron trigger (workerd has no scheduler): POST /?time=<ms>
// runs the leadroute worker's `scheduled` handler with that time. Only in config.capnp.
export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response("POST /?time=<ms since the epoch>\n", { status: 405 });
    const t = Number(new URL(request.url).searchParams.get("time") ?? Date.now());
    if (!Number.isFinite(t)) return new Response("time must be ms since the epoch\n", { status: 400 });
    const r = await env.TARGET.scheduled({ scheduledTime: new Date(t), cron: "* * * * *" });
    // Older runtimes resolve without a result; a throwing handler rejects instead.
    return Response.json({ outcome: r?.outcome ?? "completed", scheduledTime: t });
  },
};
