//! The split build (yew-clerk's feature `split`) on the built demo, in headless
//! Chromium: the first card works without the chunk of the steps after it; a chunk
//! that cannot be fetched says so with a way to try again, instead of spinning, and
//! tries again by itself when the browser is back online; one whose fetch stalls says
//! so too, and turns into its step when the fetch comes after all; and once it comes,
//! the step it holds works. (Every other journey of this suite runs on the same split
//! build.)
//!
//! Needs `DEMO_URL` (the demo on a fapi-server) and `WEBDRIVER_URL`; `cargo xtask
//! test` starts both.

use e2e::{unique, FapiClient, Page, PASSWORD};
use serde_json::json;

/// The module `<SignIn/>`'s cards after the first one are split into.
const STEPS_CHUNK: &str = "*split_sign_in_steps.wasm*";

/// A new account's identifier typed into the first card while the browser refuses the
/// steps' chunk: the card after it says it could not be loaded.
async fn the_steps_chunk_refused(tag: &str) -> Page {
    let base = e2e::env("DEMO_URL");
    // An account with a password (a test-mode address, so signing up needs no mail).
    let email = format!("{tag}.{}+clerk_test@example.com", unique());
    FapiClient::new(&base, &base).sign_up(&email).await;

    let p = Page::at(&base).await;
    p.cdp("Network.enable", json!({})).await;
    p.cdp("Network.setBlockedURLs", json!({ "urls": [STEPS_CHUNK] }))
        .await;
    p.goto("/sign-in").await;

    // The first card needs nothing from the chunk: it is up, and it works (the
    // identifier alone; the password step comes next).
    p.type_into("input[name=identifier]", &email).await;
    p.click("button.cl-formButtonPrimary").await;

    // The next card is in the chunk, which does not come.
    p.wait_text("[role=alert]", "could not be loaded").await;
    p
}

/// The password step, once its chunk is in, works: it signs in and leads to the app.
async fn the_password_step_signs_in(p: Page) {
    p.type_into("input[name=password]", PASSWORD).await;
    p.click("button.cl-formButtonPrimary").await;
    p.wait_path("/").await;
    p.wait_text("#greeting", "Welcome").await;
    p.c.close().await.unwrap();
}

#[tokio::test]
async fn a_step_whose_chunk_cannot_be_fetched_says_so_and_comes_on_retry() {
    let p = the_steps_chunk_refused("split").await;
    p.screenshot(".cl-card", "split-chunk-failed.png").await;
    p.audit("a chunk that did not load").await;

    // Back online: "Try again" fetches it, and the step works.
    p.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await;
    p.click_text("button", "Try again").await;
    the_password_step_signs_in(p).await;
}

/// A phone that lost its signal: the chunk's fetch fails, and once the browser is back
/// online the step comes by itself, with no "Try again".
#[tokio::test]
async fn a_failed_chunk_comes_by_itself_when_the_browser_is_back_online() {
    let p = the_steps_chunk_refused("online").await;

    // The signal goes and comes back: the browser fires `offline`, then `online`.
    p.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await;
    for offline in [true, false] {
        p.cdp(
            "Network.emulateNetworkConditions",
            json!({
                "offline": offline,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }),
        )
        .await;
    }
    the_password_step_signs_in(p).await;
}

/// A fetch that stalls (no answer and no error, as on a phone between cells) does not
/// leave the loading card up for good: after ten seconds the card says the step did
/// not come; the fetch goes on, and when it comes at last the step takes the card's
/// place by itself.
#[tokio::test]
async fn a_stalled_chunk_says_so_and_its_step_comes_when_the_fetch_does() {
    let base = e2e::env("DEMO_URL");
    let email = format!("stalled.{}+clerk_test@example.com", unique());
    FapiClient::new(&base, &base).sign_up(&email).await;

    let p = Page::at(&base).await;
    // The browser holds every request for the chunk, unanswered, until `Fetch.disable`.
    p.cdp(
        "Fetch.enable",
        json!({ "patterns": [{ "urlPattern": STEPS_CHUNK }] }),
    )
    .await;
    p.goto("/sign-in").await;
    p.type_into("input[name=identifier]", &email).await;
    p.click("button.cl-formButtonPrimary").await;

    // First the loading card, then, the fetch still unanswered, the failure card.
    p.wait(".cl-loading").await;
    p.wait_text("[role=alert]", "could not be loaded").await;
    assert!(
        p.c.find(fantoccini::Locator::Css("input[name=password]"))
            .await
            .is_err(),
        "the step cannot be there without its chunk"
    );

    // The fetch comes through: the step replaces the card, with no "Try again".
    p.cdp("Fetch.disable", json!({})).await;
    the_password_step_signs_in(p).await;
}
