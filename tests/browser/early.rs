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

/// The URLs the page script has started and nobody took yet.
fn still_started() -> Vec<String> {
    let started = js_sys::Reflect::get(
        &web_sys::window().unwrap(),
        &JsValue::from_str("__clerkEarly"),
    )
    .unwrap();
    js_sys::Object::keys(&started.into())
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect()
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
    // environment's answer so that taking it shows. A request for another URL is
    // left where it is.
    run(EARLY_SCRIPT);
    run(r#"
        const early = window.__clerkEarly;
        const [env] = JSON.parse(localStorage.getItem("__clerk_early"));
        early[env] = early[env].then((r) => r.json()).then((j) => {
            j.display_config.application_name = "Started early";
            return new Response(JSON.stringify(j), { status: 200 });
        });
        early["http://127.0.0.1:9/v1/environment"] = Promise.reject(new Error("not ours"));
        early["http://127.0.0.1:9/v1/environment"].catch(() => {});
    "#);
    assert_eq!(still_started().len(), 3);
    let next = core();
    next.load().await.unwrap();
    assert_eq!(application_name(&next), "Started early");
    assert_eq!(
        still_started(),
        vec!["http://127.0.0.1:9/v1/environment".to_owned()],
        "both of its own were taken"
    );
    assert!(next.state().loaded);

    // Taken once: a later load asks the server.
    let later = core();
    later.load().await.unwrap();
    assert_eq!(application_name(&later), real_name);
}
