//! The Markets tab's model: which system of markets is shown (a system preset, with the links the
//! reader cut), and what its run and its contagion table say, boiled down to what the tab draws.
//! Computed in the compute worker a piece at a time (the run, then the counterfactual runs of the
//! contagion table); pure and natively tested.

use flushlab_engine::analysis::{contagion_prepared, past_the_record_by_moves, Contagion};
use flushlab_engine::budget;
use flushlab_engine::error::Work;
use flushlab_engine::presets;
use flushlab_engine::system::{
    run_system_prepared, AccountGroup, Collateral, Link, MarketSpec, System, SystemOutcome,
};
use serde::{Deserialize, Serialize};

use crate::analyses::PAGE_RUN_S;
use crate::session::SystemSession;

/// The system preset the Markets tab opens with.
pub const DEFAULT_SYSTEM: &str = "two-venues-one-asset";

/// What the reader chose in the Markets tab: a system preset or the reader's own system (imported,
/// or a preset with markets edited in the sidebar), which of its links are cut, and the shock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MarketsChoice {
    /// The system preset shown; empty: the reader's own system (`own`).
    pub preset: String,
    /// One per link of the system, in its order (missing ones: as the system has them).
    #[serde(default)]
    pub cut: Vec<bool>,
    /// The common shock's move, percent, when the reader moved it (else the system's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shock_pct: Option<f64>,
    /// The reader's own system, kept while a preset is shown so that choosing it again brings it
    /// back; its links' cuts and its shock are the choice's, not baked in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own: Option<OwnSystem>,
}

/// The reader's own system and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnSystem {
    pub system: System,
    /// The preset it was edited from ("" when imported or opened from a link).
    #[serde(default)]
    pub from: String,
}

/// The range of the Markets tab's common shock slider, percent.
pub const SHOCK_RANGE: (f64, f64) = (-30.0, 30.0);

impl Default for MarketsChoice {
    fn default() -> MarketsChoice {
        MarketsChoice {
            preset: DEFAULT_SYSTEM.to_string(),
            cut: Vec::new(),
            shock_pct: None,
            own: None,
        }
    }
}

impl MarketsChoice {
    /// The system preset built on the page's one-market `preset` (a file's `based_on`:
    /// btc-2025-10-10 across venues), when the tab shows another: the tab offers it.
    pub fn suggestion(&self, preset: &str) -> Option<&'static presets::SystemPreset> {
        presets::system_based_on(preset).filter(|system| system.name != self.preset)
    }

    /// The reader's own system, shown (an imported file, a link's, or a restored one). Links
    /// the file has cut (an export of a choice with links cut writes them so) become the choice's
    /// cuts: baked into its system, their boxes showed unticked and nothing could restore them.
    pub fn own(mut system: System, from: &str) -> MarketsChoice {
        let cut: Vec<bool> = system
            .links
            .iter_mut()
            .map(|link| {
                let was = link.is_cut();
                link.set_cut(false);
                was
            })
            .collect();
        MarketsChoice {
            preset: String::new(),
            cut: if cut.contains(&true) { cut } else { Vec::new() },
            own: Some(OwnSystem {
                system,
                from: from.to_string(),
            }),
            ..MarketsChoice::default()
        }
    }

    /// Whether the reader's own system is shown.
    pub fn shows_own(&self) -> bool {
        self.preset.is_empty() && self.own.is_some()
    }

    /// The system shown before its links are cut and its shock moved: the reader's own, or the
    /// preset (the default one for an unknown name).
    pub fn base(&self) -> System {
        self.with_base(System::clone)
    }

    /// `read` of the system [`Self::base`] gives, lent rather than copied (the controls read
    /// it on every change of the tab).
    pub fn with_base<R>(&self, read: impl FnOnce(&System) -> R) -> R {
        if let (true, Some(own)) = (self.preset.is_empty(), &self.own) {
            return read(&own.system);
        }
        let all = presets::system_presets();
        let find = |name: &str| all.iter().find(|preset| preset.name == name);
        let preset = find(&self.preset)
            .or_else(|| find(DEFAULT_SYSTEM))
            .expect("the default system preset exists (tested)");
        read(&preset.system)
    }

    /// The system this choice runs: the base with the chosen links cut and the shock moved.
    pub fn system(&self) -> System {
        let mut system = self.base();
        for (link, cut) in system.links.iter_mut().zip(&self.cut) {
            if *cut {
                link.set_cut(true);
            }
        }
        match self.shock_pct {
            // Only a move the slider can set (a hand-made autosave or link may say anything).
            Some(pct) if pct.is_finite() && (SHOCK_RANGE.0..=SHOCK_RANGE.1).contains(&pct) => {
                system.with_shock_pct(pct)
            }
            _ => system,
        }
    }

    /// The name of the preset the shown system is or came from ("" for an imported one).
    pub fn origin(&self) -> &str {
        match (&self.own, self.preset.is_empty()) {
            (Some(own), true) => &own.from,
            _ => &self.preset,
        }
    }

    /// The choice after market `i` was edited to `scenario` (its market, positions, venue,
    /// traders, agents, build-up): the reader's own system from then on, cuts and shock kept.
    /// None when nothing changed; the system's problems when the edit does not fit it (an
    /// account or loan no longer valid in the market).
    pub fn with_market(
        &self,
        i: usize,
        scenario: &flushlab_engine::Scenario,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        let base = self.base();
        if i >= base.markets.len() {
            return Ok(None);
        }
        let edited = base.with_market_scenario(i, scenario);
        self.own_with(&base, edited)
    }

    /// The choice after arbitrage link `k`'s capital per step was set to `usd` (None: as much
    /// as closing the gap takes), the reader's own system from then on; None when nothing
    /// changed or link `k` is not arbitrage.
    pub fn with_link_capital(
        &self,
        k: usize,
        usd: Option<f64>,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_link(k, |link| link.capital_usd_per_step = usd)
    }

    /// The choice after arbitrage link `k`'s threshold was set to `pct` (the gap, percent, below
    /// which trading does not pay), the reader's own system from then on.
    pub fn with_link_threshold(
        &self,
        k: usize,
        pct: f64,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_link(k, |link| link.threshold_pct = pct)
    }

    /// The choice after arbitrage link `k`'s latency was set to `steps`, the reader's own system
    /// from then on.
    pub fn with_link_latency(
        &self,
        k: usize,
        steps: u32,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_link(k, |link| link.latency_steps = steps)
    }

    /// The choice after link `k`'s two venues' marks were set to follow their common index
    /// (`on`) or each its own book, the reader's own system from then on.
    pub fn with_link_index_marks(
        &self,
        k: usize,
        on: bool,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_link(k, |link| link.index_marks = on)
    }

    /// The choice after `edit` changed arbitrage link `k` (validated with the whole system);
    /// None when nothing changed or there is no link `k`.
    fn with_link(
        &self,
        k: usize,
        edit: impl FnOnce(&mut flushlab_engine::system::ArbitrageLink),
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_system(|system| match system.links.get_mut(k) {
            Some(Link::Arbitrage(link)) => {
                edit(link);
                true
            }
            None => false,
        })
    }

    /// The choice after market `i`'s share of the common shock was set to `beta`, the reader's
    /// own system from then on; None when nothing changed or there is no market `i`.
    pub fn with_beta(
        &self,
        i: usize,
        beta: f64,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_system(|system| match system.markets.get_mut(i) {
            Some(market) => {
                market.shock_beta = beta;
                true
            }
            None => false,
        })
    }

    /// The choice after account group `k`'s collateral token was set to depeg by `pct` (negative:
    /// below its dollar), the reader's own system from then on; None when nothing changed or
    /// group `k` has no token collateral.
    pub fn with_group_depeg(
        &self,
        k: usize,
        pct: f64,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_system(|system| match system.accounts.get_mut(k) {
            Some(AccountGroup {
                collateral: Collateral::Token { depeg_pct, .. },
                ..
            }) => {
                *depeg_pct = pct;
                true
            }
            _ => false,
        })
    }

    /// The choice after lending protocol `k`'s liquidation threshold (a loan-to-value) was set
    /// to `ltv`, the reader's own system from then on.
    pub fn with_lending_threshold(
        &self,
        k: usize,
        ltv: f64,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_lending(k, |lending| lending.liquidation_threshold = ltv)
    }

    /// The highest loan-to-value lending protocol `k`'s generated loans open at (None for a
    /// listed pool, or no protocol `k`).
    pub fn lending_ltv_max(&self, k: usize) -> Option<f64> {
        self.with_base(|base| match &base.lending.get(k)?.borrowers {
            flushlab_engine::system::Borrowers::Generate(pool) => Some(pool.ltv_max),
            flushlab_engine::system::Borrowers::List(_) => None,
        })
    }

    /// The choice after lending protocol `k`'s oracle was set to lag the markets by `steps`,
    /// the reader's own system from then on.
    pub fn with_lending_delay(
        &self,
        k: usize,
        steps: u32,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_lending(k, |lending| lending.oracle_delay_steps = steps)
    }

    /// The choice after `edit` changed lending protocol `k`; None when nothing changed or there
    /// is no protocol `k`.
    fn with_lending(
        &self,
        k: usize,
        edit: impl FnOnce(&mut flushlab_engine::system::Lending),
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        self.with_system(|system| match system.lending.get_mut(k) {
            Some(lending) => {
                edit(lending);
                true
            }
            None => false,
        })
    }

    /// The choice after `edit` changed the base system (validated whole), the reader's own
    /// from then on; None when `edit` found nothing to change (it says so by returning false)
    /// or changed nothing.
    fn with_system(
        &self,
        edit: impl FnOnce(&mut System) -> bool,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        let base = self.base();
        let mut edited = base.clone();
        if !edit(&mut edited) {
            return Ok(None);
        }
        self.own_with(&base, edited)
    }

    /// The choice showing `edited` (the base system changed) as the reader's own, cuts and shock
    /// kept; None when it is the base; its problems when it does not validate.
    fn own_with(
        &self,
        base: &System,
        edited: System,
    ) -> Result<Option<MarketsChoice>, flushlab_engine::ScenarioError> {
        if edited == *base {
            return Ok(None);
        }
        edited.validate()?;
        let from = self.origin().to_string();
        Ok(Some(MarketsChoice {
            own: Some(OwnSystem {
                system: edited,
                from,
            }),
            preset: String::new(),
            ..self.clone()
        }))
    }

    /// Arbitrage link `k`'s capital per step in the base system (None: unlimited, or no such
    /// link).
    pub fn link_capital(&self, k: usize) -> Option<f64> {
        self.link(k, |link| link.capital_usd_per_step)?
    }

    /// Arbitrage link `k`'s threshold, percent (None: no such link).
    pub fn link_threshold(&self, k: usize) -> Option<f64> {
        self.link(k, |link| link.threshold_pct)
    }

    /// Whether link `k`'s venues mark to their common index (None: no such link).
    pub fn link_index_marks(&self, k: usize) -> Option<bool> {
        self.link(k, |link| link.index_marks)
    }

    /// Arbitrage link `k`'s latency, steps (None: no such link).
    pub fn link_latency(&self, k: usize) -> Option<u32> {
        self.link(k, |link| link.latency_steps)
    }

    /// Account group `k`'s collateral depeg, percent (None: no such group, or its collateral is
    /// not a token).
    pub fn group_depeg(&self, k: usize) -> Option<f64> {
        self.with_base(|base| match base.accounts.get(k)?.collateral {
            Collateral::Token { depeg_pct, .. } => Some(depeg_pct),
            _ => None,
        })
    }

    /// Lending protocol `k`'s liquidation threshold and oracle delay (None: no such protocol).
    pub fn lending_rules(&self, k: usize) -> Option<(f64, u32)> {
        self.with_base(|base| {
            let lending = base.lending.get(k)?;
            Some((lending.liquidation_threshold, lending.oracle_delay_steps))
        })
    }

    /// `read` of arbitrage link `k` of the system shown (None: no such link).
    fn link<R>(
        &self,
        k: usize,
        read: impl FnOnce(&flushlab_engine::system::ArbitrageLink) -> R,
    ) -> Option<R> {
        self.with_base(|base| base.links.get(k).map(|Link::Arbitrage(link)| read(link)))
    }

    /// The choice showing system preset `name` afresh (no cuts, its own shock), the reader's own
    /// system kept for the menu.
    pub fn showing(&self, name: &str) -> MarketsChoice {
        MarketsChoice {
            preset: name.to_string(),
            own: self.own.clone(),
            ..MarketsChoice::default()
        }
    }

    /// The choice as restored from an autosave: an own system that no longer validates (a
    /// hand-edited store, an older format) is dropped, and the preset shown instead (the page
    /// says so: [`MarketsChoice::own`] is then `None` where it was not).
    pub fn checked(mut self) -> MarketsChoice {
        if let Some(own) = &self.own {
            if own.system.version != flushlab_engine::system::SYSTEM_VERSION
                || own.system.validate().is_err()
            {
                if self.preset.is_empty() {
                    self.preset = Some(own.from.clone())
                        .filter(|from| presets::find_system(from).is_some())
                        .unwrap_or_else(|| DEFAULT_SYSTEM.to_string());
                }
                self.own = None;
            }
        } else if self.preset.is_empty() {
            self.preset = DEFAULT_SYSTEM.to_string();
        }
        self
    }

    /// The common shock's move as the slider shows it: the reader's, or the preset's own (a
    /// market order's, as it moves the untouched book of the first market it hits).
    pub fn shock_shown(&self) -> f64 {
        if let Some(pct) = self.shock_pct {
            return pct;
        }
        round_hundredth(self.system().shock_move_pct())
    }

    /// Whether link `k` is cut.
    pub fn is_cut(&self, k: usize) -> bool {
        self.cut.get(k).copied().unwrap_or(false)
    }

    /// The same choice with link `k` cut or restored.
    pub fn with_cut(&self, k: usize, cut: bool) -> MarketsChoice {
        let mut next = self.clone();
        if next.cut.len() <= k {
            next.cut.resize(k + 1, false);
        }
        next.cut[k] = cut;
        next
    }
}

