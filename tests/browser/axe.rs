//! Accessibility audits with axe-core (npm, unmodified), WCAG 2.1 A and AA rules,
//! run on the component's own DOM at each state a test reaches. `cargo xtask test`
//! serves axe-core from the test server (`AXE_CORE=1` at build time); a plain
//! `cargo test` without it skips the audit and says so once.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

use crate::harness::FAPI;

const AXE_SERVED: bool = option_env!("AXE_CORE").is_some();

/// Loads axe-core into the page once: its source from the test server, run as a
/// function (its UMD wrapper then sets `window.axe`).
async fn load() -> JsValue {
    let window = web_sys::window().unwrap();
    let axe = js_sys::Reflect::get(&window, &"axe".into()).unwrap();
    if !axe.is_undefined() {
        return axe;
    }
    let source = gloo_net::http::Request::get(&format!("{FAPI}/axe.min.js"))
        .send()
        .await
        .expect("axe-core from the test server")
        .text()
        .await
        .unwrap();
    js_sys::Function::new_no_args(&source)
        .call0(&JsValue::UNDEFINED)
        .expect("axe-core runs");
    let axe = js_sys::Reflect::get(&window, &"axe".into()).unwrap();
    assert!(!axe.is_undefined(), "axe-core set window.axe");
    axe
}

/// Audits `root` as it is now; panics listing every violation, with the elements.
pub async fn audit(root: &Element, state: &str) {
    if !AXE_SERVED {
        web_sys::console::log_1(&format!("axe audit of {state} skipped: AXE_CORE not set").into());
        return;
    }
    let axe = load().await;
    let run: js_sys::Function = js_sys::Reflect::get(&axe, &"run".into())
        .unwrap()
        .unchecked_into();
    let options = js_sys::JSON::parse(
        r#"{"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"]}"#,
    )
    .unwrap();
    let promise: js_sys::Promise = run.call2(&axe, root, &options).unwrap().unchecked_into();
    let results = JsFuture::from(promise).await.expect("axe.run");
    let violations: js_sys::Array = js_sys::Reflect::get(&results, &"violations".into())
        .unwrap()
        .unchecked_into();
    if violations.length() > 0 {
        let text = js_sys::JSON::stringify(&violations)
            .map(String::from)
            .unwrap_or_default();
        let summary: Vec<String> = violations
            .iter()
            .map(|v| {
                let id = js_sys::Reflect::get(&v, &"id".into()).unwrap();
                let nodes: js_sys::Array = js_sys::Reflect::get(&v, &"nodes".into())
                    .unwrap()
                    .unchecked_into();
                let targets: Vec<String> = nodes
                    .iter()
                    .map(|n| {
                        js_sys::JSON::stringify(&js_sys::Reflect::get(&n, &"html".into()).unwrap())
                            .map(String::from)
                            .unwrap_or_default()
                    })
                    .collect();
                format!(
                    "{}: {}",
                    id.as_string().unwrap_or_default(),
                    targets.join(" | ")
                )
            })
            .collect();
        panic!(
            "axe-core: {} violation(s) at {state}:\n{}\n\n{text}",
            violations.length(),
            summary.join("\n")
        );
    }
}
