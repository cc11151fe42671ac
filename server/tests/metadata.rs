//! `PATCH /v1/me/metadata`, where clerk-js's `user.updateMetadata` and
//! `user.update({ unsafeMetadata })` send a user's `unsafe_metadata`: a JSON merge
//! patch (RFC 7396) into what is stored, capped at 8 KB like sign-up's.

use crate::common;

use common::{Browser, Mode, TestServer};
use serde_json::{json, Value};

const PATH: &str = "/v1/me/metadata";

async fn signed_in(server: &TestServer, email: &str) -> Browser {
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(server, email, "Ada").await;
    b
}

/// Sends `patch` as clerk-js does (form-encoded JSON text); the answer's user.
async fn patch(b: &Browser, patch: Value) -> Value {
    let v = b
        .patch(PATH, &[("unsafe_metadata", &patch.to_string())])
        .await
        .ok();
    assert!(v["client"]["sessions"].is_array(), "the client too: {v}");
    assert_eq!(v["response"]["object"], "user");
    v["response"].clone()
}

async fn stored(b: &Browser) -> Value {
    b.get("/v1/me").await.ok()["response"]["unsafe_metadata"].clone()
}

#[tokio::test]
async fn a_patch_sets_and_deep_merges() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    // What sign-up stored is where the patches start.
    let id = b
        .start_sign_up(
            "merge@example.com",
            &[
                ("first_name", "Ada"),
                ("unsafe_metadata", r#"{"from_sign_up":true}"#),
            ],
        )
        .await;
    let code = server.last_code_to("merge@example.com").await;
    let v = b.finish_sign_up(&id, &code).await.ok();
    let sid = v["response"]["created_session_id"].as_str().unwrap();
    b.activate(sid).await;

    let user = patch(
        &b,
        json!({ "plan": "free", "prefs": { "theme": "dark", "lang": "en" }, "tags": [1, 2] }),
    )
    .await;
    assert_eq!(
        user["unsafe_metadata"],
        json!({ "from_sign_up": true, "plan": "free",
                "prefs": { "theme": "dark", "lang": "en" }, "tags": [1, 2] })
    );
    let user = patch(
        &b,
        json!({ "plan": "pro", "prefs": { "lang": "fr", "font": { "size": 12 } }, "tags": [3] }),
    )
    .await;
    let want = json!({ "from_sign_up": true, "plan": "pro",
                       "prefs": { "theme": "dark", "lang": "fr", "font": { "size": 12 } },
                       "tags": [3] });
    assert_eq!(
        user["unsafe_metadata"], want,
        "objects merge, arrays replace"
    );
    assert_eq!(stored(&b).await, want, "and it is stored");
    assert_eq!(
        user["first_name"], "Ada",
        "the rest of the user is untouched"
    );
}

#[tokio::test]
async fn null_removes_a_key_at_any_depth() {
    let server = TestServer::start().await;
    let b = signed_in(&server, "nulls@example.com").await;
    patch(
        &b,
        json!({ "a": 1, "b": 2, "prefs": { "theme": "dark", "lang": "en", "font": { "size": 12 } } }),
    )
    .await;
    let user = patch(
        &b,
        json!({ "a": null, "prefs": { "font": { "size": null }, "theme": null }, "never": null }),
    )
    .await;
    let want = json!({ "b": 2, "prefs": { "lang": "en", "font": {} } });
    assert_eq!(user["unsafe_metadata"], want);
    assert_eq!(stored(&b).await, want);
    // An empty patch changes nothing.
    assert_eq!(patch(&b, json!({})).await["unsafe_metadata"], want);
}

#[tokio::test]
async fn the_result_is_capped_at_8_kb_and_a_refusal_changes_nothing() {
    let server = TestServer::start().await;
    let b = signed_in(&server, "big@example.com").await;
    let note = "x".repeat(8000);
    patch(&b, json!({ "note": note })).await;
    let before = b.get("/v1/me").await.ok()["response"].clone();

    // Small on its own, too big once merged.
    let e = b
        .patch(
            PATH,
            &[(
                "unsafe_metadata",
                &json!({ "more": "y".repeat(300) }).to_string(),
            )],
        )
        .await
        .err(422, "form_param_format_invalid");
    assert_eq!(e["meta"]["param_name"], "unsafe_metadata");
    let after = b.get("/v1/me").await.ok()["response"].clone();
    assert_eq!(after["unsafe_metadata"], json!({ "note": note }));
    assert_eq!(
        after["updated_at"], before["updated_at"],
        "not even touched"
    );

    // Dropping the note makes room.
    let user = patch(&b, json!({ "note": null, "more": "y".repeat(300) })).await;
    assert_eq!(user["unsafe_metadata"], json!({ "more": "y".repeat(300) }));
}

#[tokio::test]
async fn only_a_json_object_is_a_patch() {
    let server = TestServer::start().await;
    let b = signed_in(&server, "shape@example.com").await;
    patch(&b, json!({ "keep": 1 })).await;
    for bad in ["{", "not json", "[1]", "null", "\"text\"", "42", ""] {
        let e = b
            .patch(PATH, &[("unsafe_metadata", bad)])
            .await
            .err(422, "form_param_format_invalid");
        assert_eq!(e["meta"]["param_name"], "unsafe_metadata", "{bad:?}");
    }
    let e = b.patch(PATH, &[]).await.err(422, "form_param_missing");
    assert_eq!(e["meta"]["param_name"], "unsafe_metadata");
    b.patch(PATH, &[("unsafe_metadata", "{}"), ("first_name", "Eve")])
        .await
        .err(422, "form_param_unknown");
    assert_eq!(stored(&b).await, json!({ "keep": 1 }));
}

#[tokio::test]
async fn it_needs_a_signed_in_session() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let me = b.get("/v1/me").await.err(401, "authentication_invalid");
    let e = b
        .patch(PATH, &[("unsafe_metadata", r#"{"a":1}"#)])
        .await
        .err(401, "authentication_invalid");
    assert_eq!(e, me, "the same error as GET /v1/me");

    // Nor another client's session.
    b.sign_up(&server, "owner@example.com", "Ada").await;
    let other = Browser::new(&server.base, Mode::Cookie);
    *other.session_id.lock().unwrap() = b.session_id.lock().unwrap().clone();
    other
        .patch(PATH, &[("unsafe_metadata", r#"{"a":1}"#)])
        .await
        .err(401, "authentication_invalid");
    assert_eq!(stored(&b).await, json!({}));
}

#[tokio::test]
async fn a_pending_session_may_not_change_it() {
    let server = TestServer::with(|s| s.mfa.required = true).await;
    let b = signed_in(&server, "pending@example.com").await;
    b.patch(PATH, &[("unsafe_metadata", r#"{"a":1}"#)])
        .await
        .err(403, "session_task_pending");
    assert_eq!(stored(&b).await, json!({}), "refused means unchanged");
}

/// Each request reads and writes the whole object: run at once, none may lose
/// another's key (on PostgreSQL too, where they really are concurrent).
#[tokio::test]
async fn concurrent_patches_keep_every_key() {
    let server = TestServer::start().await;
    let b = signed_in(&server, "race@example.com").await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let b = b.clone();
            tokio::spawn(async move {
                let key = format!("k{i}");
                b.patch(PATH, &[("unsafe_metadata", &json!({ key: i }).to_string())])
                    .await
                    .ok();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let all = stored(&b).await;
    let all = all.as_object().unwrap();
    assert_eq!(all.len(), 20, "{all:?}");
    for i in 0..20 {
        assert_eq!(all[&format!("k{i}")], i);
    }
}