/// To the hundredth, as the shock slider steps: a market order's move is a long decimal.
fn round_hundredth(pct: f64) -> f64 {
    (pct * 100.0).round() / 100.0
}

/// One market as the tab draws it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MarketLine {
    pub id: String,
    pub asset: String,
    /// What a sentence calls it (`MarketSpec::name`).
    pub name: String,
    /// What its node in the diagram and its legend call it (`MarketSpec::label`).
    pub label: String,
    /// Last price at the start and after every step.
    pub path: Vec<f64>,
    /// Notional liquidated from the market's own positions per step (longs and shorts), USD.
    pub liquidated_by_step_usd: Vec<f64>,
    /// Notional auto-deleveraged against the market's winners per step (its own bankrupt
    /// positions' and cross-margin accounts' losing legs), USD.
    pub adl_by_step_usd: Vec<f64>,
    /// The run's deepest fall and highest rise from the start, percent, both positive (the
    /// outcome's `max_drawdown_pct` and `max_rise_pct`).
    pub trough_pct: f64,
    pub peak_pct: f64,
}

/// A row of the contagion table's money columns, USD: a market's ([`RowFigures::of`]), or
/// every market's summed ([`MarketsView::table_totals`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RowFigures {
    pub liquidated_alone_usd: f64,
    pub liquidated_linked_usd: f64,
    pub from_links_usd: f64,
    /// The accounts' forced trades by what tipped the account: a loss in the market they were
    /// in, a loss in another market, the collateral's fall.
    pub accounts_usd: [f64; 3],
    pub lending_usd: f64,
}

impl RowFigures {
    pub fn of(row: &flushlab_engine::analysis::contagion::ContagionRow) -> RowFigures {
        RowFigures {
            liquidated_alone_usd: row.alone.liquidated_usd,
            liquidated_linked_usd: row.linked.liquidated_usd,
            from_links_usd: row.from_links_usd,
            accounts_usd: [
                row.accounts_from_this_market_usd,
                row.accounts_from_other_markets_usd,
                row.accounts_from_collateral_usd,
            ],
            lending_usd: row.lending_sold_usd,
        }
    }

