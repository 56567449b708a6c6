//! Routing one lead: screening, scoring, account owner, MQL threshold, the first
//! matching rule, the team's strategy, default owner and fallback, explained.

use crate::classify::{Next, Ticket};
use crate::clock::Clock;
use crate::condition::Computed;
use crate::decision::{candidate, step, step_reason};
use crate::decision::{CandidateReason, Decision, GroupScore, Outcome, Score, ScoreHit, Via};
use crate::error::LeadError;
use crate::lead::Lead;
use crate::model::account::{AccountHit, Tier};
use crate::model::rep::Unavailable;
use crate::model::{Router, Sla, Target};
use crate::select::{self, availability, Checks, LeadCaps, PickInput};
use crate::state::{existing, Assignment, Holder, PooledLead, State};
use crate::text::{fmt_num, join};

/// Per-call options. `now` is milliseconds since the Unix epoch, always passed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteOptions {
    pub now: i64,
    /// Build the full trace (rules checked, every candidate rep, steps).
    pub trace: bool,
    /// Pick by weighted rendezvous hashing of the lead id instead of rotation, so
    /// instances without shared state make the same choice for the same lead.
    pub stateless: bool,
}

impl RouteOptions {
    pub fn at(now: i64) -> Self {
        RouteOptions {
            now,
            trace: true,
            stateless: false,
        }
    }
}

/// Who [`Router::first_choice`] tries and how the decision words it: `"{what}: {taken}{rep}"`
/// when they take the lead, `"{what}: {blocked}{rep} is {why}, routing normally"` when not.
struct First {
    why: CandidateReason,
    via: Via,
    what: String,
    taken: &'static str,
    blocked: &'static str,
}

