//! `/dashboard`: off without an administrator; an administrator signs in; "Apply
//! Changes" changes what `/v1/environment` answers at once and survives a restart;
//! forged forms and settings the server would refuse change nothing; users are
//! searched, locked, unlocked, reset and signed out; every action is in the log.

use crate::common;

use common::{
    account_with_2fa,
    admin::{form_with, signed_in_admin, with_admin, AdminBrowser, ADMIN_PASSWORD},
    Browser, Mode, TestServer, PASSWORD,
};
use reqwest::{header, StatusCode};
use serde_json::Value;

async fn environment(server: &TestServer) -> Value {
    reqwest::get(format!("{}/v1/environment", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_dashboard_is_off_without_an_administrator_and_says_how_to_turn_it_on() {
    let server = TestServer::start().await;
    let admin = AdminBrowser::new(&server);
    for path in ["/dashboard", "/dashboard/settings", "/dashboard/sign-in"] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("FAPI_DASHBOARD_PASSWORD"), "{path}");
        assert!(page.body.contains("--hash-password"), "{path}");
    }
    let page = admin.sign_in("admin", "anything at all").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.set_cookie.is_none());
}

#[tokio::test]
async fn an_administrator_signs_in_with_the_configured_password_only() {
    let server = TestServer::with(with_admin).await;
    let admin = AdminBrowser::new(&server);

    let page = admin.get("/dashboard/users").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/dashboard/sign-in"));

    let page = admin.sign_in("alice", "not the password").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("Wrong name or password"));
    assert!(page.set_cookie.is_none());
    let page = admin.sign_in("mallory", ADMIN_PASSWORD).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);

    let page = admin.sign_in("alice", ADMIN_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location.as_deref(), Some("/dashboard/settings"));
    let cookie = page.set_cookie.unwrap();
    for part in [
        "fapi_dashboard=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/dashboard",
    ] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    let page = admin.get("/dashboard/users").await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = "default-src 'none'";
    let r = reqwest::get(format!("{}/dashboard/sign-in", server.base))
        .await
        .unwrap();
    assert!(r.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .starts_with(csp));
    assert_eq!(r.headers()[header::X_FRAME_OPTIONS], "DENY");

    let log = admin.log().await;
    assert!(
        log.contains("sign-in-failed") && log.contains("mallory"),
        "{log}"
    );
    assert!(log.contains("<code>sign-in</code>"), "{log}");

    // Signing out ends the session: the same cookie opens nothing.
    let csrf = admin.csrf().await;
    let page = admin.post("/dashboard/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = admin.get("/dashboard/settings").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_administrator_password_from_the_environment_works_too() {
    let server = TestServer::with(|s| {
        s.apply_env(|name| match name {
            "FAPI_DASHBOARD_PASSWORD" => Some(ADMIN_PASSWORD.into()),
            _ => None,
        })
        .unwrap();
    })
    .await;
    let admin = AdminBrowser::new(&server);
    assert_eq!(
        admin.sign_in("admin", ADMIN_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let printed = toml::to_string(&server.state().live.base().clone()).unwrap();
    assert!(
        !printed.contains(ADMIN_PASSWORD),
        "--print-config never shows it"
    );
}

#[tokio::test]
async fn apply_changes_changes_the_environment_at_once_and_survives_a_restart() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let env = environment(&server).await;
    assert_eq!(
        env["user_settings"]["sign_in"]["second_factor"]["required"],
        false
    );
    assert_eq!(
        env["user_settings"]["attributes"]["authenticator_app"]["enabled"],
        true
    );

    let form = form_with(&[
        ("application_name", Some("Acme Corp")),
        ("identifiers.username", Some("required")),
        ("second_factors.totp", None),
        ("mfa.required", Some("on")),
        ("password.min_length", Some("12")),
    ]);
    let page = admin.apply(&form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        page.location.as_deref(),
        Some("/dashboard/settings?applied=5")
    );

    let env = environment(&server).await;
    assert_eq!(env["display_config"]["application_name"], "Acme Corp");
    assert_eq!(
        env["user_settings"]["sign_in"]["second_factor"]["required"],
        true
    );
    assert_eq!(env["user_settings"]["sign_up"]["mfa"]["required"], true);
    assert_eq!(
        env["user_settings"]["attributes"]["authenticator_app"]["enabled"],
        false
    );
    assert_eq!(
        env["user_settings"]["attributes"]["username"]["required"],
        true
    );
    assert_eq!(env["user_settings"]["password_settings"]["min_length"], 12);

    // The page shows what is in force, marked as saved.
    let page = admin.get("/dashboard/settings?applied=5").await;
    assert!(page.body.contains("Changes applied"));
    assert!(page.body.contains("value=\"Acme Corp\""));
    assert!(page.body.contains("title=\"Saved in the dashboard"));

    let log = admin.log().await;
    assert!(log.contains("settings-apply"), "{log}");
    assert!(log.contains("mfa.required: false → true"), "{log}");

    // The file's settings again at restart, with the saved ones on top.
    let dir = server.stop().await;
    let settings = common::test_settings(dir.path());
    let effective = fapi_server::effective_settings(&settings).await.unwrap();
    assert!(effective.mfa.required && !effective.second_factors.totp);
    let server = TestServer::in_dir(dir, {
        let mut s = common::test_settings(std::path::Path::new("/unused"));
        s.database_url = settings.database_url.clone();
        s.secrets_key_file = settings.secrets_key_file.clone();
        with_admin(&mut s);
        s
    })
    .await;
    let env = environment(&server).await;
    assert_eq!(env["display_config"]["application_name"], "Acme Corp");
    assert_eq!(
        env["user_settings"]["sign_in"]["second_factor"]["required"],
        true
    );

    // Back to the file's values: nothing saved any more.
    let admin = signed_in_admin(&server).await;
    let csrf = admin.csrf().await;
    let page = admin
        .post("/dashboard/settings/forget", &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let env = environment(&server).await;
    assert_eq!(env["display_config"]["application_name"], "Test App");
    assert_eq!(
        env["user_settings"]["sign_in"]["second_factor"]["required"],
        false
    );
    let dir = server.stop().await;
    let effective = fapi_server::effective_settings(&common::test_settings(dir.path()))
        .await
        .unwrap();
    assert!(!effective.mfa.required);
}

#[tokio::test]
async fn forged_forms_change_nothing() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let form = form_with(&[("mfa.required", Some("on"))]);

    // No form token, or someone else's.
    let page = admin.post("/dashboard/settings", &form).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    let mut forged = vec![("csrf", "forged")];
    forged.extend_from_slice(&form);
    let page = admin.post("/dashboard/settings", &forged).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // The right token, sent from another site.
    let csrf = admin.csrf().await;
    let mut from_elsewhere = vec![("csrf", csrf.as_str())];
    from_elsewhere.extend_from_slice(&form);
    let r = admin
        .http
        .post(format!("{}/dashboard/settings", server.base))
        .header(header::ORIGIN, "https://evil.example")
        .form(&from_elsewhere)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());

    let env = environment(&server).await;
    assert_eq!(
        env["user_settings"]["sign_in"]["second_factor"]["required"],
        false
    );
    assert!(!admin.log().await.contains("settings-apply"));
}