    fn add(&mut self, other: &RowFigures) {
        self.liquidated_alone_usd += other.liquidated_alone_usd;
        self.liquidated_linked_usd += other.liquidated_linked_usd;
        self.from_links_usd += other.from_links_usd;
        for (sum, usd) in self.accounts_usd.iter_mut().zip(other.accounts_usd) {
            *sum += usd;
        }
        self.lending_usd += other.lending_usd;
    }
}

/// One flow between (or into) markets, step by step, for the diagram: arbitrage between two
/// markets, a group of cross-margin accounts' forced trades, or a lending protocol's sales.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowLine {
    pub kind: FlowKind,
    /// Its name ("venue-a / venue-b" for arbitrage, the group's or protocol's id).
    pub name: String,
    /// The markets it touches (two for arbitrage: first, second).
    pub markets: Vec<usize>,
    /// Whether the reader cut it (arbitrage only).
    pub cut: bool,
    /// USD per step: for arbitrage, bought in the first market and sold in the second
    /// (negative the other way); otherwise forced trades into the books, in all.
    pub by_step_usd: Vec<f64>,
    /// Accounts or loans liquidated (none for arbitrage).
    pub liquidated: usize,
    pub of: usize,
    /// Accounts among them whose losing legs were auto-deleveraged.
    pub deleveraged: usize,
}

/// What a flow is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlowKind {
    #[default]
    Arbitrage,
    Accounts,
    Lending,
}

/// The Markets tab's view of the chosen system: its run, then its contagion table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MarketsView {
    #[serde(skip)]
    pub key: Option<System>,
    /// The common shock of the system this view is of (what its headline says).
    pub shock_pct: f64,
    /// Every market's name and share of the common shock (its beta), in the system's order:
    /// which markets the shock hits, for the headline and the line under the shock slider
    /// (`key` stays in the worker).
    #[serde(default)]
    pub shares: Vec<(String, f64)>,
    /// A market sell's size, USD, when the shock is one (the slider gives the move it makes).
    #[serde(default)]
    pub sell_usd: Option<f64>,
    /// The compute worker's time for the system's run, ms (when it ran there).
    pub run_ms: Option<f64>,
    pub step_s: f64,
    /// The time of day the system's run starts at, minutes after midnight UTC, when it names
    /// one (`run.start_utc`): the prices chart's time axis counts from it.
    #[serde(default)]
    pub start_minute_utc: Option<u32>,
    pub markets: Vec<MarketLine>,
    pub flows: Vec<FlowLine>,
    /// Whether the run is in (else the markets and flows are empty).
    pub ran: bool,
    pub contagion: Option<Contagion>,
    /// Why it is not computed (over the page's budget), if it is not.
    pub problem: Option<String>,
    /// Over the page's budget: the estimated seconds of its run and contagion table (what
    /// "Run it" agrees to wait for).
    #[serde(default)]
    pub over_budget_s: Option<f64>,
}

impl MarketsView {
    /// A new, empty view of `system`, over the page's budget unless its estimate is within
    /// `approved_s`, the most the user agreed to wait for.
    pub fn plan(system: &System, approved_s: f64) -> MarketsView {
        let seconds = system.budget_seconds();
        let runs = 3 + system.links.len();
        let estimate = seconds * runs as f64;
        let problem = budget::Estimate {
            seconds: estimate,
            reduce: system.budget_levers(),
        }
        .check(Work::Scenario, (PAGE_RUN_S * runs as f64).max(approved_s))
        .err()
        .map(|error| crate::codec::problems_text(&error));
        let over_budget_s = problem.is_some().then_some(estimate);
        MarketsView {
            key: Some(system.clone()),
            shock_pct: round_hundredth(system.shock_move_pct()),
            shares: system
                .markets
                .iter()
                .map(|market| (market.name().to_string(), market.shock_beta))
                .collect(),
            sell_usd: (system.shock.kind == flushlab_engine::scenario::ShockKind::Sell)
                .then_some(system.shock.notional_usd),
            step_s: system.run.step_s,
            start_minute_utc: system.run.start_minute_utc(),
            problem,
            over_budget_s,
            ..MarketsView::default()
        }
    }

    pub fn is_done(&self) -> bool {
        self.problem.is_some() || self.key.is_none() || (self.ran && self.contagion.is_some())
    }

    /// The next piece: the run, then the contagion table, on the populations `session` keeps
    /// (built once for a system, whatever its shock and cuts). Returns whether more is left.
    pub fn step(&mut self, session: &mut SystemSession) -> bool {
        if self.is_done() {
            return false;
        }
        let Some(system) = self.key.clone() else {
            return false;
        };
        // Its budget was checked by `plan` (the run and the contagion table's runs); a system
        // that does not validate never reaches its second piece.
        if !self.ran {
            if let Err(error) = system.validate() {
                self.problem = Some(crate::codec::problems_text(&error));
                return false;
            }
        }
        let scenarios = system.market_scenarios();
        let (tables, accounts) = session.populations(&system, &scenarios);
        if !self.ran {
            let outcome = run_system_prepared(&system, &scenarios, &tables, accounts);
            self.take(&system, &outcome);
        } else {
            self.contagion = Some(contagion_prepared(&system, &scenarios, &tables, accounts));
        }
        !self.is_done()
    }

    fn take(&mut self, system: &System, outcome: &SystemOutcome) {
        self.ran = true;
        self.markets = outcome
            .markets
            .iter()
            .map(|market| {
                let summary = &market.outcome.summary;
                let spec = system.market_index(&market.id).map(|i| &system.markets[i]);
                MarketLine {
                    id: market.id.clone(),
                    asset: market.asset.clone(),
                    name: spec
                        .map_or(market.id.as_str(), MarketSpec::name)
                        .to_string(),
                    label: spec.map_or_else(|| market.id.clone(), MarketSpec::label),
                    path: std::iter::once(summary.start_price)
                        .chain(market.outcome.steps.iter().map(|step| step.last))
                        .collect(),
                    liquidated_by_step_usd: market
                        .outcome
                        .steps
                        .iter()
                        .map(|step| step.liquidated_long_usd + step.liquidated_short_usd)
                        .collect(),
                    adl_by_step_usd: market
                        .outcome
                        .steps
                        .iter()
                        .map(|step| step.adl_usd)
                        .collect(),
                    trough_pct: summary.max_drawdown_pct,
                    peak_pct: summary.max_rise_pct,
                }
            })
            .collect();
        let index = |id: &str| system.market_index(id).unwrap_or(0);
        let mut flows = Vec::new();
        for (link, report) in system.links.iter().zip(&outcome.arbitrage) {
            let Link::Arbitrage(_) = link;
            flows.push(FlowLine {
                kind: FlowKind::Arbitrage,
                name: system.link_name(link),
                markets: report.markets.iter().map(|id| index(id)).collect(),
                cut: report.cut,
                by_step_usd: report.by_step_usd.clone(),
                liquidated: 0,
                of: 0,
                deleveraged: 0,
            });
        }
        for group in &outcome.accounts {
            let touched: Vec<usize> = (0..group.markets.len())
                .filter(|&i| {
                    let flows = &group.markets[i];
                    flows.sold_usd + flows.bought_usd + flows.deleveraged_usd > 0.0
                })
                .collect();
            let steps = group.collateral_price.len();
            flows.push(FlowLine {
                kind: FlowKind::Accounts,
                name: group.id.clone(),
                by_step_usd: (0..steps)
                    .map(|k| group.markets.iter().map(|m| m.by_step_usd[k]).sum())
                    .collect(),
                markets: touched,
                cut: false,
                liquidated: group.liquidated_accounts,
                of: group.accounts,
                deleveraged: group.deleveraged_accounts,
            });
        }
        for protocol in &outcome.lending {
            flows.push(FlowLine {
                kind: FlowKind::Lending,
                name: protocol.id.clone(),
                markets: vec![index(&protocol.sell_into)],
                cut: false,
                by_step_usd: protocol.sold_by_step_usd.clone(),
                liquidated: protocol.loans_liquidated,
                of: protocol.loans,
                deleveraged: 0,
            });
        }
        self.flows = flows;
    }
}

