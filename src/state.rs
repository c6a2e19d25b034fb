//! The app's state: the scenario being edited, the last valid one the engine runs, the notices
//! that say what was wrong, and the undo history. Controls only call [`AppState::edit`] (an edit)
//! or [`AppState::load`] (a whole replacement); nothing else writes the scenario.

use flushlab_engine::analysis::OptionSpec;
use flushlab_engine::presets;
use flushlab_engine::scenario::Positions;
use flushlab_engine::Scenario;
use leptos::prelude::*;

use crate::gestures;
use crate::undo::History;

/// Most characters a notice's line keeps: past it, what the line quotes (a file's 5 MB string, a
/// link pasted in a number box) is cut with an ellipsis.
const NOTICE_LINE_CHARS: usize = 600;

/// Something the user should know: what was wrong and what was kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// Where it came from (a field id, "link", "import", "scenario"); a new notice from the same
    /// source replaces the old one, and fixing the source clears it.
    pub source: String,
    pub title: String,
    pub lines: Vec<String>,
}

/// Playback of the timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Playback {
    /// The step shown (None: the whole run, no cursor).
    pub cursor: Option<usize>,
    pub playing: bool,
    /// Steps advanced per tick.
    pub speed: usize,
}

/// Light or dark, following the system unless the user picked one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

/// Which main view is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Tab {
    #[default]
    Flush,
    Cycles,
    /// The options-leverage calculator.
    Options,
    /// The scenario on every venue profile.
    Venues,
    /// A system of markets (a system preset) and how a flush spreads between them.
    Markets,
}

impl Tab {
    /// Every tab, in the order the page shows them.
    pub const ALL: [Tab; 5] = [
        Tab::Flush,
        Tab::Cycles,
        Tab::Options,
        Tab::Venues,
        Tab::Markets,
    ];

    /// Its name in an autosave.
    pub fn name(self) -> &'static str {
        match self {
            Tab::Flush => "flush",
            Tab::Cycles => "cycles",
            Tab::Options => "options",
            Tab::Venues => "venues",
            Tab::Markets => "markets",
        }
    }

    /// Its label on the page's tab bar.
    pub fn label(self) -> &'static str {
        let page = &crate::catalogue::text::text().page;
        match self {
            Tab::Flush => page.tab_flush,
            Tab::Cycles => page.tab_cycles,
            Tab::Options => page.tab_options,
            Tab::Venues => page.tab_venues,
            Tab::Markets => page.tab_markets,
        }
    }

    /// The tab called `name` (the flush for anything else).
    pub fn from_name(name: &str) -> Tab {
        match name {
            "cycles" => Tab::Cycles,
            "options" => Tab::Options,
            "venues" => Tab::Venues,
            "markets" => Tab::Markets,
            _ => Tab::Flush,
        }
    }
}

impl AppState {
    /// The page as the autosave keeps it: scenario, preset, tab, the Options call and the
    /// Markets tab's system (those two when not the default), stamped `saved_at_ms`.
    pub fn envelope(&self, saved_at_ms: f64) -> crate::autosave::Envelope {
        crate::autosave::Envelope {
            version: crate::autosave::VERSION,
            saved_at_ms,
            preset: self.preset.get_untracked(),
            tab: self.tab.get_untracked().name().to_string(),
            scenario: self.scenario.get_untracked(),
            options: Some(self.options.get_untracked()).filter(|spec| *spec != Default::default()),
            markets: Some(self.markets.get_untracked())
                .filter(|choice| *choice != Default::default()),
            page: String::new(),
        }
    }

    /// Keeps the page as it is before an example (the tour's, a glossary term's) or a preset
    /// replaces it, in place of any kept before (the latest own work is the one offered back),
    /// unless it is no work of the reader's: a preset as it came with nothing else changed (the
    /// menu brings that back), or an example as it was loaded (the tour's step 1 was offered
    /// back as "your scenario" at step 2).
    pub fn keep_own_before_example(&self, saved_at_ms: f64) {
        // Known by its scenario, not by what loaded it: a reload in the middle of the tour
        // starts from the autosaved example, which must not displace the reader's own.
        self.keep_as_own(self.envelope(saved_at_ms));
    }

