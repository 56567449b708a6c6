//! The pure half of routing: everything about a lead that needs no state (score,
//! screening, the known account, the MQL test, the first matching rule), as a ticket
//! that `assign_ticket` completes against the state. Classifying many leads can run in
//! parallel (Web Workers, stateless edge workers); assigning is sequential.

use crate::condition::Computed;
use crate::decision::step_reason;
use crate::decision::{AccountMatch, Decision, Outcome, RuleCheck, RunnerUp, Trace, Via};
use crate::lead::Lead;
use crate::model::account::AccountHit;
use crate::model::{Accounts, Router, Target};
use crate::text::join;

/// A classified lead, ready to be assigned.
#[derive(Debug, Clone)]
pub struct Ticket<'r> {
    /// The decision so far: score, screening outcome, rule checks in the trace.
    pub decision: Decision<'r>,
    pub next: Next,
    /// Conditional cap rules the lead matches.
    pub matched_caps: Vec<usize>,
}

/// What assigning still has to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Rejected by screening: the decision is final.
    Done,
    Route {
        /// The lead's account, whose owner is tried first.
        account: Option<AccountHit>,
        /// Under the MQL threshold: nurture unless the account owner takes it.
        below_mql: bool,
        /// The first matching routing rule (None: the fallback owner).
        rule: Option<usize>,
        /// A matching `account_owner` rule before `rule`, when the account has an
        /// owner or team.
        account_rule: Option<usize>,
    },
}

impl Ticket<'_> {
    /// The rule, team or pool the lead goes to, for sending it where its state lives.
    pub fn rule(&self) -> Option<usize> {
        match &self.next {
            Next::Route { rule, .. } => *rule,
            Next::Done => None,
        }
    }
}

/// A decision before anything is known: what classify starts from, and a ticket read back
/// from the wire (crate::ticket) too.
pub(crate) fn unplaced<'r>(lead_id: Option<String>, trace: Option<Trace<'r>>) -> Decision<'r> {
    Decision {
        lead_id,
        outcome: Outcome::Rejected,
        via: Via::Screening,
        rep: None,
        rep_name: None,
        calendar_url: None,
        team: None,
        pool: None,
        rule: None,
        reason: String::new(),
        score: None,
        replayed: false,
        propensity: None,
        segment: None,
        trace,
        account_tier: None,
    }
}

/// A lead's account for [`Router::classify_as`]: matched already, or to look up.
enum Lookup {
    Now,
    Found(Option<AccountHit>),
}

