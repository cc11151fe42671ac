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
