//! What a table keeps from one run for the next runs on it (a drag's reruns): not part of the
//! table's value.

use std::sync::Mutex;

/// A value kept on a [`super::PositionTable`] between runs, behind a lock so the table stays
/// shareable. Not part of the table's value: a clone starts empty, and any two are equal.
pub(crate) struct Memo<T>(Mutex<Option<T>>);

impl<T> Memo<T> {
    /// The kept value, taken out (the next run leaves its own).
    pub(crate) fn take(&self) -> Option<T> {
        self.0.lock().ok()?.take()
    }

    /// Keeps `value` for the next run.
    pub(crate) fn put(&self, value: T) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(value);
        }
    }

    /// A copy of the kept value, when `keep` accepts it.
    pub(crate) fn copied_if(&self, keep: impl FnOnce(&T) -> bool) -> Option<T>
    where
        T: Clone,
    {
        self.0
            .lock()
            .ok()?
            .as_ref()
            .filter(|value| keep(value))
            .cloned()
    }
}

impl<T> Default for Memo<T> {
    fn default() -> Memo<T> {
        Memo(Mutex::new(None))
    }
}

impl<T> Clone for Memo<T> {
    fn clone(&self) -> Memo<T> {
        Memo::default()
    }
}

impl<T> PartialEq for Memo<T> {
    fn eq(&self, _: &Memo<T>) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Memo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}
