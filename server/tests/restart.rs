//! What was acknowledged survives: a graceful restart keeps users, sessions and the
//! signing key; a SIGKILL of the real binary loses no acknowledged write. On SQLite,
//! and on PostgreSQL when `FAPI_TEST_POSTGRES_URL` is set.

use crate::common;

use common::{spawn_binary, test_settings, Browser, Mode, TestServer, PASSWORD};

#[tokio::test]
async fn a_restart_keeps_users_sessions_and_signing_keys() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::DevBrowser);
    b.setup().await;
    let sid = b
        .sign_up(&server, "keep+clerk_test@example.com", "Keep")
        .await;
    let token = b.session_token(&sid).await;
    let keys_before = server.jwks().await;

    let dir = server.stop().await;
    let settings = test_settings(dir.path());
    let server = TestServer::in_dir(dir, settings).await;
    let b = {
        let again = Browser::new(&server.base, Mode::DevBrowser);
        again.set_token(b.token());
        *again.session_id.lock().unwrap() = Some(sid.clone());
        again
    };
    assert_eq!(server.jwks().await, keys_before, "same signing key");
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(
        header.kid.as_deref(),
        Some(keys_before.keys[0].kid.as_str())
    );
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["first_name"], "Keep");
    assert_eq!(me["client"]["sessions"][0]["id"], sid.as_str());
    b.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .ok();
}

#[tokio::test]
async fn a_crash_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let (mut running, base) = spawn_binary(dir.path(), None);
    let b = Browser::new(&base, Mode::Cookie);
    let id = b.start_sign_up("crash+clerk_test@example.com", &[]).await;
    let v = b.finish_sign_up(&id, "424242").await.ok();
    let user_id = v["response"]["created_user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // SIGKILL right after the acknowledgement: no shutdown, no flush.
    running.0.kill().unwrap();
    running.0.wait().unwrap();

    let (_running, base) = spawn_binary(dir.path(), None);
    let fresh = Browser::new(&base, Mode::Cookie);
    let v = fresh
        .sign_in_password("crash+clerk_test@example.com", PASSWORD)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    fresh.activate(&sid).await;
    assert_eq!(
        fresh.get("/v1/me").await.ok()["response"]["id"],
        user_id.as_str()
    );
    // The old browser's cookie still names its client and session.
    let v = b.at(&base).get("/v1/client").await.ok();
    assert_eq!(v["client"]["sessions"][0]["status"], "active");
}

/// The settings the durability promise rests on, as the writer connection has them:
/// on SQLite WAL with `synchronous=FULL` (an acknowledged write is on disk) and
/// foreign keys enforced; on PostgreSQL, commits wait for the WAL flush.
#[tokio::test]
async fn the_writer_waits_for_the_disk() {
    let server = TestServer::start().await;
    let db = &server.state().db;
    let mut conn = db.write.acquire().await.unwrap();
    match db.engine {
        fapi_server::db::Engine::Sqlite => {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(mode, "wal");
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(sync, 2, "synchronous=FULL");
            let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(fk, 1, "foreign keys enforced");
        }
        fapi_server::db::Engine::Postgres => {
            let commit: String = sqlx::query_scalar("SHOW synchronous_commit")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(commit, "on");
            let fsync: String = sqlx::query_scalar("SHOW fsync")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(fsync, "on");
        }
    }
}
