// Types of leadroute/fast: route() and routeBatch() of a Router without JSON on the hot path.
import type { Decision, Lead, RouteOptionsInput } from "../web/leadroute_wasm.js";

/** Any Router of the full or the route module (the `lane*` methods are the lane's own protocol). */
export interface LaneRouter {
  route(lead: Lead | string, options: RouteOptionsInput): Decision;
  routeAgain(lead: Lead | string, options: RouteOptionsInput): Decision;
  routeBatch(leads: Lead[], options: RouteOptionsInput): unknown[];
  laneLayout(): unknown;
  laneReserve(entries: number, nums: number, bytes: number): void;
  laneNames(from: number): string[];
  laneRoute(n: number, used: number, now: number, flags: number, again: boolean): void;
  laneBatch(n: number, used: number, now: number, flags: number, first: number): void;
}

/**
 * A decision of the fast lane. The routing fields are plain properties; `reason`, `leadId`,
 * `scoreDetail` and `trace` are read from wasm memory on first use (kept valid across later
 * calls). `toDecision()` gives exactly what `Router.route` returns.
 */
export declare class FastDecision {
  readonly outcome: Decision["outcome"];
  readonly via: Decision["via"];
  readonly rep: string | null;
  readonly team: string | null;
  readonly pool: string | null;
  readonly rule: string | null;
  /** The score total, or null when the lead was not scored. */
  readonly score: number | null;
  readonly replayed: boolean;
  /** True when the lead crossed without JSON (false: it took the JSON path, same result). */
  readonly fromLane: boolean;
  readonly repName: string | null;
  readonly calendarUrl: string | null;
  readonly reason: string;
  readonly leadId: string | null;
  readonly scoreDetail: Decision["score"];
  readonly trace: Decision["trace"] | undefined;
  toDecision(): Decision;
  toJSON(): Decision;
}

export type FastBatchItem =
  | { ok: true; decision: FastDecision }
  | { ok: false; index: number; code: string; error: string };

/** The fast lane of one Router: the same decisions, state and errors as its JSON methods. */
export declare class FastRouter {
  constructor(router: LaneRouter);
  readonly router: LaneRouter;
  /** Same as `router.route`; a lead the lane does not carry as is takes `router.route` itself. */
  route(lead: Lead, options: RouteOptionsInput): FastDecision;
  routeAgain(lead: Lead, options: RouteOptionsInput): FastDecision;
  routeBatch(leads: Lead[], options: RouteOptionsInput): FastBatchItem[];
}

export declare function fast(router: LaneRouter): FastRouter;