#[tokio::test]
async fn settings_the_server_would_refuse_are_refused_and_change_nothing() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;

    let no_factor_but_required = form_with(&[
        ("second_factors.phone_code", None),
        ("second_factors.totp", None),
        ("second_factors.backup_code", None),
        ("mfa.required", Some("on")),
    ]);
    let page = admin.apply(&no_factor_but_required).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("mfa.required needs phone_code, totp or email_code"),
        "{}",
        page.body
    );

    let page = admin
        .apply(&form_with(&[("password.min_length", Some("4"))]))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("at least 8"), "{}", page.body);

    let page = admin
        .apply(&form_with(&[(
            "identifiers.email_address",
            Some("sometimes"),
        )]))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);

    // An account signs in with an SMS code: SMS cannot be turned off under it.
    let user = account_with_2fa(&server, "sms.user@example.com", "+14155552100").await;
    drop(user);
    let page = admin
        .apply(&form_with(&[("second_factors.phone_code", None)]))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("SMS verification code cannot be turned off"));

    let env = environment(&server).await;
    assert_eq!(
        env["user_settings"]["sign_in"]["second_factor"]["required"],
        false
    );
    assert_eq!(env["user_settings"]["password_settings"]["min_length"], 15);
    assert_eq!(
        env["user_settings"]["attributes"]["phone_number"]["enabled"],
        true
    );
    assert!(!admin.log().await.contains("settings-apply"));
}

