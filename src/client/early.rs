//! The page can start the first two requests (the environment and the client) while
//! the wasm is still on its way: [`EARLY_SCRIPT`], inline in the page's `<head>`,
//! fetches the URLs the last load of this library asked for. [`take`] hands such an
//! answer to a request for exactly that URL, once (so a changed token, version or
//! origin simply goes to the network), and [`remember`] records them after a load and
//! whenever the dev browser token changes. What nobody took is dropped after the
//! first load ([`forget`]) and, by the script, 30 s after the page opened.
//!
//! Without the script nothing changes: every request goes to the network.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What the page runs before the wasm: put it in an inline `<script>` in `<head>`
/// (with trunk: `<link data-trunk rel="inline" href="…/early.js">`).
///
/// ```
/// assert!(yew_clerk::client::EARLY_SCRIPT.contains("__clerk_early"));
/// ```
pub const EARLY_SCRIPT: &str = include_str!("early.js");

/// What a load asks for first: the only requests the page may start early.
pub(crate) const ENVIRONMENT: &str = "/environment";
pub(crate) const CLIENT: &str = "/client";
pub(crate) const FIRST_REQUESTS: [&str; 2] = [ENVIRONMENT, CLIENT];

/// Where the URLs to start early are kept (this origin's `localStorage`).
const STORAGE_KEY: &str = "__clerk_early";
/// Where the script leaves its answers: `{ url: Promise<Response> }`.
const STARTED: &str = "__clerkEarly";

/// The answer the page started for `url`, once: `None` when it started none, or the
/// request failed (the caller then asks the network itself).
pub(crate) async fn take(url: &str) -> Option<web_sys::Response> {
    let window = web_sys::window()?;
    let started = js_sys::Reflect::get(&window, &JsValue::from_str(STARTED)).ok()?;
    if !started.is_object() {
        return None;
    }
    let key = JsValue::from_str(url);
    let promise = js_sys::Reflect::get(&started, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(started.unchecked_ref::<js_sys::Object>(), &key);
    let promise = promise.dyn_into::<js_sys::Promise>().ok()?;
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// Drops what the page started and nobody took: after the first load, an answer
/// started at page load is too old for anyone else.
pub(crate) fn forget() {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::delete_property(&window, &JsValue::from_str(STARTED));
    }
}

/// Records the URLs the next page load may start early (written by the browser's
/// own JSON: no JSON writer in the bundle for this).
pub(crate) fn remember(urls: &[String]) {
    let list: js_sys::Array = urls.iter().map(|u| JsValue::from_str(u)).collect();
    let Some(json) = js_sys::JSON::stringify(&list)
        .ok()
        .and_then(|j| j.as_string())
    else {
        return;
    };
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(STORAGE_KEY, &json);
    }
}
