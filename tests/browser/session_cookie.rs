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

/// `get_token_with(template)`: a token of the instance's JWT template, with its
/// claims; an unknown template is Clerk's 404.
#[wasm_bindgen_test]
async fn a_jwt_template_token_for_a_third_party() {
    fresh_browser().await;
    let email = unique_email("template");
    create_account(&email, None).await;
    let (_m, clerk) = mount(html! { <p>{ "app" }</p> }).await;
    assert_eq!(clerk.get_token_with("integration").await.unwrap(), None);
    sign_in_with_password(&clerk, &email).await;
    let jwt = clerk.get_token_with("integration").await.unwrap().unwrap();
    let claims = jwt.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims).unwrap(),
    )
    .unwrap();
    assert_eq!(claims["aud"], "integration");
    assert_eq!(claims["email"], email.as_str());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );
    match clerk.get_token_with("no-such-template").await {
        Err(yew_clerk::ClerkError::Api(e)) => {
            assert_eq!((e.status, e.code.as_str()), (404, "resource_not_found"))
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    assert!(clerk.get_token_with("../tokens").await.is_err());
}