/// An action on a user's page (`lock`, `require-mfa`, …), with the form's token.
async fn act_on(admin: &AdminBrowser, id: &str, action: &str) -> common::admin::Page {
    let csrf = admin.csrf().await;
    admin
        .post(
            &format!("/dashboard/users/{id}/{action}"),
            &[("csrf", &csrf)],
        )
        .await
}

async fn user_id_of(b: &Browser) -> String {
    let v = b.get("/v1/client").await.ok();
    v["response"]["sessions"][0]["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn users_are_searched_locked_unlocked_reset_and_signed_out() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let email = "grace.hopper@example.com";
    let user = Browser::new(&server.base, Mode::Cookie);
    user.sign_up(&server, email, "Grace").await;
    let id = user_id_of(&user).await;
    user.enable_sms_2fa(&server, "+14155552124").await;
    let other = Browser::new(&server.base, Mode::Cookie);
    other
        .sign_up(&server, "someone.else@example.com", "Other")
        .await;

    // Search by part of the email, any case; the list shows the second factor.
    let page = admin.get("/dashboard/users?q=GRACE.hop").await;
    assert!(page.body.contains(email), "{}", page.body);
    assert!(!page.body.contains("someone.else@example.com"));
    assert!(page.body.contains("SMS (1)"), "{}", page.body);
    let page = admin.get("/dashboard/users?q=%25").await;
    assert!(
        page.body.contains("0 users"),
        "a % is a character, not a wildcard"
    );
    let page = admin.get(&format!("/dashboard/users/{id}")).await;
    assert!(page.body.contains("+14155552124"));

    let act = |action: &'static str| act_on(&admin, &id, action);

    // Sign out: the user's session is over.
    let sid = user.session_id.lock().unwrap().clone().unwrap();
    let page = act("sign-out").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    user.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .err(401, "signed_out");

    // Locked: refused before any password is checked, with no time to wait out.
    assert_eq!(act("lock").await.status, StatusCode::SEE_OTHER);
    let e = user
        .sign_in_password(email, PASSWORD)
        .await
        .err(403, "user_locked");
    assert!(e["meta"]["lockout_expires_in_seconds"].is_null(), "{e}");
    assert!(admin
        .get(&format!("/dashboard/users/{id}"))
        .await
        .body
        .contains("Locked by an administrator"));

    // Unlocked: the password and the SMS code again.
    assert_eq!(act("unlock").await.status, StatusCode::SEE_OTHER);
    let v = user.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");

    // Second factors reset: the password alone signs in, and the owner is told.
    assert_eq!(
        act("reset-second-factors").await.status,
        StatusCode::SEE_OTHER
    );
    let v = user.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete");
    let notices = server.notices_to(email).await;
    assert!(
        notices
            .iter()
            .any(|n| n.contains("An administrator turned off two-step verification")),
        "{notices:?}"
    );
    assert!(admin
        .get("/dashboard/users?q=grace")
        .await
        .body
        .contains("Off"));

    let log = admin.log().await;
    for action in ["sign-out", "lock", "unlock", "reset-second-factors"] {
        assert!(
            log.contains(&format!("<code>{action}</code>")),
            "{action}: {log}"
        );
    }
    assert!(log.contains(&format!("/dashboard/users/{id}")));
    assert!(log.contains("1 phones"), "{log}");

    // Unknown accounts and actions.
    let csrf = admin.csrf().await;
    let page = admin
        .post("/dashboard/users/user_nobody/lock", &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = admin
        .post(&format!("/dashboard/users/{id}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_passwords_lock_the_administrator_name() {
    let server = TestServer::with(|s| {
        with_admin(s);
        s.lockout.max_attempts = 3;
    })
    .await;
    let admin = AdminBrowser::new(&server);
    for _ in 0..3 {
        assert_eq!(
            admin.sign_in("alice", "wrong guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let page = admin.sign_in("alice", ADMIN_PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::FORBIDDEN,
        "locked, even with the password"
    );
    assert!(page.set_cookie.is_none());
}

#[tokio::test]
async fn the_hosted_pages_colours_are_set_in_the_dashboard() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let page = admin
        .apply(&form_with(&[("theme.primary_color", Some("red"))]))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("CSS hex colour"), "{}", page.body);
    let page = admin
        .apply(&form_with(&[
            ("theme.primary_color", Some("#0a7e4f")),
            ("theme.background_color", Some("#fafafa")),
        ]))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let env = environment(&server).await;
    assert_eq!(
        env["display_config"]["theme"]["general"]["color"],
        "#0a7e4f"
    );
    assert_eq!(
        env["display_config"]["theme"]["general"]["background_color"],
        "#fafafa"
    );
}

/// The dashboard is same-origin only: an allowed app origin (or, in development, any
/// loopback port) gets no CORS headers, so its scripts cannot read the pages with the
/// administrator's cookie. The API keeps answering that origin.
#[tokio::test]
async fn the_dashboard_answers_no_other_origin() {
    let server = TestServer::with(|s| {
        common::admin::with_admin(s);
        s.allowed_origins = vec!["https://app.example.com".into()];
    })
    .await;
    let admin = common::admin::signed_in_admin(&server).await;
    for origin in ["https://app.example.com", "http://localhost:31337"] {
        for path in ["/dashboard/settings", "/dashboard/users", "/dashboard/log"] {
            let r = admin
                .http
                .get(format!("{}{path}", server.base))
                .header(header::ORIGIN, origin)
                .send()
                .await
                .unwrap();
            let cors: Vec<_> = r
                .headers()
                .keys()
                .filter(|k| k.as_str().starts_with("access-control-"))
                .map(|k| k.to_string())
                .collect();
            assert!(cors.is_empty(), "{path} from {origin}: {cors:?}");
            assert_eq!(r.headers()["cross-origin-resource-policy"], "same-origin");
        }
    }
    let r = admin
        .http
        .get(format!("{}/v1/environment", server.base))
        .header(header::ORIGIN, "https://app.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
}

/// An administrator locks an account to answer a takeover: the sessions already
/// open (the intruder's) end with it, tokens and profile changes alike.
#[tokio::test]
async fn locking_an_account_ends_its_sessions() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let user = Browser::new(&server.base, Mode::Cookie);
    user.sign_up(&server, "taken.over@example.com", "Ada").await;
    let id = user_id_of(&user).await;
    let sid = user.session_id.lock().unwrap().clone().unwrap();
    user.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .ok();

    let csrf = admin.csrf().await;
    let page = admin
        .post(&format!("/dashboard/users/{id}/lock"), &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    user.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .err(401, "signed_out");
    user.patch("/v1/me", &[("first_name", "Mallory")])
        .await
        .err(401, "authentication_invalid");
    assert!(admin.log().await.contains("1 sessions signed out"));
}

/// A link cannot make the dashboard say what it likes ("Done: account verified by the
/// security team"), and no page number breaks a list.
#[tokio::test]
async fn the_pages_say_only_what_the_dashboard_did() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let user = Browser::new(&server.base, Mode::Cookie);
    user.sign_up(&server, "flash@example.com", "Ada").await;
    let id = user_id_of(&user).await;
    let page = admin
        .get(&format!(
            "/dashboard/users/{id}?done=account+verified+by+the+security+team"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("security team"), "{}", page.body);
    assert!(!page.body.contains("Done:"));

    let csrf = admin.csrf().await;
    let done = admin
        .post(
            &format!("/dashboard/users/{id}/sign-out"),
            &[("csrf", &csrf)],
        )
        .await;
    let to = done.location.unwrap();
    assert!(to.ends_with("?done=sign-out"), "{to}");
    assert!(admin
        .get(&to)
        .await
        .body
        .contains("Done: every session is signed out"));

    for path in [
        "/dashboard/users?page=9223372036854775807",
        "/dashboard/log?page=9223372036854775807",
        "/dashboard/users?page=-9223372036854775808",
    ] {
        assert_eq!(admin.get(path).await.status, StatusCode::OK, "{path}");
    }
}

/// Wrong passwords lock a name for the address they came from only: an attacker
/// cannot lock the administrator out from elsewhere. The log names only
/// administrators; a name that is none is a detail ("tried name: ...").
#[tokio::test]
async fn an_attacker_cannot_lock_the_administrator_out() {
    let server = TestServer::with(|s| {
        with_admin(s);
        s.lockout.max_attempts = 3;
        s.trust_forwarded_for = true;
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let from = |ip: &'static str| {
        let mut headers = header::HeaderMap::new();
        headers.insert("x-forwarded-for", ip.parse().unwrap());
        AdminBrowser {
            base: server.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .unwrap(),
        }
    };
    let attacker = from("203.0.113.9");
    for _ in 0..3 {
        attacker.sign_in("alice", "wrong guess").await;
    }
    assert_eq!(
        attacker.sign_in("alice", ADMIN_PASSWORD).await.status,
        StatusCode::FORBIDDEN,
        "locked for the attacker's address"
    );
    attacker.sign_in("root' --", "x").await;

    let alice = from("198.51.100.1");
    let page = alice.sign_in("alice", ADMIN_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let log = alice.log().await;
    assert!(
        log.contains("tried name: root&#39; --") || log.contains("tried name: root' --"),
        "{log}"
    );
    assert!(!log.contains("<td>root"), "{log}");
}

/// A dashboard session ends when its administrator's password changes (an intruder
/// who signed in with the old one is out at the restart); the password from the
/// environment, hashed anew at every start, keeps its sessions across a restart.
#[tokio::test]
async fn a_new_password_ends_the_old_sessions() {
    let server = TestServer::with(with_admin).await;
    let intruder = signed_in_admin(&server).await;
    assert_eq!(
        intruder.get("/dashboard/users").await.status,
        StatusCode::OK
    );
    let dir = server.stop().await;
    let mut settings = common::test_settings(dir.path());
    settings.dashboard.admins = vec![fapi_server::config::Admin {
        name: "alice".into(),
        password_hash: fapi_server::passwords::hash_now("a brand new admin password"),
    }];
    let server = TestServer::in_dir(dir, settings).await;
    let intruder = AdminBrowser {
        base: server.base.clone(),
        http: intruder.http.clone(),
    };
    let page = intruder.get("/dashboard/users").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/dashboard/sign-in"));

    let from_env = |s: &mut fapi_server::config::Settings| {
        s.apply_env(|name| match name {
            "FAPI_DASHBOARD_PASSWORD" => Some(ADMIN_PASSWORD.into()),
            _ => None,
        })
        .unwrap();
    };
    let dir = server.stop().await;
    let mut settings = common::test_settings(dir.path());
    from_env(&mut settings);
    let server = TestServer::in_dir(dir, settings).await;
    let admin = AdminBrowser::new(&server);
    assert_eq!(
        admin.sign_in("admin", ADMIN_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let dir = server.stop().await;
    let mut settings = common::test_settings(dir.path());
    from_env(&mut settings);
    let server = TestServer::in_dir(dir, settings).await;
    let admin = AdminBrowser {
        base: server.base.clone(),
        http: admin.http.clone(),
    };
    assert_eq!(admin.get("/dashboard/users").await.status, StatusCode::OK);
}

/// MFA required of one user: their next sign-in without a second factor is pending
/// with the `setup-mfa` task, another user's is not; once a factor is on, the last
/// one stays until the administrator stops requiring it.
#[tokio::test]
async fn an_administrator_requires_two_step_verification_of_one_user() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let (email, other_email) = ("must.mfa@example.com", "free.mfa@example.com");
    let user = Browser::new(&server.base, Mode::Cookie);
    user.sign_up(&server, email, "Ada").await;
    let id = user_id_of(&user).await;
    user.sign_out().await;
    let other = Browser::new(&server.base, Mode::Cookie);
    other.sign_up(&server, other_email, "Other").await;
    other.sign_out().await;

    let act = |action: &'static str| act_on(&admin, &id, action);
    assert_eq!(act("require-mfa").await.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/dashboard/users/{id}")).await;
    assert!(page.body.contains("Required"), "{}", page.body);
    assert!(page.body.contains("Stop requiring 2-step verification"));

    // The user's next sign-in is pending with the set-up task; the other user's is not.
    let v = user.sign_in_password(email, PASSWORD).await.ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    user.activate(&sid).await;
    let client = user.get("/v1/client").await.ok();
    let session = &client["response"]["sessions"][0];
    assert_eq!(session["status"], "pending", "{session}");
    assert_eq!(session["tasks"][0]["key"], "setup-mfa");
    user.patch("/v1/me", &[("first_name", "Eve")])
        .await
        .err(403, "session_task_pending");
    let v = other.sign_in_password(other_email, PASSWORD).await.ok();
    assert_eq!(v["client"]["sessions"][0]["status"], "active");

    // A second factor turns the session active; the last one cannot be removed.
    user.enable_sms_2fa(&server, "+14155552177").await;
    let client = user.get("/v1/client").await.ok();
    assert_eq!(client["response"]["sessions"][0]["status"], "active");
    let me = user.get("/v1/me").await.ok();
    let phone_id = me["response"]["phone_numbers"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    user.patch(
        &format!("/v1/me/phone_numbers/{phone_id}"),
        &[("reserved_for_second_factor", "false")],
    )
    .await
    .err(422, "form_mfa_required");

    // No longer required: the factor may go.
    assert_eq!(
        act("stop-requiring-mfa").await.status,
        StatusCode::SEE_OTHER
    );
    let v = user
        .patch(
            &format!("/v1/me/phone_numbers/{phone_id}"),
            &[("reserved_for_second_factor", "false")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["reserved_for_second_factor"], false);
    let log = admin.log().await;
    assert!(log.contains("require-mfa"), "{log}");
    assert!(log.contains("stop-requiring-mfa"), "{log}");
}

/// Clerk's `reset-password` session task: after an administrator asks for a new
/// password, the user's next sign-in is pending with that task, can do nothing but
/// choose one, and is active once it has.
#[tokio::test]
async fn an_administrator_requires_a_new_password() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let email = "must.reset@example.com";
    let user = Browser::new(&server.base, Mode::Cookie);
    user.sign_up(&server, email, "Ada").await;
    let id = user_id_of(&user).await;
    user.sign_out().await;

    let page = act_on(&admin, &id, "require-password-reset").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/dashboard/users/{id}")).await;
    assert!(page.body.contains("New password required"), "{}", page.body);

    let v = user.sign_in_password(email, PASSWORD).await.ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    user.activate(&sid).await;
    let client = user.get("/v1/client").await.ok();
    let session = &client["response"]["sessions"][0];
    assert_eq!(session["status"], "pending", "{session}");
    assert_eq!(session["tasks"][0]["key"], "reset-password");
    user.patch("/v1/me", &[("first_name", "Eve")])
        .await
        .err(403, "session_task_pending");

    // The same password rules; then the session is active.
    user.post("/v1/me/change_password", &[("new_password", "short")])
        .await
        .err(422, "form_password_length_too_short");
    user.post(
        "/v1/me/change_password",
        &[("new_password", "a brand new passphrase")],
    )
    .await
    .ok();
    let client = user.get("/v1/client").await.ok();
    assert_eq!(client["response"]["sessions"][0]["status"], "active");
    assert!(client["response"]["sessions"][0]["tasks"].is_null());
    user.patch("/v1/me", &[("first_name", "Eve")]).await.ok();

    // Met: the next sign-in is active, and the dashboard says so.
    user.sign_out().await;
    let v = user
        .sign_in_password(email, "a brand new passphrase")
        .await
        .ok();
    assert_eq!(v["client"]["sessions"][0]["status"], "active");
    let page = admin.get(&format!("/dashboard/users/{id}")).await;
    assert!(!page.body.contains("New password required"));
}

/// "Sign out of all sessions" also forgets the devices the user asked not to be asked
/// on again: the next password sign-in there asks for the second factor.
#[tokio::test]
async fn signing_a_user_out_forgets_their_remembered_devices() {
    let server = TestServer::with(|s| {
        with_admin(s);
        s.mfa.remember_device_days = 30;
    })
    .await;
    let admin = signed_in_admin(&server).await;
    let (email, phone) = ("remembered.admin@example.com", "+14155552188");
    let laptop = account_with_2fa(&server, email, phone).await;
    let sia = laptop.to_second_factor(email).await;
    let code = server.last_code_to(phone).await;
    let v = laptop
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_second_factor"),
            &[
                ("strategy", "phone_code"),
                ("code", &code),
                ("remember_device", "true"),
            ],
        )
        .await
        .ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    laptop.activate(&sid).await;
    let id = user_id_of(&laptop).await;
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete", "remembered");
    assert_eq!(
        act_on(&admin, &id, "sign-out").await.status,
        StatusCode::SEE_OTHER
    );
    laptop.sign_out().await;
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
}

/// A lock answers a takeover even in the middle of a reset: a right reset code from
/// before the lock sets no password afterwards.
#[tokio::test]
async fn a_lock_stops_a_reset_already_past_its_code() {
    let server = TestServer::with(with_admin).await;
    let admin = signed_in_admin(&server).await;
    let email = "reset.locked@example.com";
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, email, "Ada").await;
    let id = user_id_of(&owner).await;

    let attacker = Browser::new(&server.base, Mode::Cookie);
    let v = attacker
        .post(
            "/v1/client/sign_ins",
            &[
                ("strategy", "reset_password_email_code"),
                ("identifier", email),
            ],
        )
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let code = server.last_code_to(email).await;
    let v = attacker
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "reset_password_email_code"), ("code", &code)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_new_password");
    assert_eq!(
        act_on(&admin, &id, "lock").await.status,
        StatusCode::SEE_OTHER
    );
    attacker
        .post(
            &format!("/v1/client/sign_ins/{sia}/reset_password"),
            &[("password", "the attacker's passphrase")],
        )
        .await
        .err(403, "user_locked");
    assert_eq!(
        act_on(&admin, &id, "unlock").await.status,
        StatusCode::SEE_OTHER
    );
    owner.sign_out().await;
    owner.sign_in_password(email, PASSWORD).await.ok();
}