impl MarketsView {
    /// What a sentence calls the market with this id, from the run's lines (the view a worker
    /// sends has no system): the id itself for a market the run lacks.
    pub fn name_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.markets
            .iter()
            .find(|market| market.id == id)
            .map_or(id, |market| market.name.as_str())
    }

    /// The tab's headline once the run is in: the common shock of the system it ran, how far
    /// each market fell, and what was liquidated in all.
    pub fn headline(&self) -> Option<String> {
        if !self.ran {
            return None;
        }
        let words = &crate::catalogue::text::text().charts;
        // Each market's largest move: its fall, or its rise after a squeeze, and where (the
        // trough, the peak); then the markets that did not move.
        let (moved, unmoved): (Vec<&MarketLine>, Vec<&MarketLine>) = self
            .markets
            .iter()
            .partition(|market| !crate::format::shown_as_zero(market.largest_move_pct()));
        let mut moves: Vec<String> = moved
            .iter()
            .map(|market| {
                let template = if market.rises() {
                    words.markets_headline_rose
                } else {
                    words.markets_headline_fell
                };
                crate::catalogue::text::fill(
                    template,
                    &[
                        ("market", &market.name),
                        // Two decimals under 1%, as every move is written.
                        (
                            "pct",
                            &crate::headline::unsigned_pct(market.largest_move_pct()),
                        ),
                    ],
                )
            })
            .collect();
        let rising = moved.iter().filter(|market| market.rises()).count();
        if let Some(last) = moves.last_mut() {
            let at = match rising {
                0 => words.markets_at_trough,
                all if all == moved.len() => words.markets_at_peak,
                _ => words.markets_at_extremes,
            };
            *last = format!("{last} {at}");
        }
        moves.extend(unmoved.iter().map(|market| {
            crate::catalogue::text::fill(words.markets_headline_still, &[("market", &market.name)])
        }));
        let liquidated: f64 = self
            .markets
            .iter()
            .map(|market| market.liquidated_until(None))
            .sum();
        // A shock that hits one market of several is that market's, not a common one; one too
        // small to write is none.
        let shocked = self.shocked();
        let (template, hit) = match shocked.as_slice() {
            _ if crate::format::shown_as_zero(self.shock_pct) => (words.markets_headline_none, ""),
            [only] if self.markets.len() > 1 => (words.markets_headline_one, only.as_str()),
            _ => (words.markets_headline, ""),
        };
        Some(crate::catalogue::text::fill(
            template,
            &[
                ("market", hit),
                // As the flush tab says its shock: "A 3.3% drop", not "A -3.3% shock".
                ("shock", &crate::headline::unsigned_pct(self.shock_pct)),
                (
                    "shock_word",
                    crate::headline::shock_word(self.shock_pct > 0.0),
                ),
                ("moves", &moves.join(", ")),
                ("usd", &crate::format::usd(liquidated)),
                ("markets", &self.liquidated_across()),
                // What accounts and loans were forced to sell: the markets' own liquidations
                // leave it out (2025-10-10 across venues said $9.50bn beside $3.37bn more).
                ("more", &self.forced_beyond_markets(liquidated)),
                // A market the shock hits by more or less than its whole, said where the shock
                // is ("A 7.8% common drop (Hyperliquid-ruled alts by 2x)": its 31% fall read as a 7.8%
                // shock's).
                ("shares", &{
                    let shares = self.partial_shares();
                    if shares.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", crate::headline::join_and(&shares))
                    }
                }),
            ],
        ))
    }
}

impl MarketsView {
    /// The contagion table's heads of its "links on" columns (move, liquidated, change from the
    /// links): with a link cut, the linked run is the system as set, not with every link on (the
    /// heads said "links on" over a cut run's figures, "$0" from the links).
    pub fn linked_heads(&self) -> [&'static str; 3] {
        let words = &crate::catalogue::text::text().charts;
        if !self.has_links() {
            // Nothing to cut: one run, so its figures are simply the system's.
            [
                words.markets_move,
                words.markets_liquidated,
                words.markets_from_links,
            ]
        } else if self.flows.iter().any(|flow| flow.cut) {
            [
                words.markets_move_as_set,
                words.markets_liquidated_as_set,
                words.markets_from_links_as_set,
            ]
        } else {
            [
                words.markets_move_linked,
                words.markets_liquidated_linked,
                words.markets_from_links,
            ]
        }
    }

    /// Whether the system has arbitrage links (cut or not). Without them the contagion table's
    /// "links cut" columns repeat its "links on" ones and its change from the links is $0 on
    /// every row (the cross-margin system's table read as three columns of nothing), so it
    /// shows each market's figures once.
    pub fn has_links(&self) -> bool {
        self.flows
            .iter()
            .any(|flow| flow.kind == FlowKind::Arbitrage)
    }

    /// The contagion table's last row: every market's figures summed (liquidated links cut and
    /// on, the change from the links, the accounts' forced trades by cause, the lending
    /// liquidators' sales), so the headline's totals can be read off the table. `None` until the
    /// table is in, or for one market.
    pub fn table_totals(&self) -> Option<RowFigures> {
        let table = self
            .contagion
            .as_ref()
            .filter(|table| table.markets.len() > 1)?;
        let mut totals = RowFigures::default();
        for row in &table.markets {
            totals.add(&RowFigures::of(row));
        }
        Some(totals)
    }

    /// Which of the contagion table's source columns the system can fill: the accounts' three
    /// (forced trades by a loss in that market, in another, by collateral) when it has
    /// accounts, the lending one when it has a lending protocol (columns of $0 it could never
    /// fill widened the table past a 1,400 px window's).
    pub fn source_columns(&self) -> (bool, bool) {
        let has = |kind: FlowKind| self.flows.iter().any(|flow| flow.kind == kind);
        (has(FlowKind::Accounts), has(FlowKind::Lending))
    }

    /// Where the headline's liquidations were: "its one market", "3 markets", or "2 markets,
    /// all of it on Venue A" where one market of several liquidated everything.
    fn liquidated_across(&self) -> String {
        let words = &crate::catalogue::text::text().charts;
        let count = self.markets.len().to_string();
        let mut liquidating = self
            .markets
            .iter()
            .filter(|market| market.liquidated_until(None) > 0.0);
        match (self.markets.len(), liquidating.next(), liquidating.next()) {
            (1, _, _) => words.markets_one.to_string(),
            (_, Some(only), None) => crate::catalogue::text::fill(
                words.markets_all_on,
                &[("count", &count), ("market", &only.name)],
            ),
            _ => crate::catalogue::text::fill(words.markets_many, &[("count", &count)]),
        }
    }

    /// ", plus $2.11bn forced from accounts and $344M of collateral sold from loans ($9.1bn
    /// forced in all)" for the headline: what the run's accounts and loans sold, beyond the
    /// markets' own `liquidated` (empty when none); the sum, as "plus" alone left readers unsure
    /// whether it was inside the liquidations or on top of them.
    fn forced_beyond_markets(&self, liquidated: f64) -> String {
        let words = &crate::catalogue::text::text().charts;
        let sold = |kind: FlowKind| -> f64 {
            self.flows
                .iter()
                .filter(|flow| flow.kind == kind)
                .map(|flow| flow.moved_until(None))
                .sum()
        };
        let beyond = [
            (sold(FlowKind::Accounts), words.markets_more_accounts),
            (sold(FlowKind::Lending), words.markets_more_loans),
        ];
        let total = liquidated + beyond.iter().map(|(usd, _)| usd).sum::<f64>();
        let list: Vec<String> = beyond
            .into_iter()
            .filter(|(usd, _)| *usd > 0.0)
            .map(|(usd, template)| {
                crate::catalogue::text::fill(template, &[("usd", &crate::format::usd(usd))])
            })
            .collect();
        if list.is_empty() {
            return String::new();
        }
        crate::catalogue::text::fill(
            words.markets_more,
            &[
                ("list", &crate::headline::join_and(&list)),
                ("total", &crate::format::usd(total)),
            ],
        )
    }

    /// The markets the shock hits directly (a share other than 0), by name.
    pub fn shocked(&self) -> Vec<String> {
        self.shares
            .iter()
            .filter(|(_, beta)| *beta != 0.0)
            .map(|(market, _)| market.clone())
            .collect()
    }

