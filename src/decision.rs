//! What routing returns for one lead: the outcome, where it went, why, the score
//! breakdown and (optionally) the full trace of rules and candidate reps.

use serde::Serialize;

#[cfg(feature = "ts")]
use tsify::Tsify;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Assigned,
    Pooled,
    Nurture,
    Rejected,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Assigned,
        Outcome::Pooled,
        Outcome::Nurture,
        Outcome::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Assigned => "assigned",
            Outcome::Pooled => "pooled",
            Outcome::Nurture => "nurture",
            Outcome::Rejected => "rejected",
        }
    }
}

/// The path that placed the lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Rejected by screening.
    Screening,
    /// Below the MQL threshold.
    Scoring,
    /// Known account: the account owner.
    AccountOwner,
    /// Lead-to-lead: the rep who has the same person's or company's recent lead.
    ExistingLead,
    /// A rule naming one rep.
    Rule,
    /// A team's strategy picked a member.
    Team,
    /// No member could take it: the team's default owner.
    TeamDefaultOwner,
    /// Sent to a pool.
    Pool,
    /// A rep claimed it from a pool.
    Claim,
    /// Re-routed after an SLA breach or pool expiry.
    Reroute,
    /// Nothing else could place it: the fallback owner.
    Fallback,
}

impl Via {
    pub const ALL: [Via; 11] = [
        Via::Screening,
        Via::Scoring,
        Via::AccountOwner,
        Via::ExistingLead,
        Via::Rule,
        Via::Team,
        Via::TeamDefaultOwner,
        Via::Pool,
        Via::Claim,
        Via::Reroute,
        Via::Fallback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Via::Screening => "screening",
            Via::Scoring => "scoring",
            Via::AccountOwner => "account_owner",
            Via::ExistingLead => "existing_lead",
            Via::Rule => "rule",
            Via::Team => "team",
            Via::TeamDefaultOwner => "team_default_owner",
            Via::Pool => "pool",
            Via::Claim => "claim",
            Via::Reroute => "reroute",
            Via::Fallback => "fallback",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct Decision<'r> {
    pub lead_id: Option<String>,
    pub outcome: Outcome,
    pub via: Via,
    pub rep: Option<&'r str>,
    pub rep_name: Option<&'r str>,
    pub calendar_url: Option<&'r str>,
    pub team: Option<&'r str>,
    pub pool: Option<&'r str>,
    /// The routing or screening rule that decided, if any.
    pub rule: Option<&'r str>,
    /// One line a person can read.
    pub reason: String,
    pub score: Option<Score<'r>>,
    /// True when the lead id was routed before: this is that earlier placement, and
    /// nothing was counted again.
    pub replayed: bool,
    /// The learned pick's probability of choosing this rep for this lead (for
    /// inverse-propensity estimates from logs); absent for every other pick.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub propensity: Option<f64>,
    /// The learned pick's segment of the lead (hex), for callers that remember the
    /// placement themselves (`record_placed_outcome`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace<'r>>,
    /// The tier of the account classify matched: `Some(None)` when it looked and found
    /// none, `None` when it did not look (a lead screened out, a replay). Not part of
    /// the decision's JSON: the simulation's account report counts it instead of
    /// matching the lead a second time.
    #[serde(skip)]
    pub account_tier: Option<Option<&'static str>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct Score<'r> {
    pub total: f64,
    pub grade: Option<&'r str>,
    /// True when at or above the MQL threshold (true when none is set).
    pub mql: bool,
    pub groups: Vec<GroupScore<'r>>,
    pub breakdown: Vec<ScoreHit<'r>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct GroupScore<'r> {
    pub group: &'r str,
    /// Sum of the matched rules' points.
    pub raw: f64,
    /// After the group's cap.
    pub points: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct ScoreHit<'r> {
    pub group: &'r str,
    pub rule: &'r str,
    pub points: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct Trace<'r> {
    /// Routing rules checked in order, up to the first match.
    pub rules: Vec<RuleCheck<'r>>,
    /// Every rep considered, and why each was or was not chosen.
    pub candidates: Vec<Candidate<'r>>,
    /// The steps taken, in order, in plain words.
    pub steps: Vec<String>,
    /// The account the lead matched: tier, score and runner-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountMatch<'r>>,
}

/// How a lead matched an account.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct AccountMatch<'r> {
    /// The account id (absent for an `accounts.owners` domain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<&'r str>,
    /// `domain`, `name` or `fuzzy`.
    pub tier: &'static str,
    /// 1 for the exact tiers, the name similarity for `fuzzy`.
    pub score: f64,
    /// The domain or the company name that matched.
    pub matched: String,
    /// The parent account whose owner the lead goes to, when inherited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_from: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<RunnerUp<'r>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
pub struct RunnerUp<'r> {
    pub account: &'r str,
    pub score: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct RuleCheck<'r> {
    pub rule: &'r str,
    pub matched: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[cfg_attr(feature = "ts", tsify(missing_as_null))]
pub struct Candidate<'r> {
    pub rep: &'r str,
    pub chosen: bool,
    pub reason: CandidateReason,
    /// Specifics, e.g. `month cap 150 reached`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The candidate's preference vector (relaxed requirements first, then each
    /// preference in order, or their weighted sum) when the team ranks reps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<Vec<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(Tsify))]
#[serde(rename_all = "snake_case")]
pub enum CandidateReason {
    /// Picked by the strategy.
    NextInLine,
    WeightedTurn,
    TopPerformer,
    LeastLoaded,
    /// Stateless mode: highest rendezvous hash for this lead.
    HighestHash,
    AccountOwner,
    /// Has the same person's or company's recent lead.
    ExistingLead,
    NamedByRule,
    DefaultOwner,
    FallbackOwner,
    /// Skipped: cannot take leads now.
    Busy,
    Away,
    OutOfOffice,
    OutOfHours,
    AtDayCap,
    AtWeekCap,
    AtMonthCap,
    /// Eligible but not chosen.
    NotInTerritory,
    LessSpecificTerritory,
    MissingRequired,
    FewerPreferred,
    NotNextInLine,
    NotWeightedTurn,
    NotTopPerformer,
    MoreLoaded,
    LowerHash,
    /// Missed the SLA on this lead already.
    MissedSla,
    /// Learned pick: the highest Thompson draw for this lead.
    HighestDraw,
    /// Learned pick: owed a lead under the fairness floor, chosen over the highest draw.
    FairnessFloor,
    /// Learned pick: a lower draw than the chosen rep's.
    LowerDraw,
    /// Learned pick: the highest draw, but another rep was owed a lead by the floor.
    OverriddenByFloor,
}

impl From<crate::model::rep::Unavailable> for CandidateReason {
    fn from(u: crate::model::rep::Unavailable) -> Self {
        use crate::model::rep::Unavailable as U;
        match u {
            U::Busy => CandidateReason::Busy,
            U::Away => CandidateReason::Away,
            U::OutOfOffice => CandidateReason::OutOfOffice,
            U::OutOfHours => CandidateReason::OutOfHours,
            U::AtDayCap => CandidateReason::AtDayCap,
            U::AtWeekCap => CandidateReason::AtWeekCap,
            U::AtMonthCap => CandidateReason::AtMonthCap,
        }
    }
}

// How routing writes the trace as it goes: steps and candidates, only when tracing.

/// Records the decision's reason as a step (only when tracing).
pub(crate) fn step_reason(d: &mut Decision) {
    if let Some(t) = d.trace.as_mut() {
        t.steps.push(d.reason.clone());
    }
}

pub(crate) fn step(d: &mut Decision, f: impl FnOnce() -> String) {
    if let Some(t) = d.trace.as_mut() {
        t.steps.push(f());
    }
}

pub(crate) fn candidate<'r>(
    d: &mut Decision<'r>,
    rep: &'r str,
    chosen: bool,
    reason: CandidateReason,
    detail: Option<String>,
) {
    if let Some(t) = d.trace.as_mut() {
        t.candidates.push(Candidate {
            rep,
            chosen,
            reason,
            detail,
            rank: None,
        });
    }
}
