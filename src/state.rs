//! The app's state: the scenario being edited, the last valid one the engine runs, and the
//! notices that say what was wrong. Controls only call [`AppState::edit`]; nothing else writes the
//! scenario.

use flushlab_engine::presets;
use flushlab_engine::Scenario;
use leptos::prelude::*;

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Flush,
    Cycles,
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
        }
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
                self.scenario.set(next);
            }
            Err(error) => self.report(
                "scenario",
                "These settings can't be simulated; the charts still show the last valid scenario.",
                error.problems.iter().map(ToString::to_string).collect(),
            ),
        }
    }

    /// Replaces the whole scenario (preset, import, link); it must be valid.
    pub fn load(&self, scenario: Scenario, preset: &str) {
        self.clear("scenario");
        self.stop_playback_if_out_of_range(&scenario);
        self.draft.set(scenario.clone());
        self.scenario.set(scenario);
        self.preset.set(preset.to_string());
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

    /// Shows a notice, replacing any earlier one from the same source.
    pub fn report(&self, source: &str, title: &str, lines: Vec<String>) {
        self.notices.update(|notices| {
            notices.retain(|notice| notice.source != source);
            notices.push(Notice {
                source: source.to_string(),
                title: title.to_string(),
                lines,
            });
        });
    }

    /// Removes the notice from `source`, if any.
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
