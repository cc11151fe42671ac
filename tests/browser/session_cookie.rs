//! The `__session` cookie on the app's origin, as clerk-js keeps it: the session
//! token is there as soon as someone is signed in (so plain page loads and downloads
//! reach the app's server signed in), and gone once they sign out.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

use crate::harness::*;

fn session_cookie() -> Option<String> {
    let doc: web_sys::HtmlDocument = document().dyn_into().unwrap();
    let cookies = doc.cookie().unwrap();
    cookies
        .split("; ")
        .find_map(|c| c.strip_prefix("__session="))
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[wasm_bindgen_test]
async fn the_session_cookie_follows_the_signed_in_user() {
    fresh_browser().await;
    let email = unique_email("cookie");
    create_account(&email, None).await;
    let (_m, clerk) = mount(html! { <p>{ "app" }</p> }).await;
    assert_eq!(session_cookie(), None);
    sign_in_with_password(&clerk, &email).await;
    // Without the app asking for a token: the provider keeps one in the cookie.
    let jwt = wait_until("the __session cookie", session_cookie).await;
    let user = clerk.state().user().map(|u| u.id.clone()).unwrap();
    let claims = jwt.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims).unwrap(),
    )
    .unwrap();
    assert_eq!(claims["sub"], user.as_str());
    clerk.sign_out().await.unwrap();
    wait_until("no __session cookie", || {
        session_cookie().is_none().then_some(())
    })
    .await;
}