    /// Keeps `own` (an autosave a link displaced) as the page to offer back, as
    /// [`AppState::keep_own_before_example`] keeps the page an example replaces.
    pub fn keep_as_own(&self, own: crate::autosave::Envelope) {
        if own_worth_keeping(&own) && !crate::catalogue::is_an_example(&own.scenario) {
            self.own_before_example.set(Some(own));
        }
    }

    /// Brings back the page kept by [`AppState::keep_own_before_example`] (one undo step, as
    /// any replacement), and forgets it.
    pub fn back_to_own(&self) {
        let Some(own) = self.own_before_example.get_untracked() else {
            return;
        };
        self.own_before_example.set(None);
        self.tab.set(Tab::from_name(&own.tab));
        self.options.set(own.options.unwrap_or_default());
        self.markets.set(
            own.markets
                .map(|markets| markets.checked())
                .unwrap_or_default(),
        );
        self.load(own.scenario, &own.preset);
    }

    /// Whether the kept page is still worth offering: its scenario is not the one shown.
    pub fn own_differs(&self) -> bool {
        self.own_before_example.with(|own| {
            own.as_ref()
                .is_some_and(|own| self.scenario.with(|scenario| *scenario != own.scenario))
        })
    }

    /// What a link to the page shows besides its scenario: the preset it was chosen as (edited
    /// since or not), the tab, the Options tab's call.
    pub fn page_view(&self) -> crate::codec::PageView {
        self.preset.with_untracked(|preset| {
            crate::codec::PageView::of(
                preset,
                self.tab.get_untracked(),
                &self.options.get_untracked(),
            )
        })
    }
}

/// Whether `scenario` is the preset called `name` as it came (an unknown name: no).
pub fn is_preset_as_it_came(name: &str, scenario: &Scenario) -> bool {
    flushlab_engine::presets::find(name).is_some_and(|preset| preset.scenario == *scenario)
}

/// Whether a page is worth keeping before an example replaces it: not a preset as it came on
/// the flush tab with the default call and system (the menu brings that back).
pub fn own_worth_keeping(own: &crate::autosave::Envelope) -> bool {
    !is_preset_as_it_came(&own.preset, &own.scenario)
        || own.options.is_some()
        || own.markets.is_some()
        || own.tab != "flush"
}

/// What one undo step brings back: the scenario and the preset it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    pub scenario: Scenario,
    pub preset: String,
}

/// What one undo step brings back: the page's scenario and preset, and the Markets tab's choice
/// (its system, cuts, shock and the reader's own system), so that no edit on either is lost.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    kept: Kept,
    markets: crate::markets::MarketsChoice,
}

impl Step {
    /// How heavy it is to keep (listed positions; a generated population weighs 1).
    fn weight(&self) -> usize {
        let listed = |positions: &Positions| match positions {
            Positions::List(list) => list.len(),
            Positions::Generate(_) => 1,
        };
        let own: usize = self.markets.own.as_ref().map_or(0, |own| {
            own.system
                .markets
                .iter()
                .map(|market| listed(&market.positions))
                .sum()
        });
        listed(&self.kept.scenario.positions) + own
    }
}

