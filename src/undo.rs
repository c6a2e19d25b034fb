//! The undo history of the scenario: a step per user action, a drag (every edit of one gesture)
//! being one step. Pure: the shell says which gesture an edit belongs to (`src/gestures.rs`) and
//! what to show after an undo or a redo.

/// Most steps kept (the oldest go first).
pub const MAX_STEPS: usize = 100;
/// Most listed positions kept over all steps: a few large imports must not hold the page's
/// memory hostage (generated scenarios weigh 1).
pub const MAX_WEIGHT: usize = 2_000_000;

/// Past and future states of something, with the gesture the newest step is still taking in.
#[derive(Clone, Debug)]
pub struct History<T> {
    past: Vec<(T, usize)>,
    future: Vec<(T, usize)>,
    /// The gesture whose edits are being merged into the newest step (None: the next edit opens
    /// a step of its own).
    open: Option<u64>,
    max_steps: usize,
    max_weight: usize,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        History::new(MAX_STEPS, MAX_WEIGHT)
    }
}

impl<T> History<T> {
    /// An empty history keeping at most `max_steps` steps of total weight `max_weight`.
    pub fn new(max_steps: usize, max_weight: usize) -> History<T> {
        History {
            past: Vec::new(),
            future: Vec::new(),
            open: None,
            max_steps,
            max_weight,
        }
    }

    /// Whether an edit during `gesture` joins the newest step (nothing to record: the state
    /// before the gesture is already kept). Cheap: checked on every edit of a drag.
    pub fn merges(&self, gesture: u64) -> bool {
        self.open == Some(gesture)
    }

    /// Records `before`, the state an edit during `gesture` is about to replace: it opens a step
    /// that later edits of the same gesture join. A new step forgets what was undone.
    pub fn record_edit(&mut self, before: T, weight: usize, gesture: u64) {
        if self.merges(gesture) {
            return;
        }
        self.push(before, weight);
        self.open = Some(gesture);
    }

    /// Records `before`, the state a whole replacement (a preset, Reset, an import, a restore) is
    /// about to replace: a step of its own.
    pub fn record_replacement(&mut self, before: T, weight: usize) {
        self.push(before, weight);
        self.open = None;
    }

    /// The state before the newest step, given the one shown (`current`, kept for redo).
    pub fn undo(&mut self, current: T, weight: usize) -> Option<T> {
        let (previous, _) = self.past.pop()?;
        self.future.push((current, weight));
        self.open = None;
        Some(previous)
    }

    /// The state the last undo left, given the one shown (`current`, kept for undo).
    pub fn redo(&mut self, current: T, weight: usize) -> Option<T> {
        let (next, _) = self.future.pop()?;
        self.past.push((current, weight));
        self.open = None;
        Some(next)
    }

    /// (steps that can be undone, steps that can be redone).
    pub fn depth(&self) -> (usize, usize) {
        (self.past.len(), self.future.len())
    }

    fn push(&mut self, before: T, weight: usize) {
        self.future.clear();
        self.past.push((before, weight.max(1)));
        let mut total: usize = self.past.iter().map(|(_, weight)| weight).sum();
        // Always keep the newest step, however heavy.
        while self.past.len() > 1 && (self.past.len() > self.max_steps || total > self.max_weight) {
            let (_, weight) = self.past.remove(0);
            total -= weight;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history of numbers, every step weighing 1.
    fn edits(history: &mut History<i32>, shown: &mut i32, values: &[i32], gesture: u64) {
        for &value in values {
            history.record_edit(*shown, 1, gesture);
            *shown = value;
        }
    }

    #[test]
    fn a_drag_is_one_step() {
        let mut history = History::default();
        let mut shown = 0;
        edits(&mut history, &mut shown, &[1, 2, 3, 4], 7);
        assert!(history.merges(7));
        assert_eq!(history.depth(), (1, 0));
        assert_eq!(history.undo(shown, 1), Some(0));
        assert_eq!(history.redo(0, 1), Some(4));
    }

    #[test]
    fn separate_gestures_are_separate_steps() {
        let mut history = History::default();
        let mut shown = 0;
        edits(&mut history, &mut shown, &[1, 2], 1);
        edits(&mut history, &mut shown, &[3], 2);
        edits(&mut history, &mut shown, &[4, 5], 3);
        assert_eq!(history.depth(), (3, 0));
        let mut undone = Vec::new();
        while let Some(previous) = history.undo(shown, 1) {
            undone.push(previous);
            shown = previous;
        }
        assert_eq!(undone, [3, 2, 0]);
        assert_eq!(history.depth(), (0, 3));
    }

    #[test]
    fn a_replacement_is_undone_and_closes_the_gesture() {
        let mut history = History::default();
        let mut shown = 0;
        edits(&mut history, &mut shown, &[1, 2], 5);
        history.record_replacement(shown, 1);
        shown = 100; // a preset
        assert!(!history.merges(5));
        // An edit in the same gesture after a replacement opens its own step.
        edits(&mut history, &mut shown, &[101], 5);
        assert_eq!(history.undo(shown, 1), Some(100));
        assert_eq!(history.undo(100, 1), Some(2));
        assert_eq!(history.undo(2, 1), Some(0));
        assert_eq!(history.undo(0, 1), None);
    }

    #[test]
    fn a_new_step_forgets_what_was_undone() {
        let mut history = History::default();
        let mut shown = 0;
        edits(&mut history, &mut shown, &[1], 1);
        edits(&mut history, &mut shown, &[2], 2);
        shown = history.undo(shown, 1).unwrap();
        assert_eq!((shown, history.depth()), (1, (1, 1)));
        // Undo closed the gesture: the same gesture's next edit is a step of its own.
        edits(&mut history, &mut shown, &[9], 2);
        assert_eq!(history.depth(), (2, 0));
        assert_eq!(history.redo(shown, 1), None);
    }

    #[test]
    fn the_oldest_steps_go_past_the_limits() {
        let mut history = History::new(3, 1_000);
        let mut shown = 0;
        for value in 1..=5 {
            edits(&mut history, &mut shown, &[value], value as u64);
        }
        assert_eq!(history.depth(), (3, 0));
        let mut undone = Vec::new();
        while let Some(previous) = history.undo(shown, 1) {
            undone.push(previous);
            shown = previous;
        }
        assert_eq!(undone, [4, 3, 2]);

        // By weight: two heavy steps do not fit; the newest is always kept.
        let mut heavy = History::new(100, 10);
        heavy.record_replacement(1, 6);
        heavy.record_replacement(2, 6);
        assert_eq!(heavy.depth(), (1, 0));
        heavy.record_replacement(3, 50);
        assert_eq!(heavy.depth(), (1, 0));
        assert_eq!(heavy.undo(4, 1), Some(3));
    }
}