    /// The markets the shock hits by a share other than its whole: "Hyperliquid-ruled alts by 2x".
    fn partial_shares(&self) -> Vec<String> {
        let words = &crate::catalogue::text::text().charts;
        self.shares
            .iter()
            .filter(|(_, beta)| *beta != 1.0 && *beta != 0.0)
            .map(|(market, beta)| {
                crate::catalogue::text::fill(
                    words.markets_shock_share,
                    &[
                        ("market", market),
                        ("share", &crate::format::needed_decimals(*beta, 2)),
                    ],
                )
            })
            .collect()
    }

    /// The market picked as `index` in the diagram, with its index: the first one where the
    /// pick is past this system's markets (another system was chosen), as the editor reads it.
    pub fn picked(&self, index: usize) -> Option<(usize, &MarketLine)> {
        let index = if index < self.markets.len() { index } else { 0 };
        self.markets.get(index).map(|market| (index, market))
    }

    /// Under the shock slider, when the shock does not hit every market: which it hits, and that
    /// the others move only through what links them (None when it hits them all).
    pub fn shock_reach(&self) -> Option<String> {
        let words = &crate::catalogue::text::text().charts;
        let shocked = self.shocked();
        if shocked.is_empty() {
            return None;
        }
        if shocked.len() == self.shares.len() {
            // It hits them all, some by a share of it: said, or a market that takes half the
            // shock reads as if it took all of it ("ETH perpetual fell 6.9%" in a 5% drop).
            let shares = self.partial_shares();
            let template = if shares.len() == self.shares.len() {
                words.markets_shock_shares_all
            } else {
                words.markets_shock_shares
            };
            return (!shares.is_empty()).then(|| {
                crate::catalogue::text::fill(
                    template,
                    &[("shares", &crate::headline::join_and(&shares))],
                )
            });
        }
        let markets = crate::headline::join_and(&shocked);
        Some(match self.sell_usd {
            // The slider's percent sizes a market order: its dollars said, as the story says them
            // (a rise's is a buy: a negative sell read "A -$2.20bn market sell").
            Some(sell) => crate::catalogue::text::fill(
                words.markets_sell_reach,
                &[
                    ("markets", &markets),
                    ("amount", &crate::format::usd(sell.abs())),
                    (
                        "order",
                        if sell < 0.0 {
                            words.markets_order_buy
                        } else {
                            words.markets_order_sell
                        },
                    ),
                    ("shock", &crate::headline::unsigned_pct(self.shock_pct)),
                ],
            ),
            None => {
                crate::catalogue::text::fill(words.markets_shock_reach, &[("markets", &markets)])
            }
        })
    }

    /// The note under the tab's headline when a market's price went past anything on record
    /// (the market that went furthest: one note says how to read the run), None inside it or
    /// before the run is in.
    pub fn past_the_record(&self) -> Option<String> {
        let words = &crate::catalogue::text::text().summary;
        let furthest = self
            .markets
            .iter()
            .filter_map(|market| {
                let (fall, rise) = market.moves_until(None);
                let past = past_the_record_by_moves(fall, rise);
                (!past.is_empty()).then_some((fall.max(rise), market, past))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))?;
        let (_, market, past) = furthest;
        let subject = crate::catalogue::text::fill(
            words.market_price,
            &[("market_s", &crate::format::possessive(&market.name))],
        );
        crate::headline::past_record_note(&past, &subject)
    }
}

impl FlowLine {
    /// USD moved up to and including step `cursor` (the whole run with none), in absolute value.
    pub fn moved_until(&self, cursor: Option<usize>) -> f64 {
        let end = cursor.map_or(self.by_step_usd.len(), |c| {
            (c + 1).min(self.by_step_usd.len())
        });
        self.by_step_usd[..end].iter().map(|usd| usd.abs()).sum()
    }
}

impl MarketLine {
    /// The move from the start to step `cursor` (the end with none), percent.
    pub fn move_at(&self, cursor: Option<usize>) -> f64 {
        let start = self.path.first().copied().unwrap_or(1.0);
        let at = cursor.map_or(self.path.len() - 1, |c| (c + 1).min(self.path.len() - 1));
        (self.path.get(at).copied().unwrap_or(start) / start - 1.0) * 100.0
    }

    /// The run's largest move from the start, signed, percent: its peak when it rose further
    /// than it fell, else its trough (negative).
    pub fn largest_move_pct(&self) -> f64 {
        flushlab_engine::analysis::contagion::largest_move_pct(self.trough_pct, self.peak_pct)
    }

    /// Whether the run's largest move was a rise (a squeeze) rather than a fall.
    pub fn rises(&self) -> bool {
        self.largest_move_pct() > 0.0
    }

    /// The deepest fall and the highest rise from the start up to step `cursor` (the whole run
    /// with none), percent, both positive.
    pub fn moves_until(&self, cursor: Option<usize>) -> (f64, f64) {
        let start = self.path.first().copied().unwrap_or(1.0);
        let end = cursor.map_or(self.path.len(), |c| (c + 2).min(self.path.len()));
        let seen = &self.path[..end];
        let low = seen.iter().copied().fold(start, f64::min);
        let high = seen.iter().copied().fold(start, f64::max);
        (
            (start - low) / start * 100.0,
            (high - start) / start * 100.0,
        )
    }

    /// How far the market had gone up to step `cursor` in the direction of the run's largest
    /// move ([`Self::rises`]), signed, percent: its trough so far (negative), or its peak so far
    /// after a squeeze.
    pub fn extreme_until(&self, cursor: Option<usize>) -> f64 {
        let (fall, rise) = self.moves_until(cursor);
        if self.rises() {
            rise
        } else {
            -fall
        }
    }

    /// Own liquidations up to and including step `cursor`, USD.
    pub fn liquidated_until(&self, cursor: Option<usize>) -> f64 {
        sum_until(&self.liquidated_by_step_usd, cursor)
    }

    /// Auto-deleveraging up to and including step `cursor`, USD.
    pub fn adl_until(&self, cursor: Option<usize>) -> f64 {
        sum_until(&self.adl_by_step_usd, cursor)
    }
}