impl Router {
    /// Classifies a lead without touching any state.
    pub fn classify<'r>(&'r self, lead: &Lead, trace: bool) -> Ticket<'r> {
        self.classify_as(lead, trace, Lookup::Now)
    }

    /// Calls `each` with [`Router::classify`] of every lead, in order, their accounts
    /// matched together ([`Accounts::find_each`]: with a large account list a batch
    /// waits for memory about once a round instead of once a lead). The same tickets
    /// as one at a time.
    pub fn classify_each<'r>(
        &'r self,
        leads: &[&Lead],
        trace: bool,
        mut each: impl FnMut(usize, Ticket<'r>),
    ) {
        match &self.accounts {
            Some(acc) if leads.len() > 1 => {
                acc.find_each(leads, self.free_email.as_deref(), |i, hit| {
                    if let Some(lead) = leads.get(i) {
                        each(i, self.classify_as(lead, trace, Lookup::Found(hit)));
                    }
                });
            }
            _ => {
                for (i, lead) in leads.iter().enumerate() {
                    each(i, self.classify(lead, trace));
                }
            }
        }
    }

    /// [`Router::classify_each`], collected.
    pub fn classify_many<'r>(&'r self, leads: &[&Lead], trace: bool) -> Vec<Ticket<'r>> {
        let mut out = Vec::with_capacity(leads.len());
        self.classify_each(leads, trace, |_, t| out.push(t));
        out
    }

    fn classify_as<'r>(&'r self, lead: &Lead, trace: bool, account: Lookup) -> Ticket<'r> {
        let mut d = unplaced(lead.id().map(str::to_string), trace.then(Trace::default));
        let done = |d: Decision<'r>| Ticket {
            decision: d,
            next: Next::Done,
            matched_caps: Vec::new(),
        };

        // Scoring: every lead, rejected ones too, so reports can say what screening
        // turned away.
        let score = self.score(lead, trace);
        let total = score.as_ref().map(|s| s.total);
        let below_mql = score.as_ref().is_some_and(|s| !s.mql);
        d.score = score;

        // Screening.
        for slot in &self.required {
            if lead.get(*slot).is_missing() {
                d.rule = Some("required");
                d.reason = format!("missing required field \"{}\"", self.schema.name(*slot));
                step_reason(&mut d);
                return done(d);
            }
        }
        let none = Computed::default();
        for r in &self.screening {
            if r.cond.eval(lead, &none) {
                d.rule = Some(&r.id);
                d.reason = join(&["screening rule \"", &r.id, "\": ", &r.reason]);
                step_reason(&mut d);
                return done(d);
            }
        }
        let mut computed = self.computed(total);
        let account = self.accounts.as_ref().and_then(|acc| {
            let hit = match account {
                Lookup::Found(hit) => hit,
                Lookup::Now => acc.find(lead, self.free_email.as_deref()),
            }?;
            computed.account = Some(acc.view(&hit));
            if let Some(t) = d.trace.as_mut() {
                t.account = Some(self.account_match(acc, &hit));
            }
            Some(hit)
        });
        // After the account lookup: cap rules may test `account.*` too.
        let matched_caps = self.matched_caps(lead, &computed);
        // Customers are never nurture.
        let skip_mql =
            below_mql && account.is_some() && self.accounts.as_ref().is_some_and(|a| a.skip_mql);
        let below_mql = below_mql && !skip_mql;
        if skip_mql {
            if let Some(t) = d.trace.as_mut() {
                t.steps
                    .push("known account: the MQL threshold does not apply".to_string());
            }
        }

        // Rules, first match wins (not needed under the MQL threshold). A matching
        // `account_owner` rule is kept aside with the rule after it, which decides when
        // the owner cannot take the lead; without an owner or team it is passed over.
        let account_routable = account.as_ref().is_some_and(|h| {
            h.owner.is_some()
                || h.account
                    .and_then(|i| self.accounts.as_ref()?.get(i))
                    .is_some_and(|a| a.team.is_some())
        });
        let mut account_rule = None;
        let mut matched = None;
        if !below_mql {
            let mut check = |i: usize| {
                let Some(rule) = self.rules.get(i) else {
                    return false;
                };
                let hit = rule.cond.eval(lead, &computed);
                if let Some(t) = d.trace.as_mut() {
                    t.rules.push(RuleCheck {
                        rule: &rule.id,
                        matched: hit,
                    });
                }
                if hit && rule.target == Target::AccountOwner {
                    if account_routable && account_rule.is_none() {
                        account_rule = Some(i);
                    }
                    return false;
                }
                if hit {
                    matched = Some(i);
                }
                hit
            };
            match &self.rule_index {
                // Rules the index rules out for this lead are not evaluated (nor traced).
                Some(index) => index.for_each_candidate(lead, &mut check),
                None => {
                    for i in 0..self.rules.len() {
                        if check(i) {
                            break;
                        }
                    }
                }
            }
        }
        Ticket {
            decision: d,
            next: Next::Route {
                account,
                below_mql,
                rule: matched,
                account_rule,
            },
            matched_caps,
        }
    }
}

impl Router {
    pub(crate) fn account_match<'r>(
        &'r self,
        acc: &'r Accounts,
        hit: &AccountHit,
    ) -> AccountMatch<'r> {
        let id = |i: u32| acc.get(i).map(|a| &*a.id);
        AccountMatch {
            account: hit.account.and_then(id),
            tier: hit.tier.as_str(),
            score: hit.score,
            matched: hit.matched.clone(),
            owner_from: hit
                .account
                .and_then(|i| acc.get(i))
                .and_then(|a| a.owner_from)
                .and_then(id),
            runner_up: hit.runner_up.and_then(|(i, score)| {
                Some(RunnerUp {
                    account: id(i)?,
                    score,
                })
            }),
        }
    }
}
