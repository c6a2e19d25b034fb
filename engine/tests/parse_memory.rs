//! Rejecting input costs no memory in proportion to it (issue 12, item 4): a 32 MiB scenario
//! whose book carries an unknown array is refused while the reader holds next to nothing beyond
//! the text itself. An allocator that counts bytes measures the reader's peak; this file has one
//! test so that nothing else allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use flushlab_engine::Scenario;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::SeqCst) + bytes;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call is passed on to the system allocator unchanged; only the counters are ours.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes allocated at the peak of `run`, beyond what was held before it.
fn peak_during(run: impl FnOnce()) -> usize {
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    run();
    PEAK.load(Ordering::SeqCst) - before
}

#[test]
fn an_unknown_field_in_the_book_is_refused_without_being_buffered() {
    const SIZE: usize = 32 * 1024 * 1024;
    let wrap = |book_start: &str, book_end: &str| {
        let mut text = String::with_capacity(SIZE + 512);
        text.push_str(r#"{"version": 1, "market": {"price": 100, "book": {"#);
        text.push_str(book_start);
        text.push_str(r#""x": [0"#);
        while text.len() < SIZE {
            text.push_str(",0");
        }
        text.push(']');
        text.push_str(book_end);
        text.push_str(r#"}}, "positions": {"list": []}, "shock": {"kind": "instant"}}"#);
        text
    };
    // After the profile: refused at the field's name. Before it: skipped, then refused.
    for (text, wanted) in [
        (
            wrap(r#""profile": "linear", "depth_1pct_usd": 1, "#, ""),
            "unknown field `x`, expected `depth_1pct_usd`",
        ),
        (
            wrap("", r#", "profile": "linear", "depth_1pct_usd": 1"#),
            "unknown field `x`, expected `depth_1pct_usd`",
        ),
    ] {
        let mut error = String::new();
        let peak = peak_during(|| {
            error = Scenario::from_json(&text)
                .expect_err("an unknown field")
                .to_string();
        });
        assert!(error.starts_with("market.book: "), "{error}");
        assert!(error.contains(wanted), "{error}");
        // serde buffered 16-32 bytes per 2 input bytes here (~0.4 GB); now a few kilobytes.
        assert!(peak < 1024 * 1024, "{peak} bytes held to refuse 32 MiB");
    }
}