impl Router {
    /// Routes a lead parsed from JSON text.
    pub fn route_json<'r>(
        &'r self,
        state: &mut State,
        json: &str,
        opts: RouteOptions,
    ) -> Result<Decision<'r>, LeadError> {
        let lead = self.schema.parse_json(json)?;
        Ok(self.route(state, &lead, opts))
    }

    /// Routes one lead at `opts.now`, updating `state`. Never fails: every lead gets
    /// exactly one outcome. A lead id routed before (and still remembered) is not routed
    /// again: the decision is the earlier placement, marked `replayed`, and nothing is
    /// counted (see [`Router::route_again`] to move a lead on purpose).
    pub fn route<'r>(&'r self, state: &mut State, lead: &Lead, opts: RouteOptions) -> Decision<'r> {
        if let Some(d) = lead.id().and_then(|id| self.replay(state, id, opts)) {
            return d;
        }
        let d = self.route_new(state, lead, opts);
        self.remember(state, &d, opts.now);
        d
    }

    /// Routes a lead that is not a repeat: classify (pure), then assign (stateful).
    pub(crate) fn route_new<'r>(
        &'r self,
        state: &mut State,
        lead: &Lead,
        opts: RouteOptions,
    ) -> Decision<'r> {
        let ticket = self.classify(lead, opts.trace);
        self.assign_new(state, ticket, lead, opts)
    }

    /// The stateful half of routing, for a ticket from [`Router::classify`]: a lead id
    /// routed before is replayed; otherwise the account owner if available, the MQL
    /// threshold, then the matched rule's rep, team or pool, with caps, rotation and pools
    /// updated. `classify` then `assign_ticket` is exactly `route`.
    pub fn assign_ticket<'r>(
        &'r self,
        state: &mut State,
        ticket: Ticket<'r>,
        lead: &Lead,
        opts: RouteOptions,
    ) -> Decision<'r> {
        if let Some(d) = lead.id().and_then(|id| self.replay(state, id, opts)) {
            return d;
        }
        let d = self.assign_new(state, ticket, lead, opts);
        self.remember(state, &d, opts.now);
        d
    }

    fn assign_new<'r>(
        &'r self,
        state: &mut State,
        ticket: Ticket<'r>,
        lead: &Lead,
        opts: RouteOptions,
    ) -> Decision<'r> {
        let d = self.place(state, ticket, lead, opts);
        self.note_existing(state, lead, &d, opts.now);
        d
    }

    /// A rep tried before any rule (the lead-to-lead holder, the account owner): true when
    /// they could take the lead and got it; else the trace says why not and routing goes on.
    #[allow(clippy::too_many_arguments)]
    fn first_choice<'r>(
        &'r self,
        state: &mut State,
        d: &mut Decision<'r>,
        ri: usize,
        first: First,
        clock: &Clock,
        caps: LeadCaps,
        lead: &Lead,
        now: i64,
    ) -> bool {
        let rep_id = self.reps.get(ri).map_or("", |r| r.id.as_str());
        match self.blocked(state, ri, clock, Checks::ALL, caps) {
            None => {
                candidate(d, rep_id, true, first.why, None);
                d.reason = join(&[&first.what, ": ", first.taken, self.rep_name(ri)]);
                step_reason(d);
                self.assign(state, d, ri, first.via, lead, caps, None, now);
                true
            }
            Some(u) => {
                candidate(d, rep_id, false, u.into(), None);
                step(d, || {
                    format!(
                        "{}: {}{} is {}, routing normally",
                        first.what,
                        first.blocked,
                        self.rep_name(ri),
                        u.describe()
                    )
                });
                false
            }
        }
    }

    fn place<'r>(
        &'r self,
        state: &mut State,
        ticket: Ticket<'r>,
        lead: &Lead,
        opts: RouteOptions,
    ) -> Decision<'r> {
        state.routed = state.routed.saturating_add(1);
        let Ticket {
            decision: mut d,
            next,
            matched_caps,
        } = ticket;
        if d.lead_id.is_none() {
            d.lead_id = Some(format!("lead-{}", state.routed));
        }
        let Next::Route {
            account,
            below_mql,
            rule,
            account_rule,
        } = next
        else {
            return d;
        };
        if self.accounts.is_some() {
            d.account_tier = Some(account.as_ref().map(|h| h.tier.as_str()));
        }
        let mut clock = Clock::new(self, opts.now);
        clock.stateless = opts.stateless;
        let caps = LeadCaps {
            rules: &self.cap_rules,
            matched: &matched_caps,
        };
        let total = d.score.as_ref().map(|s| s.total);

        // Lead-to-lead: the rep who has this person's or company's recent lead.
        if let Some((key, ri)) = self.existing_holder(state, lead, opts.now) {
            let first = First {
                why: CandidateReason::ExistingLead,
                via: Via::ExistingLead,
                what: join(&["existing lead of ", &key]),
                taken: "",
                blocked: "",
            };
            if self.first_choice(state, &mut d, ri, first, &clock, caps, lead, opts.now) {
                return d;
            }
        }

        // Known account: its owner, if the owner can take it now.
        let owner_first = self.accounts.as_ref().is_some_and(|a| a.owner_first);
        if let Some((domain, ri)) = account
            .as_ref()
            .filter(|_| owner_first)
            .and_then(|hit| Some((self.account_label(hit), hit.owner?)))
        {
            let first = First {
                why: CandidateReason::AccountOwner,
                via: Via::AccountOwner,
                what: join(&["known account ", &domain]),
                taken: "account owner ",
                blocked: "owner ",
            };
            if self.first_choice(state, &mut d, ri, first, &clock, caps, lead, opts.now) {
                return d;
            }
        }

        // MQL threshold.
        if below_mql {
            d.outcome = Outcome::Nurture;
            d.via = Via::Scoring;
            let mql = self.scoring.as_ref().and_then(|s| s.mql).unwrap_or(0.0);
            d.reason = join(&[
                "score ",
                &fmt_num(total.unwrap_or(0.0)),
                " is below the MQL threshold ",
                &fmt_num(mql),
            ]);
            step_reason(&mut d);
            return d;
        }

        if let (Some(ar), Some(hit)) = (account_rule.and_then(|i| self.rules.get(i)), &account) {
            if self.account_rule(state, &mut d, ar, hit, lead, total, &clock, caps, opts.now) {
                return d;
            }
        }

        // `classify` keeps `account_owner` rules aside: they never decide here.
        let Some(rule) = rule
            .and_then(|i| self.rules.get(i))
            .filter(|r| r.target != Target::AccountOwner)
        else {
            self.fallback(
                state,
                &mut d,
                lead,
                caps,
                "no routing rule matched",
                None,
                opts.now,
            );
            return d;
        };
        d.rule = Some(&rule.id);
        match rule.target {
            Target::Rep(ri) => {
                let blocked = self.blocked(state, ri, &clock, Checks::ALL, caps);
                let rep_id = self.reps.get(ri).map_or("", |r| r.id.as_str());
                match blocked {
                    None => {
                        candidate(&mut d, rep_id, true, CandidateReason::NamedByRule, None);
                        d.reason = join(&["rule \"", &rule.id, "\" names ", self.rep_name(ri)]);
                        step_reason(&mut d);
                        self.assign(
                            state,
                            &mut d,
                            ri,
                            Via::Rule,
                            lead,
                            caps,
                            rule.sla.as_ref(),
                            opts.now,
                        );
                    }
                    Some(u) => {
                        candidate(&mut d, rep_id, false, u.into(), None);
                        let why = format!(
                            "rule \"{}\" names {}, who is {}",
                            rule.id,
                            self.rep_name(ri),
                            u.describe()
                        );
                        self.fallback(state, &mut d, lead, caps, &why, rule.sla.as_ref(), opts.now);
                    }
                }
            }
            Target::Team(ti) => {
                let sla = rule
                    .sla
                    .as_ref()
                    .or_else(|| self.teams.get(ti).and_then(|t| t.sla.as_ref()));
                self.route_to_team(
                    state,
                    &mut d,
                    ti,
                    lead,
                    caps,
                    total,
                    &[],
                    sla,
                    opts.now,
                    &clock,
                );
            }
            Target::Pool(pi) => self.pool_lead(state, &mut d, pi, lead, caps, total, opts.now),
            Target::AccountOwner => {}
        }
        d
    }

    /// An `account_owner` rule: the owner if available, else the account's team.
    /// False when neither can take it, for the next matching rule to decide.
    #[allow(clippy::too_many_arguments)]
    fn account_rule<'r>(
        &'r self,
        state: &mut State,
        d: &mut Decision<'r>,
        rule: &'r crate::model::Rule,
        hit: &AccountHit,
        lead: &Lead,
        total: Option<f64>,
        clock: &Clock,
        caps: LeadCaps,
        now: i64,
    ) -> bool {
        let label = self.account_label(hit);
        if let Some(ri) = hit.owner {
            let rep_id = self.reps.get(ri).map_or("", |r| r.id.as_str());
            match self.blocked(state, ri, clock, Checks::ALL, caps) {
                None => {
                    d.rule = Some(&rule.id);
                    candidate(d, rep_id, true, CandidateReason::AccountOwner, None);
                    d.reason = join(&[
                        "rule \"",
                        &rule.id,
                        "\": known account ",
                        &label,
                        ": account owner ",
                        self.rep_name(ri),
                    ]);
                    step_reason(d);
                    self.assign(
                        state,
                        d,
                        ri,
                        Via::AccountOwner,
                        lead,
                        caps,
                        rule.sla.as_ref(),
                        now,
                    );
                    return true;
                }
                Some(u) => {
                    candidate(d, rep_id, false, u.into(), None);
                    step(d, || {
                        format!(
                            "rule \"{}\": known account {label}: owner {} is {}",
                            rule.id,
                            self.rep_name(ri),
                            u.describe()
                        )
                    });
                }
            }
        }
        let team = hit
            .account
            .and_then(|i| self.accounts.as_ref()?.get(i))
            .and_then(|a| a.team);
        let Some(ti) = team else {
            step(d, || {
                format!(
                    "rule \"{}\": known account {label}: nobody to take it, next rule",
                    rule.id
                )
            });
            return false;
        };
        d.rule = Some(&rule.id);
        step(d, || {
            format!(
                "rule \"{}\": known account {label}: the owner's team",
                rule.id
            )
        });
        let sla = rule
            .sla
            .as_ref()
            .or_else(|| self.teams.get(ti).and_then(|t| t.sla.as_ref()));
        self.route_to_team(state, d, ti, lead, caps, total, &[], sla, now, clock);
        true
    }

    /// The lead's lead-to-lead keys: the person, then (by company, for a business
    /// address) the domain.
    fn existing_keys(&self, lead: &Lead) -> Vec<(String, String)> {
        let Some((acc, (_, company))) = self
            .accounts
            .as_ref()
            .and_then(|a| Some((a, a.lead_to_lead?)))
        else {
            return Vec::new();
        };
        let Some(email) = lead
            .get(acc.slot)
            .as_str()
            .filter(|e| crate::email::is_valid(e))
        else {
            return Vec::new();
        };
        let mut keys = vec![(existing::person_key(email), email.trim().to_lowercase())];
        if company && !crate::email::is_free_in(email, self.free_email.as_deref()) {
            if let Some(domain) = crate::email::domain(email) {
                keys.push((existing::company_key(domain), domain.to_lowercase()));
            }
        }
        keys
    }

    /// Who has the person's or company's lead within the window, and which it was.
    fn existing_holder(&self, state: &State, lead: &Lead, now: i64) -> Option<(String, usize)> {
        let (window, _) = self.accounts.as_ref()?.lead_to_lead?;
        self.existing_keys(lead)
            .into_iter()
            .find_map(|(key, shown)| {
                let h = state.existing.get(&key)?;
                (now.saturating_sub(h.at) <= window && h.at.saturating_sub(now) <= window)
                    .then_some((shown, h.rep as usize))
            })
    }

    /// Remembers who got an assigned lead, for the person's and company's next ones.
    fn note_existing(&self, state: &mut State, lead: &Lead, d: &Decision, now: i64) {
        let Some((window, _)) = self.accounts.as_ref().and_then(|a| a.lead_to_lead) else {
            return;
        };
        let Some(ri) = d
            .rep
            .filter(|_| d.outcome == Outcome::Assigned)
            .and_then(|r| self.rep_ids.get(r))
        else {
            return;
        };
        let holder = Holder {
            at: now,
            rep: *ri as u32,
        };
        for (key, _) in self.existing_keys(lead) {
            state
                .existing
                .record(&key, holder, window, existing::MAX_EXISTING);
        }
    }

    /// How a matched account is named in reasons: the domain for `accounts.owners`,
    /// else the account's name, how it matched and, when inherited, whose owner it is.
    fn account_label(&self, hit: &AccountHit) -> String {
        let Some(a) = hit.account.and_then(|i| self.accounts.as_ref()?.get(i)) else {
            return hit.matched.clone();
        };
        let how = match hit.tier {
            Tier::Domain => join(&["domain ", &hit.matched]),
            Tier::Name => join(&["name \"", &hit.matched, "\""]),
            Tier::Fuzzy => join(&[
                "similar name \"",
                &hit.matched,
                "\" ",
                &fmt_num((hit.score * 100.0).round() / 100.0),
            ]),
        };
        let parent = a
            .owner_from
            .and_then(|p| self.accounts.as_ref()?.get(p))
            .map(|p| join(&[", owner of parent ", &p.name]))
            .unwrap_or_default();
        join(&[&a.name, " (", &how, &parent, ")"])
    }

    /// Sends the lead to a team: strategy, then default owner, then fallback.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn route_to_team<'r>(
        &'r self,
        state: &mut State,
        d: &mut Decision<'r>,
        ti: usize,
        lead: &Lead,
        caps: LeadCaps,
        score: Option<f64>,
        exclude: &[usize],
        sla: Option<&Sla>,
        now: i64,
        clock: &Clock,
    ) {
        let Some(team) = self.teams.get(ti) else {
            self.fallback(state, d, lead, caps, "unknown team", sla, now);
            return;
        };
        d.team = Some(&team.id);
        let computed = self.computed(score);
        let picked = {
            let input = PickInput {
                reps: &self.reps,
                rep_states: &state.reps,
                members: &team.members,
                lead,
                computed: &computed,
                clock,
                caps,
                exclude,
                stateless: clock.stateless,
                team: ti as u32,
                outcomes: &state.outcomes,
            };
            match state.teams.get_mut(ti) {
                Some(ts) => select::pick(
                    &team.select,
                    ts,
                    &input,
                    d.trace.as_mut().map(|t| &mut t.candidates),
                ),
                None => None,
            }
        };
        let rule = d.rule.unwrap_or("");
        if let Some((pos, propensity)) = picked {
            d.propensity = propensity;
            if let Some(l) = team.select.learned.as_deref() {
                let segment = select::pick::learned::segment(l, lead);
                d.segment = (segment != 0).then(|| format!("{segment:016x}"));
            }
            if let Some(ri) = team.members.get(pos).copied() {
                let label = if clock.stateless {
                    crate::model::team::Pick::Rendezvous.name()
                } else {
                    team.select.label
                };
                d.reason = join(&[
                    "rule \"",
                    rule,
                    "\" sent it to team ",
                    &team.name,
                    ": ",
                    self.rep_name(ri),
                    " (",
                    label,
                    ")",
                ]);
                step_reason(d);
                self.assign(state, d, ri, Via::Team, lead, caps, sla, now);
                return;
            }
        }
        let no_member = format!("team {}: no member can take it", team.name);
        if let Some(owner) = team.default_owner {
            let blocked = match (self.reps.get(owner), state.reps.get(owner)) {
                (Some(r), Some(rs)) => {
                    select::overflow::owner_blocked(&team.select, r, rs, &clock.rep(owner), caps)
                }
                _ => None,
            };
            let rep_id = self.reps.get(owner).map_or("", |r| r.id.as_str());
            if blocked.is_none() && !exclude.contains(&owner) {
                candidate(d, rep_id, true, CandidateReason::DefaultOwner, None);
                d.reason = format!(
                    "rule \"{rule}\" sent it to team {}: no member can take it, default owner {}",
                    team.name,
                    self.rep_name(owner)
                );
                step_reason(d);
                self.assign(state, d, owner, Via::TeamDefaultOwner, lead, caps, sla, now);
                return;
            }
            let why = blocked.map_or("excluded".to_string(), |u| u.describe().to_string());
            candidate(
                d,
                rep_id,
                false,
                blocked.map_or(CandidateReason::MissedSla, Into::into),
                None,
            );
            let msg = format!(
                "{no_member}; default owner {} is {why}",
                self.rep_name(owner)
            );
            self.fallback(state, d, lead, caps, &msg, sla, now);
            return;
        }
        self.fallback(state, d, lead, caps, &no_member, sla, now);
    }

    /// Score and grade as conditions read them, from a total.
    pub(crate) fn computed(&self, total: Option<f64>) -> Computed<'_> {
        let grade = total.and_then(|t| {
            self.scoring
                .as_ref()?
                .grades
                .iter()
                .find(|(_, min)| t >= *min)
                .map(|(g, _)| g.as_str())
        });
        Computed {
            score: total,
            grade,
            account: None,
        }
    }

    /// Counts a lead for rep `ri` in its periods (`keys`), and in each matched conditional
    /// cap rule that applies to the rep; `add: false` takes it back out (a release, a
    /// re-route on request).
    pub(crate) fn count(
        &self,
        rs: &mut crate::state::RepState,
        ri: usize,
        keys: [i64; 3],
        matched: &[usize],
        add: bool,
    ) {
        if add {
            rs.add(keys);
        } else {
            for (c, key) in rs.periods.iter_mut().zip(keys) {
                c.remove_one(key);
            }
        }
        for &k in matched {
            if self.cap_rules.get(k).is_some_and(|c| c.applies_to(ri)) {
                if add {
                    rs.add_capped(k, keys);
                } else {
                    rs.remove_capped(k, keys);
                }
            }
        }
    }

    /// The lead's conditional caps, from the rules whose condition holds (`matched`).
    pub(crate) fn lead_caps<'a>(&'a self, matched: &'a [usize]) -> LeadCaps<'a> {
        LeadCaps {
            rules: &self.cap_rules,
            matched,
        }
    }

    /// The conditional cap rules whose condition holds for the lead.
    /// The conditional cap rules a lead matches when it comes back (a claim, a re-route,
    /// a release): with its account looked up again, as classify saw it (the account
    /// list does not change under a compiled router).
    pub(crate) fn caps_of(&self, lead: &Lead, score: Option<f64>) -> Vec<usize> {
        if self.cap_rules.is_empty() {
            return Vec::new();
        }
        let mut computed = self.computed(score);
        if let Some(acc) = self.accounts.as_ref() {
            computed.account = acc
                .find(lead, self.free_email.as_deref())
                .map(|hit| acc.view(&hit));
        }
        self.matched_caps(lead, &computed)
    }

    pub(crate) fn matched_caps(&self, lead: &Lead, computed: &Computed) -> Vec<usize> {
        self.cap_rules
            .iter()
            .enumerate()
            .filter(|(_, c)| c.cond.eval(lead, computed))
            .map(|(i, _)| i)
            .collect()
    }

    /// Why rep `ri` cannot take the lead now, if they cannot.
    pub(crate) fn blocked(
        &self,
        state: &State,
        ri: usize,
        clock: &Clock,
        checks: Checks,
        caps: LeadCaps,
    ) -> Option<Unavailable> {
        let (rep, rs) = (self.reps.get(ri)?, state.reps.get(ri)?);
        availability::unavailable(rep, rs, &clock.rep(ri), checks, caps)
    }

    /// The fallback owner takes the lead, whatever their availability; its trace step
    /// carries `why`, so callers do not add one of their own.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fallback<'r>(
        &'r self,
        state: &mut State,
        d: &mut Decision<'r>,
        lead: &Lead,
        caps: LeadCaps,
        why: &str,
        sla: Option<&Sla>,
        now: i64,
    ) {
        let ri = self.fallback;
        let rep_id = self.reps.get(ri).map_or("", |r| r.id.as_str());
        candidate(d, rep_id, true, CandidateReason::FallbackOwner, None);
        d.reason = format!("{why}: fallback owner {}", self.rep_name(ri));
        step_reason(d);
        self.assign(state, d, ri, Via::Fallback, lead, caps, sla, now);
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assign<'r>(
        &'r self,
        state: &mut State,
        d: &mut Decision<'r>,
        ri: usize,
        via: Via,
        lead: &Lead,
        caps: LeadCaps,
        sla: Option<&Sla>,
        now: i64,
    ) {
        let Some(rep) = self.reps.get(ri) else {
            return;
        };
        d.outcome = Outcome::Assigned;
        d.via = via;
        d.rep = Some(&rep.id);
        d.rep_name = Some(&rep.name);
        d.calendar_url = rep.calendar_url.as_deref();
        let local = self.zone(rep.zone).local(now);
        let keys = crate::model::rep::period_keys(&local);
        if let Some(rs) = state.reps.get_mut(ri) {
            self.count(rs, ri, keys, caps.matched, true);
        }
        if sla.is_some() {
            if let Some(id) = d.lead_id.clone() {
                let missed_by = state
                    .assignments
                    .get(&id)
                    .map(|a| a.missed_by.clone())
                    .unwrap_or_default();
                state.assignments.insert(
                    id.clone(),
                    Assignment {
                        lead_id: id,
                        rep: rep.id.clone(),
                        team: d.team.map(str::to_string),
                        rule: d.rule.map(str::to_string),
                        pool: d.pool.map(str::to_string),
                        assigned_at: now,
                        touched_at: None,
                        reminders: 0,
                        escalated: false,
                        missed_by,
                        score: d.score.as_ref().map(|s| s.total),
                        fields: self.lead_fields(lead),
                    },
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn pool_lead<'r>(
        &'r self,
        state: &mut State,
        d: &mut Decision<'r>,
        pi: usize,
        lead: &Lead,
        caps: LeadCaps,
        score: Option<f64>,
        now: i64,
    ) {
        let Some(pool) = self.pools.get(pi) else {
            self.fallback(state, d, lead, caps, "unknown pool", None, now);
            return;
        };
        let id = d.lead_id.clone().unwrap_or_default();
        d.outcome = Outcome::Pooled;
        d.via = Via::Pool;
        d.pool = Some(&pool.id);
        d.reason = format!(
            "rule \"{}\" sent it to pool {} ({})",
            d.rule.unwrap_or(""),
            pool.name,
            match pool.visibility {
                crate::config::Visibility::CherryPick => "cherry pick",
                crate::config::Visibility::Blind => "blind pull",
            }
        );
        step_reason(d);
        state.pooled.insert(
            id.clone(),
            PooledLead {
                lead_id: id,
                pool: pool.id.clone(),
                pooled_at: now,
                expires_at: pool.expire_after_ms.map(|ms| now.saturating_add(ms)),
                score,
                rule: d.rule.map(str::to_string),
                fields: self.lead_fields(lead),
            },
        );
    }

    /// Screening-free scoring: group sums, group caps, grade and MQL flag.
    pub(crate) fn score<'r>(&'r self, lead: &Lead, detail: bool) -> Option<Score<'r>> {
        let scoring = self.scoring.as_ref()?;
        let none = Computed::default();
        let mut total = 0.0;
        let mut groups = Vec::new();
        let mut breakdown = Vec::new();
        for g in &scoring.groups {
            let mut raw = 0.0;
            for (id, cond, points) in &g.rules {
                if cond.eval(lead, &none) {
                    raw += points;
                    if detail {
                        breakdown.push(ScoreHit {
                            group: &g.id,
                            rule: id,
                            points: *points,
                        });
                    }
                }
            }
            let points = match g.max {
                Some(m) if raw > m => m,
                _ => raw,
            };
            total += points;
            if detail {
                groups.push(GroupScore {
                    group: &g.id,
                    raw,
                    points,
                });
            }
        }
        let grade = scoring
            .grades
            .iter()
            .find(|(_, min)| total >= *min)
            .map(|(g, _)| g.as_str());
        Some(Score {
            total,
            grade,
            mql: scoring.mql.is_none_or(|m| total >= m),
            groups,
            breakdown,
        })
    }

    pub(crate) fn rep_name(&self, ri: usize) -> &str {
        self.reps.get(ri).map_or("?", |r| r.name.as_str())
    }
}