/// A per-step series summed up to and including step `cursor` (all of it without one).
fn sum_until(by_step: &[f64], cursor: Option<usize>) -> f64 {
    let end = cursor.map_or(by_step.len(), |c| (c + 1).min(by_step.len()));
    by_step[..end].iter().sum()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The default system with 2,000,000 positions in each market: over the page's budget.
    pub(crate) fn system_over_the_budget() -> System {
        let mut system = MarketsChoice::default().system();
        for market in &mut system.markets {
            if let flushlab_engine::scenario::Positions::Generate(population) =
                &mut market.positions
            {
                population.count = 2_000_000;
            }
        }
        system
    }

    #[test]
    fn a_system_over_the_budget_names_the_field_to_reduce() {
        let system = system_over_the_budget();
        let problem = MarketsView::plan(&system, 0.0)
            .problem
            .expect("over the budget");
        assert!(
            problem.contains("over the budget")
                && problem.contains("reduce run.steps, markets[")
                && problem.contains("].positions.generate.count"),
            "{problem}"
        );
    }

    fn finished(choice: &MarketsChoice) -> MarketsView {
        let mut view = MarketsView::plan(&choice.system(), 0.0);
        assert!(view.problem.is_none(), "{:?}", view.problem);
        let mut session = SystemSession::default();
        while view.step(&mut session) {}
        view
    }

    /// The tab offers the system built on the page's preset while it shows another.
    #[test]
    fn the_tab_offers_the_system_built_on_the_page_preset() {
        let name = |choice: &MarketsChoice, preset: &str| {
            choice.suggestion(preset).map(|system| system.name.clone())
        };
        let venues = "btc-2025-10-10-venues";
        let shown = MarketsChoice::default();
        assert_eq!(name(&shown, "btc-2025-10-10").as_deref(), Some(venues));
        assert_eq!(name(&shown, "calm-market"), None);
        assert_eq!(name(&shown, ""), None);
        assert_eq!(name(&shown.showing(venues), "btc-2025-10-10"), None);
        // The reader's own system shown (its preset name empty): offered too.
        let own = MarketsChoice::own(shown.system(), DEFAULT_SYSTEM);
        assert_eq!(name(&own, "btc-2025-10-10").as_deref(), Some(venues));
    }

    /// A system file with a link cut (as Export JSON writes a choice with the link cut) opens
    /// with that link's box ticked, and unticking it restores the link.
    #[test]
    fn a_files_cut_link_is_the_choices_cut() {
        let with_cut = MarketsChoice::default().with_cut(0, true);
        let exported = with_cut.system();
        assert!(exported.links[0].is_cut(), "the export bakes the cut in");
        let imported = MarketsChoice::own(exported, "");
        assert!(imported.is_cut(0), "its box ticked");
        assert!(
            !imported.base().links[0].is_cut(),
            "the base keeps the link"
        );
        assert_eq!(imported.system(), with_cut.system(), "the same run");
        let restored = imported.with_cut(0, false);
        assert!(
            !restored.system().links[0].is_cut(),
            "unticked, the link is back"
        );
        assert!(MarketsChoice::own(MarketsChoice::default().base(), "")
            .cut
            .is_empty());
    }

    #[test]
    fn every_system_preset_runs_within_the_page_budget_and_fills_the_view() {
        for preset in presets::systems() {
            let view = finished(&MarketsChoice {
                preset: preset.name.clone(),
                ..MarketsChoice::default()
            });
            assert!(view.is_done() && view.ran, "{}", preset.name);
            assert_eq!(view.markets.len(), preset.system.markets.len());
            assert!(view.contagion.is_some());
            let flows = preset.system.links.len()
                + preset.system.accounts.len()
                + preset.system.lending.len();
            assert_eq!(view.flows.len(), flows, "{}", preset.name);
            for market in &view.markets {
                assert_eq!(market.path.len(), preset.system.run.steps as usize + 1);
            }
        }
    }

    #[test]
    fn cutting_the_link_leaves_the_unshocked_venue_alone() {
        let linked = finished(&MarketsChoice::default());
        let cut = finished(&MarketsChoice::default().with_cut(0, true));
        assert!(linked.markets[1].trough_pct > 1.0);
        assert_eq!(cut.markets[1].trough_pct, 0.0);
        assert!(cut.flows[0].cut && cut.flows[0].moved_until(None) == 0.0);
        assert!(linked.flows[0].moved_until(None) > 0.0);
        assert!(linked.flows[0].moved_until(Some(0)) <= linked.flows[0].moved_until(Some(10)));
        // The table's "links on" heads say the cut run is the system as set.
        assert_eq!(linked.linked_heads()[0], "Largest move, links on");
        assert_eq!(
            cut.linked_heads(),
            [
                "Largest move, links as set",
                "Liquidated, links as set",
                "Change from the links left on"
            ]
        );
    }

    /// The 2025-10-10 system's Hyperliquid accounts go under water in the thin altcoin book and
    /// are auto-deleveraged: the diagram says how many, and the markets they were taken over in
    /// show it step by step (nothing before the first, all of it at the end).
    #[test]
    fn the_2025_system_shows_its_cross_margin_adl_where_it_happened() {
        let view = finished(&MarketsChoice {
            preset: "btc-2025-10-10-venues".into(),
            ..MarketsChoice::default()
        });
        let flow = view
            .flows
            .iter()
            .find(|flow| flow.name == "Hyperliquid cross margin")
            .expect("the group's flow");
        assert!(
            flow.deleveraged > 0 && flow.deleveraged <= flow.liquidated,
            "{flow:?}"
        );
        let adl = |id: &str| {
            let market = view.markets.iter().find(|m| m.id == id).expect(id);
            (market.adl_until(Some(0)), market.adl_until(None))
        };
        assert_eq!(adl("binance-btc"), (0.0, 0.0));
        // Ids are what links and legs refer to; the reader sees the markets' names.
        let names: Vec<_> = view
            .markets
            .iter()
            .map(|m| (m.name.as_str(), m.label.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("Binance-ruled BTC", "Binance-ruled BTC"),
                ("Hyperliquid-ruled BTC", "Hyperliquid-ruled BTC"),
                ("Hyperliquid-ruled alts", "Hyperliquid-ruled alts")
            ]
        );
        assert!(
            view.flows
                .iter()
                .any(|flow| flow.name == "Binance-ruled BTC / Hyperliquid-ruled BTC"),
            "{:?}",
            view.flows
        );
        let line = view.headline().expect("the run is in");
        assert!(
            line.contains("Binance-ruled BTC fell") && !line.contains("binance-btc"),
            "{line}"
        );
        // What the accounts were forced to sell, beside the markets' own liquidations, as the
        // diagram's accounts lines sum it.
        let accounts: f64 = view
            .flows
            .iter()
            .filter(|flow| flow.kind == FlowKind::Accounts)
            .map(|flow| flow.moved_until(None))
            .sum();
        assert!(accounts > 1e9, "{accounts}");
        let liquidated: f64 = view
            .markets
            .iter()
            .map(|market| market.liquidated_until(None))
            .sum();
        let more = format!(
            ", plus {} forced from accounts ({} forced in all).",
            crate::format::usd(accounts),
            crate::format::usd(liquidated + accounts)
        );
        assert!(line.ends_with(&more), "{line} / {more}");
        // The table's last row sums to the headline's figures: the accounts' forced trades by
        // what tipped them (a loss in the market they were in, another's, the collateral's fall)
        // together are every forced trade of theirs, and the markets' liquidations links on are
        // the headline's (the same run).
        let totals = view.table_totals().expect("the table is in");
        let by_cause: f64 = totals.accounts_usd.iter().sum();
        assert!(
            (by_cause - accounts).abs() <= 1e-6 * accounts && totals.accounts_usd[0] > 0.0,
            "{totals:?} against {accounts}"
        );
        let liquidated: f64 = view.markets.iter().map(|m| m.liquidated_until(None)).sum();
        assert!(
            (totals.liquidated_linked_usd - liquidated).abs() <= 1e-6 * liquidated,
            "{totals:?} against {liquidated}"
        );
        assert!(view.has_links());
        // Tens of millions in each Hyperliquid market (about $77M and $64M), none at the start.
        for id in ["hyperliquid-btc", "hyperliquid-alts"] {
            let (first, all) = adl(id);
            assert!(first == 0.0 && all > 3e7, "{id}: {first} {all}");
        }
    }

    /// A system without arbitrage links has nothing to cut: its table's heads name its one run.
    #[test]
    fn a_system_without_links_heads_its_table_with_its_one_run() {
        let view = finished(&MarketsChoice {
            preset: "btc-eth-cross-margin".into(),
            ..MarketsChoice::default()
        });
        assert!(!view.has_links());
        assert_eq!(view.linked_heads()[..2], ["Largest move", "Liquidated"]);
        let table = view.contagion.as_ref().expect("the table is in");
        for row in &table.markets {
            assert_eq!(row.alone, row.linked, "{}", row.id);
        }
    }

    #[test]
    fn an_unknown_preset_falls_back_to_the_default() {
        let choice = MarketsChoice {
            preset: "nowhere".into(),
            cut: vec![true],
            shock_pct: Some(-99.0),
            own: None,
        };
        assert_eq!(choice.system().markets[0].id, "venue-a");
        assert!(choice.system().links[0].is_cut());
        assert_eq!(
            choice.system().shock,
            MarketsChoice::default().system().shock,
            "a shock off the slider's range is not applied"
        );
    }

    #[test]
    fn a_larger_common_shock_spreads_further() {
        let at = |pct: f64| {
            finished(&MarketsChoice {
                shock_pct: Some(pct),
                ..MarketsChoice::default()
            })
        };
        let preset = MarketsChoice::default().shock_shown();
        assert!(
            preset < -1.0 && preset > -10.0,
            "the preset's sale moves the book {preset}%"
        );
        let (small, large) = (at(-1.0), at(-6.0));
        assert!(small.markets[1].trough_pct < large.markets[1].trough_pct);
        assert_eq!(
            at(-6.0).markets,
            large.markets,
            "the same shock, the same run"
        );
    }

    #[test]
    fn an_edited_market_makes_the_system_the_readers_own_and_keeps_cuts_and_shock() {
        let choice = MarketsChoice {
            shock_pct: Some(-5.0),
            ..MarketsChoice::default()
        }
        .with_cut(0, true);
        let unchanged = choice.base().market_scenario(0);
        assert_eq!(
            choice.with_market(0, &unchanged),
            Ok(None),
            "no change, no own system"
        );
        let mut thinner = unchanged.clone();
        thinner.market.withdrawal = 0.5;
        let edited = choice.with_market(0, &thinner).unwrap().unwrap();
        assert!(edited.shows_own());
        assert_eq!(edited.origin(), DEFAULT_SYSTEM);
        assert_eq!(edited.system().markets[0].market.withdrawal, 0.5);
        assert!(edited.system().links[0].is_cut() && edited.shock_pct == Some(-5.0));
        // The shock is the choice's, not baked into the own system.
        assert_eq!(edited.base().shock, choice.base().shock);
        // Showing a preset keeps the own system; choosing it again brings it back.
        let mut other = edited.clone();
        other.preset = "lending-meets-perps".into();
        assert!(!other.shows_own() && other.own.is_some());
        other.preset.clear();
        assert_eq!(other.base(), edited.base());
        // An edit that does not fit the system is refused with its field path.
        let mut bad = unchanged;
        bad.market.withdrawal = 7.0;
        let error = choice.with_market(0, &bad).unwrap_err();
        assert!(
            error.problems[0].path.starts_with("markets[0].market"),
            "{error}"
        );
    }

    #[test]
    fn a_restored_own_system_that_no_longer_validates_is_dropped() {
        let mut system = MarketsChoice::default().base();
        system.markets[1].shock_beta = f64::NAN;
        let mut saved = MarketsChoice::own(system, "btc-eth-cross-margin");
        let checked = saved.clone().checked();
        assert_eq!(checked.preset, "btc-eth-cross-margin");
        assert!(checked.own.is_none());
        saved.own = None;
        assert_eq!(
            saved.checked().preset,
            DEFAULT_SYSTEM,
            "nothing to show: the default"
        );
        let good = MarketsChoice::own(MarketsChoice::default().base(), "");
        assert_eq!(good.clone().checked(), good);
    }

    #[test]
    fn the_shock_slider_says_which_markets_it_hits_when_not_all() {
        let plan = |preset: &str, shock_pct: Option<f64>| {
            MarketsView::plan(
                &MarketsChoice {
                    preset: preset.into(),
                    shock_pct,
                    ..MarketsChoice::default()
                }
                .system(),
                0.0,
            )
        };
        // A market sell (the slider's percent sizes it): its dollars, as the story says them.
        let one = plan(DEFAULT_SYSTEM, None);
        assert_eq!(
            one.shock_reach().as_deref(),
            Some("A $900M market sell on Venue A alone, sized to move it 3.3% by itself; the other markets move only through what links them (arbitrage, accounts, lending).")
        );
        let said = plan(DEFAULT_SYSTEM, Some(-6.6))
            .shock_reach()
            .expect("a line");
        assert!(
            said.contains("6.6% by itself") && !said.contains("$900M"),
            "{said}"
        );
        // A rise's order is a buy, of so many dollars.
        let bought = plan(DEFAULT_SYSTEM, Some(6.0))
            .shock_reach()
            .expect("a line");
        assert!(
            bought.starts_with("A $")
                && bought.contains(" market buy on Venue A alone, sized to move it 6.0%"),
            "{bought}"
        );
        assert_eq!(
            plan("lending-meets-perps", None).shock_reach().as_deref(),
            Some("It hits BTC perpetual alone; the other markets move only through what links them (arbitrage, accounts, lending).")
        );
        // It hits BTC and ETH, ETH by half: said (a 6.9% fall read as 1.4x of the shock).
        assert_eq!(
            plan("btc-eth-cross-margin", None).shock_reach().as_deref(),
            Some("It hits every market, ETH perpetual by 0.5x of its size (the others in full).")
        );
        assert_eq!(MarketsView::default().shock_reach(), None);
        // As the page reads the view from the worker (its `key` stays behind), the same words:
        // with the key, the page said nothing.
        let read: MarketsView =
            serde_json::from_str(&serde_json::to_string(&one).unwrap()).unwrap();
        assert!(read.key.is_none());
        assert_eq!(read.shock_reach(), one.shock_reach());
    }

    #[test]
    fn a_market_past_the_record_is_named_under_the_headline() {
        let view = finished(&MarketsChoice::default());
        assert_eq!(
            view.past_the_record(),
            None,
            "the default system is inside it"
        );
        // Venue B's path falling to a fortieth of its start, Venue A's to half (inside): the note
        // names Venue B alone, by its name.
        let mut past = view.clone();
        for (market, low) in past.markets.iter_mut().zip([0.5, 0.025]) {
            let start = market.path[0];
            let last = market.path.len() - 1;
            market.path[last] = start * low;
        }
        let note = past.past_the_record().expect("past the record");
        assert!(
            note.starts_with("Past anything on record: Venue B's price fell 97.5%"),
            "{note}"
        );
        assert!(!note.contains("Venue A"), "{note}");
        assert_eq!(MarketsView::default().past_the_record(), None);
    }

    #[test]
    fn the_headline_says_each_markets_largest_move_and_the_total_liquidated() {
        let choice = MarketsChoice {
            shock_pct: Some(-3.3),
            ..MarketsChoice::default()
        };
        let view = finished(&choice);
        let line = view.headline().expect("the run is in");
        let total: f64 = view.markets.iter().map(|m| m.liquidated_until(None)).sum();
        // The default system's sale hits one venue of two: that venue's shock, not a common one.
        assert_eq!(view.shocked(), vec!["Venue A".to_string()]);
        assert!(line.starts_with("A 3.3% drop on Venue A alone:"), "{line}");
        // "Venue A fell 4.2%" / "rose".
        let says = |line: &str, market: &MarketLine, verb: &str, pct: f64| {
            line.contains(&format!(
                "{} {verb} {}",
                market.name,
                crate::headline::unsigned_pct(pct)
            ))
        };
        for market in &view.markets {
            assert!(says(&line, market, "fell", market.trough_pct), "{line}");
        }
        assert!(line.contains(&crate::format::usd(total)), "{line}");
        assert!(line.contains(" at the trough;"), "{line}");
        assert_eq!(MarketsView::default().headline(), None);
        // A squeeze: both venues rise, and the headline and the boxes say how far at the peak,
        // not a 0.0% fall (they did, when only troughs were read).
        let squeeze = finished(&MarketsChoice {
            shock_pct: Some(12.0),
            ..MarketsChoice::default()
        });
        let line = squeeze.headline().expect("the run is in");
        assert!(line.starts_with("A 12.0% rise on Venue A alone:"), "{line}");
        for market in &squeeze.markets {
            assert!(market.rises() && market.peak_pct > 1.0, "{}", market.name);
            assert!(says(&line, market, "rose", market.peak_pct), "{line}");
            // The peak so far grows step by step up to the run's.
            let so_far: Vec<f64> = (0..market.path.len())
                .map(|step| market.extreme_until(Some(step)))
                .collect();
            assert!(
                so_far.windows(2).all(|pair| pair[0] <= pair[1]),
                "{so_far:?}"
            );
            let whole = market.extreme_until(None);
            assert_eq!(so_far.last(), Some(&whole));
            assert!(
                (whole - market.peak_pct).abs() < 0.05,
                "{whole} against {}",
                market.peak_pct
            );
        }
        assert!(
            line.contains(" at the peak;") && !line.contains("fell"),
            "{line}"
        );
        // No shock: nothing moved, and the headline says that rather than "fell 0.0% at the
        // trough" after "a +0.0% shock".
        let none = finished(&MarketsChoice {
            shock_pct: Some(0.0),
            ..MarketsChoice::default()
        });
        let line = none.headline().expect("the run is in");
        assert_eq!(
            line,
            "No shock: Venue A did not move, Venue B did not move; $0 liquidated across 2 markets."
        );
        // The link cut, the shocked venue liquidates alone: the headline says where it all was
        // ("across 2 markets" read as two markets liquidating).
        let alone = finished(&MarketsChoice {
            cut: vec![true],
            ..MarketsChoice::default()
        });
        let line = alone.headline().expect("the run is in");
        assert!(
            line.contains("Venue B did not move;")
                && line.contains(" liquidated across 2 markets, all of it on Venue A."),
            "{line}"
        );
        // A shock on BTC and (half as much) on ETH is a common one, the share said.
        let both = MarketsView::plan(
            &MarketsChoice {
                preset: "btc-eth-cross-margin".into(),
                ..MarketsChoice::default()
            }
            .system(),
            0.0,
        );
        let line = MarketsView { ran: true, ..both }.headline().expect("ran");
        assert!(
            line.contains("% common drop (ETH perpetual by 0.5x):"),
            "{line}"
        );
    }

    #[test]
    fn populations_kept_across_shocks_and_cuts_give_the_fresh_runs_views() {
        let mut session = SystemSession::default();
        for choice in [
            MarketsChoice::default(),
            MarketsChoice {
                shock_pct: Some(-6.0),
                ..MarketsChoice::default()
            },
            MarketsChoice::default().with_cut(0, true),
            MarketsChoice::default().showing("btc-eth-cross-margin"),
        ] {
            let mut kept = MarketsView::plan(&choice.system(), 0.0);
            while kept.step(&mut session) {}
            assert_eq!(kept, finished(&choice), "{choice:?}");
        }
    }

    #[test]
    fn a_links_capital_makes_the_system_the_readers_own_and_less_capital_spreads_less() {
        let choice = MarketsChoice::default();
        let preset = choice
            .link_capital(0)
            .expect("the preset's link has a capital");
        assert_eq!(choice.with_link_capital(0, Some(preset)), Ok(None));
        assert_eq!(
            choice.with_link_capital(7, Some(1e6)),
            Ok(None),
            "no such link"
        );
        let scarce = choice.with_link_capital(0, Some(1e6)).unwrap().unwrap();
        assert!(scarce.shows_own() && scarce.link_capital(0) == Some(1e6));
        let unlimited = choice.with_link_capital(0, None).unwrap().unwrap();
        assert_eq!(unlimited.link_capital(0), None);
        let error = choice.with_link_capital(0, Some(-5.0)).unwrap_err();
        assert!(error.problems[0].path.starts_with("links[0]"), "{error}");
        let trough = |choice: &MarketsChoice| finished(choice).markets[1].trough_pct;
        assert!(
            trough(&scarce) < trough(&choice),
            "less capital carries less across"
        );
    }

    #[test]
    fn a_wider_gap_or_a_slower_link_carries_less_of_the_flush_across() {
        let choice = MarketsChoice::default();
        let (gap, lag) = (
            choice.link_threshold(0).expect("the preset's link"),
            choice.link_latency(0).expect("the preset's link"),
        );
        assert_eq!(choice.with_link_threshold(0, gap), Ok(None));
        assert_eq!(choice.with_link_latency(0, lag), Ok(None));
        assert_eq!(choice.with_link_latency(7, 5), Ok(None), "no such link");
        let trough = |choice: &MarketsChoice| finished(choice).markets[1].trough_pct;
        let wide = choice.with_link_threshold(0, 2.0).unwrap().unwrap();
        assert!(wide.shows_own() && wide.link_threshold(0) == Some(2.0));
        assert!(
            trough(&wide) < trough(&choice),
            "a wider gap carries less across"
        );
        let slow = choice.with_link_latency(0, 60).unwrap().unwrap();
        assert!(slow.shows_own() && slow.link_latency(0) == Some(60));
        assert!(
            trough(&slow) < trough(&choice),
            "a slower link carries less across"
        );
        let error = choice.with_link_threshold(0, 50.0).unwrap_err();
        assert_eq!(error.problems[0].path, "links[0].arbitrage.threshold_pct");
    }

    #[test]
    fn marks_on_their_own_books_keep_a_flush_out_of_the_other_venues_marks() {
        // No arbitrage capital to speak of: what crosses is the shared index in the marks.
        let choice = MarketsChoice::default()
            .with_link_capital(0, Some(1e6))
            .unwrap()
            .unwrap();
        assert_eq!(choice.link_index_marks(0), Some(true));
        assert_eq!(choice.with_link_index_marks(0, true), Ok(None));
        assert_eq!(
            choice.with_link_index_marks(7, false),
            Ok(None),
            "no such link"
        );
        let own = choice.with_link_index_marks(0, false).unwrap().unwrap();
        assert_eq!(own.link_index_marks(0), Some(false));
        let liquidated = |choice: &MarketsChoice| -> f64 {
            finished(choice).markets[1]
                .liquidated_by_step_usd
                .iter()
                .sum()
        };
        assert!(
            liquidated(&own) < liquidated(&choice),
            "marks of its own book liquidate less on the other venue: {} against {}",
            liquidated(&own),
            liquidated(&choice)
        );
    }

    #[test]
    fn a_deeper_depeg_or_a_lower_threshold_liquidates_more_and_a_slower_oracle_is_kept() {
        let liquidated = |choice: &MarketsChoice, name: &str| {
            finished(choice)
                .flows
                .iter()
                .find(|flow| flow.name == name)
                .map(|flow| flow.liquidated)
                .expect("the flow")
        };
        let venues = MarketsChoice::default().showing("btc-2025-10-10-venues");
        let depeg = venues.group_depeg(0).expect("the USDe group's token");
        assert_eq!(
            venues.group_depeg(1),
            None,
            "dollar collateral has no depeg"
        );
        assert_eq!(venues.with_group_depeg(0, depeg), Ok(None));
        assert_eq!(venues.with_group_depeg(1, -50.0), Ok(None));
        let pegged = venues.with_group_depeg(0, 0.0).unwrap().unwrap();
        assert!(pegged.shows_own() && pegged.group_depeg(0) == Some(0.0));
        assert!(
            liquidated(&pegged, "USDe collateral") < liquidated(&venues, "USDe collateral"),
            "a token that holds its dollar liquidates fewer accounts"
        );
        let error = venues.with_group_depeg(0, -150.0).unwrap_err();
        assert!(
            error.problems[0].path.starts_with("accounts[0].collateral"),
            "{error}"
        );

        let lending = MarketsChoice::default().showing("lending-meets-perps");
        let (ltv, delay) = lending.lending_rules(0).expect("the preset's protocol");
        assert_eq!(lending.with_lending_threshold(0, ltv), Ok(None));
        assert_eq!(lending.with_lending_delay(0, delay), Ok(None));
        assert_eq!(
            lending.with_lending_threshold(3, 0.5),
            Ok(None),
            "no such protocol"
        );
        let sooner = lending.with_lending_threshold(0, 0.6).unwrap().unwrap();
        assert_eq!(sooner.lending_rules(0), Some((0.6, delay)));
        assert!(
            liquidated(&sooner, "lending pool") > liquidated(&lending, "lending pool"),
            "a lower threshold liquidates more loans"
        );
        let slow = lending.with_lending_delay(0, 60).unwrap().unwrap();
        assert!(slow.shows_own() && slow.lending_rules(0) == Some((ltv, 60)));
        let error = lending.with_lending_threshold(0, 1.5).unwrap_err();
        assert!(error.problems[0].path.starts_with("lending[0]"), "{error}");
    }

    #[test]
    fn a_market_given_the_common_shock_falls_on_its_own() {
        // In the preset the sale hits venue-a only (venue-b's beta is 0).
        let choice = MarketsChoice::default().with_cut(0, true);
        assert_eq!(finished(&choice).markets[1].trough_pct, 0.0);
        let hit = choice.with_beta(1, 1.0).unwrap().unwrap();
        assert!(hit.shows_own() && hit.base().markets[1].shock_beta == 1.0);
        assert!(finished(&hit).markets[1].trough_pct > 0.5);
        assert_eq!(choice.with_beta(1, 0.0), Ok(None));
        assert_eq!(choice.with_beta(9, 1.0), Ok(None));
        let error = choice.with_beta(1, 50.0).unwrap_err();
        assert_eq!(error.problems[0].path, "markets[1].shock_beta");
    }
}
