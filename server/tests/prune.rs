//! Abandoned sign-ins and sign-ups, leftover verifications and cooldown rows, and
//! idle clients are forgotten by the background pruner; anything live is kept
//! (security issue, item 11).

use crate::common;

use common::{Browser, Mode, TestServer};
use fapi_server::store::prune::{prune, Pruned};

const HOUR: i64 = 3600 * 1000;

async fn count(server: &TestServer, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&server.state().db.read)
        .await
        .unwrap()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn abandoned_and_idle_rows_go_and_live_ones_stay() {
    let server = TestServer::start().await;
    // A signed-in browser, and one that only started a sign-in and a sign-up.
    let signed_in = Browser::new(&server.base, Mode::Cookie);
    signed_in.sign_up(&server, "stay@example.com", "Stay").await;
    let drifter = Browser::new(&server.base, Mode::Cookie);
    let v = drifter
        .post("/v1/client/sign_ins", &[("identifier", "stay@example.com")])
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    drifter.start_sign_up("gone@example.com", &[]).await;
    let db = &server.state().db;

    // An hour on, nothing is due.
    assert_eq!(prune(db, now() + HOUR).await.unwrap(), Pruned::default());

    // A day and a bit on: the sign-in and the sign-ups are abandoned, their codes
    // and cooldowns are leftovers; the account and its verified email stay.
    let pruned = prune(db, now() + 25 * HOUR).await.unwrap();
    assert_eq!(pruned.sign_ins, 1, "{pruned:?}");
    assert_eq!(pruned.sign_ups, 2, "{pruned:?}");
    assert_eq!(pruned.code_sends, 2, "{pruned:?}");
    assert_eq!(
        pruned.verifications, 1,
        "the unverified sign-up's code: {pruned:?}"
    );
    assert_eq!(pruned.clients, 0, "{pruned:?}");
    assert_eq!(count(&server, "users").await, 1);
    assert_eq!(count(&server, "identifications").await, 1);
    drifter
        .get(&format!("/v1/client/sign_ins/{sia}"))
        .await
        .err(404, "resource_not_found");
    let v = drifter.get("/v1/client").await.ok();
    assert!(v["response"]["sign_in"].is_null() && v["response"]["sign_up"].is_null());

    // A month on, both clients are idle and their sessions over: gone too.
    let pruned = prune(db, now() + 31 * 24 * HOUR).await.unwrap();
    assert_eq!(pruned.clients, 2, "{pruned:?}");
    assert_eq!(count(&server, "sessions").await, 0);
    assert_eq!(count(&server, "users").await, 1);
}
