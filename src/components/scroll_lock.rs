//! While a modal is open the page under it does not scroll, as Clerk's modals do:
//! the body's overflow is hidden, and the scrollbar's width is kept as padding so
//! the page does not shift sideways. Nested modals share one lock; the body's own
//! inline styles come back when the last one closes.

use std::cell::RefCell;

use yew::prelude::*;

/// Open locks, and the body's inline `overflow` and `padding-right` before the first.
struct Lock {
    count: u32,
    saved: (String, String),
}

thread_local! {
    static LOCK: RefCell<Lock> = const {
        RefCell::new(Lock { count: 0, saved: (String::new(), String::new()) })
    };
}

fn body_style() -> Option<web_sys::CssStyleDeclaration> {
    Some(web_sys::window()?.document()?.body()?.style())
}

/// Whole pixels: printing a float would link Rust's float formatting into the bundle.
fn scrollbar_width() -> i32 {
    let Some(window) = web_sys::window() else {
        return 0;
    };
    let inner = window
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .map_or(0, |w| w as i32);
    let client = window
        .document()
        .and_then(|d| d.document_element())
        .map_or(inner, |e| e.client_width());
    (inner - client).max(0)
}

fn lock() {
    LOCK.with_borrow_mut(|lock| {
        lock.count += 1;
        if lock.count > 1 {
            return;
        }
        let Some(style) = body_style() else { return };
        let get = |p: &str| style.get_property_value(p).unwrap_or_default();
        lock.saved = (get("overflow"), get("padding-right"));
        let width = scrollbar_width();
        let _ = style.set_property("overflow", "hidden");
        if width > 0 {
            let _ = style.set_property("padding-right", &format!("{width}px"));
        }
    });
}

fn unlock() {
    LOCK.with_borrow_mut(|lock| {
        lock.count = lock.count.saturating_sub(1);
        if lock.count > 0 {
            return;
        }
        let Some(style) = body_style() else { return };
        for (property, value) in [
            ("overflow", &lock.saved.0),
            ("padding-right", &lock.saved.1),
        ] {
            let _ = if value.is_empty() {
                style.remove_property(property).map(drop)
            } else {
                style.set_property(property, value)
            };
        }
    });
}

/// Keeps the page from scrolling while the calling component is mounted.
#[hook]
pub(crate) fn use_scroll_lock() {
    use_effect_with((), |_| {
        lock();
        unlock
    });
}