/// Every signal of the app; `Copy`, provided as context.
#[derive(Clone, Copy)]
pub struct AppState {
    /// What the controls show; may be invalid while the user edits.
    pub draft: RwSignal<Scenario>,
    /// The last valid scenario: what the engine runs and the link shares.
    pub scenario: RwSignal<Scenario>,
    /// The preset the scenario started from ("" once imported or opened from a link).
    pub preset: RwSignal<String>,
    pub notices: RwSignal<Vec<Notice>>,
    pub playback: RwSignal<Playback>,
    pub theme: RwSignal<Theme>,
    pub tab: RwSignal<Tab>,
    /// Whether the reader has had the flush tab in front of them on this page (not when a link
    /// opened the Markets tab): the Markets tab offers the flush's own system only then.
    pub flush_seen: RwSignal<bool>,
    /// The option the options tab compares with a perpetual (not part of the scenario).
    pub options: RwSignal<OptionSpec>,
    /// The system of markets the Markets tab shows (not part of the scenario), and the step its
    /// diagram shows (None: the whole run).
    pub markets: RwSignal<crate::markets::MarketsChoice>,
    pub markets_cursor: RwSignal<Option<usize>>,
    /// The market of the system the controls edit on the Markets tab.
    pub markets_selected: RwSignal<usize>,
    /// Steps that can be (undone, redone).
    pub undo_depth: RwSignal<(usize, usize)>,
    history: StoredValue<History<Step>>,
    /// The reader's own page (scenario, preset, tab, call, system) from before a preset, the
    /// tour or a glossary "show me" replaced it; offered back until taken or dismissed.
    pub own_before_example: RwSignal<Option<crate::autosave::Envelope>>,
    /// Called right after a whole replacement or an undo, before the engine runs it: the shell
    /// saves the scenario (address bar, autosave) at once, so a crash on it loses nothing.
    pub on_replace: StoredValue<Option<Callback<()>>>,
    /// How many times a whole state was shown (an undo, a redo, a preset, an import): a drag
    /// in progress ends there, as its frozen scale belonged to what was replaced.
    pub replacements: RwSignal<u64>,
}

impl AppState {
    /// State starting from `scenario` (already valid).
    pub fn new(scenario: Scenario, preset: &str) -> AppState {
        AppState {
            draft: RwSignal::new(scenario.clone()),
            scenario: RwSignal::new(scenario),
            preset: RwSignal::new(preset.to_string()),
            notices: RwSignal::new(Vec::new()),
            playback: RwSignal::new(Playback {
                cursor: None,
                playing: false,
                speed: 2,
            }),
            theme: RwSignal::new(Theme::Light),
            tab: RwSignal::new(Tab::Flush),
            flush_seen: RwSignal::new(true),
            options: RwSignal::new(OptionSpec::default()),
            markets: RwSignal::new(crate::markets::MarketsChoice::default()),
            markets_cursor: RwSignal::new(None),
            markets_selected: RwSignal::new(0),
            undo_depth: RwSignal::new((0, 0)),
            history: StoredValue::new(History::default()),
            on_replace: StoredValue::new(None),
            replacements: RwSignal::new(0),
            own_before_example: RwSignal::new(None),
        }
    }

    /// A state for editing one market of the Markets tab's system with the page's panels: its own
    /// scenario, draft and undo, the page's notices, theme and tab.
    pub fn for_market(scenario: Scenario, page: &AppState) -> AppState {
        let mut part = AppState::new(scenario, "");
        part.notices = page.notices;
        part.theme = page.theme;
        part.tab = page.tab;
        part
    }

    /// Applies an edit to the draft; if the result is valid it becomes the scenario, otherwise a
    /// notice lists every problem and the last valid scenario stays loaded.
    pub fn edit(&self, change: impl FnOnce(&mut Scenario)) {
        let mut next = self.draft.get_untracked();
        change(&mut next);
        if self.draft.with_untracked(|draft| *draft == next) {
            return;
        }
        self.draft.set(next.clone());
        match next.validate() {
            Ok(()) => {
                self.clear("scenario");
                self.stop_playback_if_out_of_range(&next);
                self.record_edit(&next);
                self.scenario.set(next);
            }
            Err(error) => self.report(
                "scenario",
                crate::catalogue::text::text().notices.invalid_settings,
                crate::catalogue::problems::lines(&error),
            ),
        }
    }

    /// Replaces the whole scenario (preset, import, Reset, a restored autosave); it must be
    /// valid. One undo step brings back what it replaced.
    pub fn load(&self, scenario: Scenario, preset: &str) {
        let before = self.step();
        if before.kept.scenario != scenario || before.kept.preset != preset {
            let weight = before.weight();
            self.history
                .update_value(|history| history.record_replacement(before.clone(), weight));
            self.publish_undo_depth();
        }
        self.show(Step {
            kept: Kept {
                scenario,
                preset: preset.to_string(),
            },
            markets: before.markets,
        });
    }

