//! Token mints are the hot path (a client asks every minute, an app's backend may ask
//! far more often): a mint records activity at most once a minute instead of writing
//! (and syncing) per token, and reads its client and session from a one-second
//! memory. Neither may let a revoked session or a replaced client token mint: a
//! change on this instance is seen by the very next request.

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

fn sid(b: &Browser) -> String {
    b.session_id.lock().unwrap().clone().unwrap()
}

async fn mint(b: &Browser) -> common::Resp {
    b.post(&format!("/v1/client/sessions/{}/tokens", sid(b)), &[])
        .await
}

async fn last_active_at(b: &Browser) -> i64 {
    let v: Value = b.get("/v1/client").await.ok();
    v["response"]["sessions"][0]["last_active_at"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn minting_records_activity_at_most_once_a_minute() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "mints+clerk_test@example.com", "Ada")
        .await;
    let before = last_active_at(&b).await;
    for _ in 0..5 {
        mint(&b).await.ok();
    }
    assert_eq!(
        last_active_at(&b).await,
        before,
        "tokens within a minute of the last activity write nothing"
    );
    // setActive (touch) is explicit activity and still writes at once.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    b.activate(&sid(&b)).await;
    assert!(last_active_at(&b).await > before);
}

#[tokio::test]
async fn a_revoked_session_mints_nothing_on_the_very_next_request() {
    let server = TestServer::with(|s| s.single_session_mode = false).await;
    let email = "revoked+clerk_test@example.com";
    let laptop = Browser::new(&server.base, Mode::Cookie);
    laptop.sign_up(&server, email, "Ada").await;
    let phone = Browser::new(&server.base, Mode::Cookie);
    let v = phone.sign_in_password(email, PASSWORD).await.ok();
    let phone_sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    phone.activate(&phone_sid).await;
    // Warm: the phone's client and session are in the memory now.
    mint(&phone).await.ok();
    mint(&phone).await.ok();

    laptop
        .post(&format!("/v1/me/sessions/{phone_sid}/revoke"), &[])
        .await
        .ok();
    mint(&phone).await.err(401, "signed_out");

    // Signing out on the device itself: the same.
    mint(&laptop).await.ok();
    laptop.delete("/v1/client/sessions").await.ok();
    assert!(!mint(&laptop).await.status.is_success());
}

#[tokio::test]
async fn a_replaced_client_token_opens_nothing_at_once() {
    let server = TestServer::start().await;
    let email = "rotated+clerk_test@example.com";
    let b = Browser::new(&server.base, Mode::Native);
    b.sign_up(&server, email, "Ada").await;
    b.sign_out().await;
    let old = b.token().unwrap();
    // The old token, remembered by the server from a read a moment ago...
    b.get("/v1/client").await.ok();
    // ...is replaced when a sign-in completes (session fixation defence).
    let v = b.sign_in_password(email, PASSWORD).await.ok();
    let new_sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(b.token().unwrap(), old, "the sign-in rotated the token");
    b.activate(&new_sid).await;
    mint(&b).await.ok();

    b.set_token(Some(old));
    let e = mint(&b).await;
    assert!(
        !e.status.is_success(),
        "the replaced token still minted: {}",
        e.json
    );
}
