//! Settings that would quietly expose or weaken an instance stop it from starting
//! (security issue, item 15): a development instance facing the network, a
//! production instance taking its token issuer from the Host header, and a second
//! factor turned off while accounts depend on it.

use crate::common;

use common::{account_with_2fa, test_settings, TestServer};
use fapi_server::{
    config::{Environment, Settings},
    Server, StartError,
};

async fn start(settings: Settings, addr: &str) -> Result<Server, StartError> {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    Server::start_on(settings, listener).await
}

#[tokio::test]
async fn development_listens_on_loopback_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let e = start(test_settings(dir.path()), "0.0.0.0:0")
        .await
        .err()
        .expect("a development instance on 0.0.0.0 is refused");
    assert!(e.to_string().contains("allow_remote_development"), "{e}");
    let settings = Settings {
        allow_remote_development: true,
        ..test_settings(dir.path())
    };
    start(settings, "0.0.0.0:0").await.unwrap().stop().await;
}

#[tokio::test]
async fn production_needs_its_own_url_for_the_token_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        environment: Environment::Production,
        ..test_settings(dir.path())
    };
    let e = start(settings, "127.0.0.1:0")
        .await
        .err()
        .expect("production without frontend_api_url is refused");
    assert!(e.to_string().contains("frontend_api_url"), "{e}");
}

#[tokio::test]
async fn turning_sms_codes_off_does_not_silently_drop_anyones_2fa() {
    let server = TestServer::start().await;
    let b = account_with_2fa(&server, "tfa@example.com", "+14155553201").await;
    drop(b);
    let user: String = sqlx::query_scalar("SELECT id FROM users")
        .fetch_one(&server.state().db.read)
        .await
        .unwrap();
    let dir = server.stop().await;
    let mut settings = test_settings(dir.path());
    settings.second_factors.phone_code = false;
    let e = start(settings, "127.0.0.1:0")
        .await
        .err()
        .expect("a method in use cannot be turned off");
    assert!(matches!(e, StartError::SecondFactorInUse { .. }), "{e}");
    assert!(e.to_string().contains(&user), "{e}");
    // Nothing changed: with the method on again, it starts and the account keeps 2FA.
    let settings = test_settings(dir.path());
    let server = TestServer::in_dir(dir, settings).await;
    let reserved: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM identifications WHERE reserved_for_second_factor = TRUE",
    )
    .fetch_one(&server.state().db.read)
    .await
    .unwrap();
    assert_eq!(reserved, 1);
}

/// `--print-config` reads what the dashboard saved, and creates nothing: a database
/// that is not there yet has saved nothing (it used to be created, folder and all).
#[tokio::test]
async fn printing_the_settings_creates_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-yet").join("fapi.db");
    let settings = Settings {
        database_url: format!("sqlite://{}", file.display()),
        ..Settings::default()
    };
    let printed = fapi_server::effective_settings(&settings).await.unwrap();
    assert_eq!(printed.application_name, settings.application_name);
    assert!(!file.exists(), "the database was created");
    assert!(!file.parent().unwrap().exists(), "its folder was created");
}

#[tokio::test]
async fn turning_email_codes_off_does_not_silently_drop_anyones_2fa() {
    let server = TestServer::with(|s| s.second_factors.email_code = true).await;
    let b = common::Browser::new(&server.base, common::Mode::Cookie);
    b.sign_up(&server, "mail.tfa@example.com", "Ada").await;
    let me = b.get("/v1/me").await.ok();
    let id = me["response"]["email_addresses"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.patch(
        &format!("/v1/me/email_addresses/{id}"),
        &[("reserved_for_second_factor", "true")],
    )
    .await
    .ok();
    let dir = server.stop().await;
    let settings = test_settings(dir.path());
    let e = start(settings, "127.0.0.1:0")
        .await
        .err()
        .expect("email codes in use cannot be turned off");
    assert!(
        matches!(
            e,
            StartError::SecondFactorInUse {
                method: "email_code",
                ..
            }
        ),
        "{e}"
    );
}
