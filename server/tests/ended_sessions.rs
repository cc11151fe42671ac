//! A session that is over carries no user and no personal data, wherever it shows
//! up; signing out of everything removes the sessions from the client (security
//! issue, item 9).

use crate::common;

use common::{Browser, Mode, TestServer};
use serde_json::Value;

fn assert_anonymous(session: &Value) {
    assert!(session["user"].is_null(), "{session}");
    let public = &session["public_user_data"];
    for field in ["first_name", "last_name", "user_id", "username"] {
        assert!(public[field].is_null(), "{field} in {session}");
    }
    assert_eq!(public["identifier"], "", "{session}");
}

#[tokio::test]
async fn ended_sessions_show_no_profile() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b.sign_up(&server, "shared.pc@example.com", "Ada").await;
    let v = b
        .post(&format!("/v1/client/sessions/{sid}/end"), &[])
        .await
        .ok();
    assert_eq!(v["response"]["status"], "ended");
    assert_anonymous(&v["response"]);
    for s in v["client"]["sessions"].as_array().unwrap() {
        assert_anonymous(s);
    }
    let v = b.get(&format!("/v1/client/sessions/{sid}")).await.ok();
    assert_anonymous(&v["response"]);
    let text = b.get("/v1/client").await.json.to_string();
    assert!(!text.contains("shared.pc@example.com"), "{text}");
    assert!(!text.contains("Ada"), "{text}");
}

#[tokio::test]
async fn signing_out_of_everything_removes_the_sessions() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b.sign_up(&server, "leave@example.com", "Lin").await;
    b.sign_out().await;
    let v = b.get("/v1/client").await.ok();
    assert_eq!(v["response"]["sessions"], serde_json::json!([]));
    b.get(&format!("/v1/client/sessions/{sid}"))
        .await
        .err(404, "resource_not_found");
}