    /// Edits the Markets tab's system as `edit` computes from the current choice: the new
    /// choice (an undo step), nothing when nothing changed, or the problems in the banner with
    /// the choice kept. Returns whether the edit was refused.
    pub fn edit_markets(
        &self,
        edit: impl FnOnce(
            &crate::markets::MarketsChoice,
        ) -> Result<
            Option<crate::markets::MarketsChoice>,
            flushlab_engine::ScenarioError,
        >,
    ) -> bool {
        match self.markets.with_untracked(edit) {
            Ok(Some(next)) => {
                self.clear("markets");
                self.change_markets(next);
                false
            }
            Ok(None) => false,
            Err(error) => {
                self.report(
                    "markets",
                    crate::catalogue::text::text().notices.invalid_settings,
                    crate::catalogue::problems::lines(&error),
                );
                true
            }
        }
    }

    /// Changes the Markets tab's choice (a system, a cut, its shock, a market's edit) as one
    /// undo step per gesture, like an edit of the scenario.
    pub fn change_markets(&self, next: crate::markets::MarketsChoice) {
        if self.markets.with_untracked(|markets| *markets == next) {
            return;
        }
        let gesture = gestures::current();
        if !self.history.with_value(|history| history.merges(gesture)) {
            let before = self.step();
            let weight = before.weight();
            self.history
                .update_value(|history| history.record_edit(before, weight, gesture));
            self.publish_undo_depth();
        }
        self.markets.set(next);
    }

    /// Back to the preset the scenario came from (the default when there is none).
    pub fn reset(&self) {
        let name = self.preset.get_untracked();
        let preset = presets::find(&name).or_else(|| presets::all().into_iter().next());
        if let Some(preset) = preset {
            self.notices.set(Vec::new());
            self.load(preset.scenario, &preset.name);
        }
    }

    /// The default scenario on the first view, as a new visitor sees it (undoable).
    pub fn start_fresh(&self) {
        if let Some(preset) = presets::all().into_iter().next() {
            self.notices.set(Vec::new());
            self.tab.set(Tab::Flush);
            self.load(preset.scenario, &preset.name);
        }
    }

    /// Brings back the state before the newest step (nothing when there is none).
    pub fn undo(&self) {
        // A refused edit on show (the controls hold values the scenario could not take): undo
        // takes it back first, to the last valid scenario, and keeps the history as it is.
        let refused = self
            .draft
            .with_untracked(|draft| self.scenario.with_untracked(|scenario| draft != scenario))
            && self
                .notices
                .with_untracked(|notices| notices.iter().any(|notice| notice.source == "scenario"));
        if refused {
            self.draft.set(self.scenario.get_untracked());
            self.clear("scenario");
            self.clear_typed();
            return;
        }
        if self.undo_depth.get_untracked().0 == 0 {
            return;
        }
        let current = self.step();
        let weight = current.weight();
        let preset = current.kept.preset.clone();
        let previous = self
            .history
            .try_update_value(|history| history.undo(current, weight))
            .flatten();
        self.publish_undo_depth();
        if let Some(previous) = previous {
            self.keep_own_if_replaced(&preset, &previous);
            self.show(previous);
        }
        self.forget_own_if_shown();
    }

    /// Keeps the reader's page (a preset `preset` edited, an import) before an undo or a redo
    /// replaces it by another preset's scenario, as picking that preset from the menu would: an
    /// undo that had forgotten the kept page, then a redo, lost it on reload. Steps within one
    /// preset's edits keep nothing.
    fn keep_own_if_replaced(&self, preset: &str, next: &Step) {
        if next.kept.preset != preset {
            self.keep_own_before_example(crate::autosave::now_ms());
        }
    }

    /// Forgets the kept page once the scenario it kept is the one shown again (an undo brought it
    /// back): offered later, it would take back whatever was edited since.
    fn forget_own_if_shown(&self) {
        let shown = self.own_before_example.with_untracked(|own| {
            own.as_ref()
                .is_some_and(|own| self.scenario.with_untracked(|s| *s == own.scenario))
        });
        if shown {
            self.own_before_example.set(None);
        }
    }

    /// Brings back what the last undo took away (nothing when there is none).
    pub fn redo(&self) {
        if self.undo_depth.get_untracked().1 == 0 {
            return;
        }
        let current = self.step();
        let weight = current.weight();
        let preset = current.kept.preset.clone();
        let next = self
            .history
            .try_update_value(|history| history.redo(current, weight))
            .flatten();
        self.publish_undo_depth();
        if let Some(next) = next {
            self.keep_own_if_replaced(&preset, &next);
            self.show(next);
        }
        self.forget_own_if_shown();
    }

