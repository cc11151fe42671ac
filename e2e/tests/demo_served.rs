//! The demo as `cargo xtask demo` serves it — `trunk serve`, watching its folder —
//! must not rebuild or reload the page when the server writes its database (it did:
//! the database lived in the watched folder, and each sign-up reloaded the page
//! under the user, losing what they had typed).
//!
//! Needs `DEMO_URL` (trunk's address), `TRUNK_LOG` (trunk's output) and
//! `WEBDRIVER_URL`; `cargo xtask test` starts them.

use std::time::Duration;

use e2e::{env, unique, Page};

/// How many builds trunk has started so far.
fn builds_started() -> usize {
    let log = std::fs::read_to_string(env("TRUNK_LOG")).expect("trunk's log");
    log.lines().filter(|l| l.contains("starting build")).count()
}

#[tokio::test]
async fn database_writes_neither_rebuild_nor_reload_the_demo() {
    let page = Page::start().await;
    page.goto("/").await;
    page.click_text("a.btn", "Sign up").await;
    page.wait_path("/sign-up").await;
    let builds = builds_started();
    assert_eq!(builds, 1, "trunk built more than once before the test");
    // A reload would wipe this.
    page.c
        .execute("window.__stillTheSamePage = true;", vec![])
        .await
        .unwrap();

    // A sign-up and its email code: a handful of writes to the database.
    page.sign_up("Ada", &format!("ada.{}@example.com", unique()))
        .await;
    page.wait_text("#greeting", "Welcome, Ada!").await;
    // trunk reacts to a file change within a second or so.
    tokio::time::sleep(Duration::from_secs(3)).await;

    assert_eq!(
        builds_started(),
        builds,
        "the database writes started a rebuild (trunk's log: {})",
        env("TRUNK_LOG")
    );
    let same = page
        .c
        .execute("return window.__stillTheSamePage === true;", vec![])
        .await
        .unwrap();
    assert_eq!(same, serde_json::json!(true), "the page was reloaded");
    page.c.close().await.unwrap();
}

/// The demo's own API (examples/demo-api behind trunk's proxy), as a user meets it:
/// signed out it answers 401 and the page sends them to sign in; signed in it knows
/// them (their email from the Backend API) and keeps their notes; "Delete all my
/// notes" goes through at once after the sign-in, and once the factor is older than
/// the API's window (under a minute here) it asks "Verify it's you" and then goes
/// through by itself.
#[tokio::test]
async fn the_demos_own_api_knows_the_user_and_asks_again_before_deleting_everything() {
    let signed_out = reqwest::get(format!("{}/api/notes", env("DEMO_URL")))
        .await
        .unwrap();
    assert_eq!(signed_out.status().as_u16(), 401);
    let body: serde_json::Value = signed_out.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "authentication_invalid");

    let page = Page::start().await;
    page.goto("/notes").await;
    page.wait_path("/sign-in").await;
    let email = format!("nora.{}@example.com", unique());
    page.goto("/sign-up").await;
    page.sign_up("Nora", &email).await;
    page.click_text(".topbar nav a", "Notes").await;
    page.wait_text("#notes-email", &email).await;
    page.wait("#notes-empty").await;
    page.type_into("#note-text", "buy milk").await;
    page.click(".notes-form button").await;
    page.wait_text("#notes-list li", "buy milk").await;

    // Just signed in: deleting goes through without a question.
    page.click("#delete-all").await;
    page.wait_text("#notes-status", "Notes deleted: 1.").await;
    page.wait("#notes-empty").await;

    page.type_into("#note-text", "call mum").await;
    page.click(".notes-form button").await;
    page.wait_text("#notes-list li", "call mum").await;
    // Past the API's window: "Verify it's you", then the deletion is retried. `fva`
    // counts whole minutes when the token is minted, and a token lives a minute: two
    // minutes on, any token the page holds says the sign-in is a minute old.
    tokio::time::sleep(Duration::from_secs(122)).await;
    page.click("#delete-all").await;
    page.wait_text(".cl-modalContent .cl-headerTitle", "Verify it's you")
        .await;
    page.type_into(".cl-modalContent input[name=password]", e2e::PASSWORD)
        .await;
    page.click(".cl-modalContent button.cl-formButtonPrimary")
        .await;
    page.wait_text("#notes-status", "Notes deleted: 1.").await;
    page.wait_gone(".cl-modalBackdrop").await;
    page.screenshot("#notes", "demo-notes.png").await;
    page.audit("the notes page").await;
    page.c.clone().close().await.unwrap();
}
