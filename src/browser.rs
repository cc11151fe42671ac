//! The few things the library asks of the browser window. Every function degrades to
//! a no-op outside a browser, so the pure parts of the crate also run natively.

use wasm_bindgen::JsValue;

fn window() -> Option<web_sys::Window> {
    if cfg!(target_arch = "wasm32") {
        web_sys::window()
    } else {
        None
    }
}

/// `https://app.example.com/path?x#y`, or empty outside a browser.
pub fn current_href() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// `https://app.example.com`, or empty outside a browser.
pub fn origin() -> String {
    window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// A parameter of the page URL: from the query, or from a `#/?…` hash as Clerk's
/// Account Portal writes it.
pub fn query_param(name: &str) -> Option<String> {
    let location = window()?.location();
    let search = location.search().ok().unwrap_or_default();
    let hash = location.hash().ok().unwrap_or_default();
    let hash_query = hash.split_once('?').map(|(_, q)| q.to_owned());
    [Some(search), hash_query]
        .into_iter()
        .flatten()
        .find_map(|q| {
            web_sys::UrlSearchParams::new_with_str(q.trim_start_matches('?'))
                .ok()?
                .get(name)
        })
        .filter(|v| !v.is_empty())
}

/// Reads a query parameter and removes it from the address bar (dev browser hand-off).
pub fn take_query_param(name: &str) -> Option<String> {
    let w = window()?;
    let url = web_sys::Url::new(&w.location().href().ok()?).ok()?;
    let value = url.search_params().get(name)?;
    url.search_params().delete(name);
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url.href()));
    }
    Some(value)
}

/// Full page navigation that adds a history entry (Back returns here).
pub fn assign(url: &str) {
    if let Some(w) = window() {
        let _ = w.location().assign(url);
    }
}

/// Full page navigation that replaces the current history entry.
pub fn replace(url: &str) {
    if let Some(w) = window() {
        let _ = w.location().replace(url);
    }
}

/// Sets a cookie on the app's own domain (`__session`, `__client_uat`), readable by
/// the app's backend as clerk-js does it.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64) {
    use wasm_bindgen::JsCast;
    let Some(doc) = window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(html) = doc.dyn_into::<web_sys::HtmlDocument>() {
        let secure = origin().starts_with("https://");
        let cookie = format!(
            "{name}={value}; Path=/; Max-Age={max_age_seconds}; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        );
        let _ = html.set_cookie(&cookie);
    }
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    if cfg!(target_arch = "wasm32") {
        js_sys::Date::now()
    } else {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as f64)
            .unwrap_or(0.0)
    }
}

/// Puts `text` on the clipboard; false when the browser refused (no permission,
/// not a secure context) so the caller can say so.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(w) = window() else { return false };
    let promise = w.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// `ms` (unix milliseconds) as a date, and the time when `with_time`, in the user's
/// language and zone.
pub fn local_time(ms: i64, locale: &str, with_time: bool) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let styles: &[(&str, &str)] = if with_time {
        &[("dateStyle", "long"), ("timeStyle", "short")]
    } else {
        &[("dateStyle", "medium")]
    };
    for (key, value) in styles {
        let _ = js_sys::Reflect::set(&options, &(*key).into(), &(*value).into());
    }
    date.to_locale_string(locale, &options).into()
}