    /// The scenario, preset and Markets choice shown.
    fn step(&self) -> Step {
        Step {
            kept: Kept {
                scenario: self.scenario.get_untracked(),
                preset: self.preset.get_untracked(),
            },
            markets: self.markets.get_untracked(),
        }
    }

    /// Shows a whole (valid) scenario and Markets choice (each only if it changed: undoing a
    /// Markets step does not re-run the page's scenario), then lets the shell save them before
    /// the engine runs them.
    fn show(&self, step: Step) {
        let Step { kept, markets } = step;
        if self.markets.with_untracked(|shown| *shown != markets) {
            self.markets.set(markets);
        }
        self.clear("scenario");
        self.clear_typed();
        if self.draft.with_untracked(|shown| *shown != kept.scenario) {
            self.draft.set(kept.scenario.clone());
        }
        if self
            .scenario
            .with_untracked(|shown| *shown != kept.scenario)
        {
            // A bad link's banner says what is shown instead ("showing the default scenario");
            // once another scenario is, it is no longer true.
            self.clear("link");
            self.stop_playback_if_out_of_range(&kept.scenario);
            self.scenario.set(kept.scenario);
        }
        if self.preset.with_untracked(|shown| *shown != kept.preset) {
            self.preset.set(kept.preset);
        }
        if let Some(on_replace) = self.on_replace.get_value() {
            on_replace.run(());
        }
        self.replacements.update(|count| *count += 1);
    }

    /// Opens an undo step for an edit, unless the edit belongs to the gesture (a drag) whose
    /// step is open: then this is one comparison, no copy (the drag's hot path).
    fn record_edit(&self, next: &Scenario) {
        let gesture = gestures::current();
        if self.history.with_value(|history| history.merges(gesture)) {
            return;
        }
        let before = self.step();
        if before.kept.scenario == *next {
            return;
        }
        let weight = before.weight();
        self.history
            .update_value(|history| history.record_edit(before, weight, gesture));
        self.publish_undo_depth();
    }

    fn publish_undo_depth(&self) {
        let depth = self.history.with_value(History::depth);
        if self.undo_depth.get_untracked() != depth {
            self.undo_depth.set(depth);
        }
    }

    /// Shows a notice, replacing any earlier one from the same source.
    pub fn report(&self, source: &str, title: &str, lines: Vec<String>) {
        self.notices.update(|notices| {
            notices.retain(|notice| notice.source != source);
            notices.push(Notice {
                source: source.to_string(),
                title: title.to_string(),
                lines: lines
                    .into_iter()
                    .map(|line| crate::format::clipped(&line, NOTICE_LINE_CHARS))
                    .collect(),
            });
        });
    }

    /// Removes the notice from `source`, if any.
    /// Drops the notices of values typed in a field and not applied: once undo or redo has set
    /// the fields, the text they quote is no longer in any box.
    fn clear_typed(&self) {
        let typed = crate::catalogue::text::text().notices.typed_not_applied;
        if self
            .notices
            .with_untracked(|notices| notices.iter().any(|notice| notice.title == typed))
        {
            self.notices
                .update(|notices| notices.retain(|notice| notice.title != typed));
        }
    }

    pub fn clear(&self, source: &str) {
        if self
            .notices
            .with_untracked(|notices| notices.iter().any(|notice| notice.source == source))
        {
            self.notices
                .update(|notices| notices.retain(|notice| notice.source != source));
        }
    }

    fn stop_playback_if_out_of_range(&self, scenario: &Scenario) {
        let steps = scenario.run.steps as usize;
        if self
            .playback
            .with_untracked(|playback| playback.cursor.is_some_and(|cursor| cursor >= steps))
        {
            self.playback.update(|playback| {
                playback.cursor = Some(steps.saturating_sub(1));
                playback.playing = false;
            });
        }
    }
}

/// The app's state from context.
pub fn use_state() -> AppState {
    expect_context::<AppState>()
}
