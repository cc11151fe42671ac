//! The page's early start (`EARLY_SCRIPT`): a load records the URLs it began with;
//! the next page's script starts them while the wasm downloads, and the load takes
//! those answers instead of asking again, for exactly those URLs and only once.

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;
use yew_clerk::client::EARLY_SCRIPT;

use crate::harness::*;

fn run(script: &str) {
    js_sys::Function::new_no_args(script)
        .call0(&JsValue::NULL)
        .expect("the script runs");
}

/// Whether the page's started answers are still there for the taking.
fn anything_started() -> bool {
    js_sys::Reflect::get(
        &web_sys::window().unwrap(),
        &JsValue::from_str("__clerkEarly"),
    )
    .unwrap()
    .is_object()
}

/// How many times this page fetched `url` (since the last clear).
fn fetched(url: &str) -> usize {
    web_sys::window()
        .unwrap()
        .performance()
        .unwrap()
        .get_entries_by_name(url)
        .length() as usize
}

fn application_name(clerk: &yew_clerk::Clerk) -> String {
    clerk
        .state()
        .environment
        .as_ref()
        .expect("loaded")
        .display_config
        .application_name
        .clone()
}

#[wasm_bindgen_test]
async fn a_load_takes_what_the_page_started_for_its_urls_once() {
    fresh_browser().await;
    let first = core();
    first.load().await.unwrap();
    let real_name = application_name(&first);
    let recorded: Vec<String> = serde_json::from_str(
        &web_sys::window()
            .unwrap()
            .local_storage()
            .unwrap()
            .unwrap()
            .get_item("__clerk_early")
            .unwrap()
            .expect("a load records its first requests"),
    )
    .unwrap();
    assert_eq!(recorded.len(), 2, "{recorded:?}");
    assert!(recorded[0].starts_with(&format!("{FAPI}/v1/environment?")));
    assert!(recorded[1].starts_with(&format!("{FAPI}/v1/client?")));

    // The next page: its script starts both (real requests), and this test marks the
    // environment's answer so that taking it shows.
    web_sys::window()
        .unwrap()
        .performance()
        .unwrap()
        .clear_resource_timings();
    run(EARLY_SCRIPT);
    run(r#"
        const early = window.__clerkEarly;
        const [env] = JSON.parse(localStorage.getItem("__clerk_early"));
        early[env] = early[env].then((r) => r.json()).then((j) => {
            j.display_config.application_name = "Started early";
            return new Response(JSON.stringify(j), { status: 200 });
        });
    "#);
    let next = core();
    next.load().await.unwrap();
    assert_eq!(application_name(&next), "Started early");
    assert!(next.state().loaded);
    assert_eq!(
        fetched(&recorded[1]),
        1,
        "the client was fetched by the page's script alone"
    );
    assert!(
        !anything_started(),
        "what nobody took is dropped after the load"
    );

    // Taken once: a later load asks the server.
    let later = core();
    later.load().await.unwrap();
    assert_eq!(application_name(&later), real_name);
}

#[wasm_bindgen_test]
async fn a_failed_early_request_is_asked_again() {
    fresh_browser().await;
    let first = core();
    first.load().await.unwrap();
    let real_name = application_name(&first);
    run(EARLY_SCRIPT);
    run(r#"
        const early = window.__clerkEarly;
        for (const url of Object.keys(early)) {
            early[url] = Promise.reject(new TypeError("Failed to fetch"));
            early[url].catch(() => {});
        }
    "#);
    let next = core();
    next.load().await.unwrap();
    assert_eq!(application_name(&next), real_name);
    assert!(next.state().loaded);
}

#[wasm_bindgen_test]
fn the_script_starts_nothing_but_the_first_requests() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(
            "__clerk_early",
            &format!(r#"["{FAPI}/v1/me?x=1","{FAPI}/v1/environment?x=1"]"#),
        )
        .unwrap();
    run(EARLY_SCRIPT);
    let started = js_sys::Reflect::get(
        &web_sys::window().unwrap(),
        &JsValue::from_str("__clerkEarly"),
    )
    .unwrap();
    let keys: Vec<String> = js_sys::Object::keys(&started.into())
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    assert_eq!(keys, vec![format!("{FAPI}/v1/environment?x=1")]);
    run("delete window.__clerkEarly;");
}
