//! Passkeys (WebAuthn), with a software authenticator (1Password's `passkey`) as the
//! browser: adding one in Clerk's wire format (options in the verification's
//! `nonce`, the answer as a JSON string), and what a careful server refuses.

use crate::common;

use common::{Mode, TestServer};
use passkey::{
    authenticator::{Authenticator, UiHint, UserCheck, UserValidationMethod},
    client::{Client, DefaultClientData},
    crypto::rust_crypto::RustCryptoBackend,
    types::{ctap2::*, webauthn::*, Passkey},
};
use reqwest::Url;

/// A person at the authenticator: present, and verified (a PIN or a fingerprint)
/// when `verifies`, or one who only touches it.
struct Person {
    verifies: bool,
}

impl Person {
    const VERIFIED: Person = Person { verifies: true };
    const PRESENCE_ONLY: Person = Person { verifies: false };
}

#[async_trait::async_trait]
impl UserValidationMethod for Person {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        _presence: bool,
        _verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence: true,
            verification: self.verifies,
        })
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }
}

/// A browser's WebAuthn client with one software authenticator, which keeps one
/// passkey (and offers it when no credential is named: a discoverable one).
macro_rules! soft_client {
    () => {
        Client::new(Authenticator::new(
            Aaguid::new_empty(),
            None::<Passkey>,
            Person::VERIFIED,
            RustCryptoBackend,
        ))
        .allows_insecure_localhost(true)
    };
}

fn origin() -> Url {
    Url::parse("http://localhost:8080").unwrap()
}

/// Adds a passkey to `b`'s account with `client`'s authenticator; its id.
macro_rules! add_passkey {
    ($b:expr, $client:expr) => {{
        let v = $b.post("/v1/me/passkeys", &[]).await.ok();
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        let nonce = v["response"]["verification"]["nonce"].as_str().unwrap();
        let public_key: PublicKeyCredentialCreationOptions = serde_json::from_str(nonce).unwrap();
        let created = $client
            .register(
                &origin(),
                CredentialCreationOptions { public_key },
                DefaultClientData,
            )
            .await
            .unwrap();
        let answer = serde_json::to_string(&created).unwrap();
        $b.post(
            &format!("/v1/me/passkeys/{id}/attempt_verification"),
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
        .ok();
        id
    }};
}

/// "Verify it's you" with the passkey in `client` (Clerk's `verifyWithPasskey`), at
/// the strongest level: a passkey is both factors.
macro_rules! step_up_with_passkey {
    ($b:expr, $client:expr) => {{
        let sid = $b.session_id.lock().unwrap().clone().unwrap();
        let v = $b
            .post(
                &format!("/v1/client/sessions/{sid}/verify"),
                &[("level", "multi_factor")],
            )
            .await
            .ok();
        assert_eq!(v["response"]["status"], "needs_first_factor", "{v}");
        let offered = v["response"]["supported_first_factors"].to_string();
        assert!(offered.contains("passkey"), "{offered}");
        let v = $b
            .post(
                &format!("/v1/client/sessions/{sid}/verify/prepare_first_factor"),
                &[("strategy", "passkey")],
            )
            .await
            .ok();
        let nonce = v["response"]["first_factor_verification"]["nonce"]
            .as_str()
            .unwrap()
            .to_owned();
        let answer = assertion!($client, &nonce);
        let v = $b
            .post(
                &format!("/v1/client/sessions/{sid}/verify/attempt_first_factor"),
                &[("strategy", "passkey"), ("public_key_credential", &answer)],
            )
            .await
            .ok();
        assert_eq!(v["response"]["status"], "complete", "{v}");
    }};
}

/// The authenticator's answer to a sign-in's passkey challenge, as clerk-js posts it.
macro_rules! assertion {
    ($client:expr, $nonce:expr) => {{
        let public_key: PublicKeyCredentialRequestOptions = serde_json::from_str($nonce).unwrap();
        let got = $client
            .authenticate(
                &origin(),
                CredentialRequestOptions { public_key },
                DefaultClientData,
            )
            .await
            .unwrap();
        serde_json::to_string(&got).unwrap()
    }};
}

#[tokio::test]
async fn a_passkey_is_added_in_clerks_wire_format() {
    let server = TestServer::start().await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "keys@example.com", "Keys").await;
    let v = b.post("/v1/me/passkeys", &[]).await.ok();
    let passkey = &v["response"];
    assert_eq!(passkey["object"], "passkey");
    assert_eq!(passkey["verification"]["status"], "unverified");
    assert_eq!(passkey["verification"]["strategy"], "passkey");
    let nonce = passkey["verification"]["nonce"].as_str().unwrap();
    let options: serde_json::Value = serde_json::from_str(nonce).unwrap();
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(
        options["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert_eq!(options["attestation"], "none");
    let id = passkey["id"].as_str().unwrap().to_owned();

    let mut client = soft_client!();
    let public_key: PublicKeyCredentialCreationOptions = serde_json::from_str(nonce).unwrap();
    let created = client
        .register(
            &origin(),
            CredentialCreationOptions { public_key },
            DefaultClientData,
        )
        .await
        .unwrap();
    let answer = serde_json::to_string(&created).unwrap();
    let path = format!("/v1/me/passkeys/{id}/attempt_verification");
    let v = b
        .post(
            &path,
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["verification"]["status"], "verified");
    assert!(v["response"]["verification"]["nonce"].is_null());
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["passkeys"][0]["id"], id.as_str());
    // The same answer again: its challenge is spent.
    b.post(
        &path,
        &[("strategy", "passkey"), ("public_key_credential", &answer)],
    )
    .await
    .err(400, "verification_missing");
    // Renamed, then removed; the owner hears of both the addition and the removal.
    let v = b
        .patch(&format!("/v1/me/passkeys/{id}"), &[("name", "Laptop")])
        .await
        .ok();
    assert_eq!(v["response"]["name"], "Laptop");
    // Removing it is sensitive; this session has just proved it (as with an app).
    let v = b.delete(&format!("/v1/me/passkeys/{id}")).await.ok();
    assert_eq!(v["response"]["deleted"], true);
    let notices = server.notices_to("keys@example.com").await;
    assert!(
        notices
            .iter()
            .any(|n| n.contains("passkey") && n.contains("added")),
        "{notices:?}"
    );
    assert!(
        notices
            .iter()
            .any(|n| n.contains("Laptop") && n.contains("removed")),
        "{notices:?}"
    );
}

/// An answer made on another site (a phishing page's origin) is refused.
#[tokio::test]
async fn an_answer_from_another_origin_is_refused() {
    let server = TestServer::start().await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "phish@example.com", "Phish").await;
    let v = b.post("/v1/me/passkeys", &[]).await.ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let nonce = v["response"]["verification"]["nonce"].as_str().unwrap();
    let mut public_key: PublicKeyCredentialCreationOptions = serde_json::from_str(nonce).unwrap();
    // The phishing page asks for its own relying party id, on its own origin.
    public_key.rp.id = Some("evil.example".into());
    let mut client = soft_client!();
    let created = client
        .register(
            &Url::parse("https://evil.example").unwrap(),
            CredentialCreationOptions { public_key },
            DefaultClientData,
        )
        .await
        .unwrap();
    let answer = serde_json::to_string(&created).unwrap();
    b.post(
        &format!("/v1/me/passkeys/{id}/attempt_verification"),
        &[("strategy", "passkey"), ("public_key_credential", &answer)],
    )
    .await
    .err(400, "passkey_authentication_failure");
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["passkeys"].as_array().unwrap().len(), 0);
}

/// Sign-in with a passkey as the first factor, no identifier typed (a discoverable
/// credential): complete at once, even for an account with a second factor (the
/// passkey is two factors in one); the same answer twice signs in once.
#[tokio::test]
async fn a_passkey_signs_in_without_an_identifier_and_without_a_second_step() {
    let server = TestServer::start().await;
    let owner = server.browser(Mode::Cookie);
    owner.sign_up(&server, "pk2fa@example.com", "Ada").await;
    owner.enable_sms_2fa(&server, "+14155557311").await;
    let mut client = soft_client!();
    add_passkey!(owner, client);

    let b = server.browser(Mode::Cookie);
    let v = b
        .post("/v1/client/sign_ins", &[("strategy", "passkey")])
        .await
        .ok();
    let sign_in = &v["response"];
    assert_eq!(sign_in["status"], "needs_first_factor");
    let ffv = &sign_in["first_factor_verification"];
    assert_eq!(ffv["strategy"], "passkey");
    assert_eq!(ffv["object"], "verification_passkey");
    let nonce = ffv["nonce"].as_str().unwrap();
    let options: serde_json::Value = serde_json::from_str(nonce).unwrap();
    assert_eq!(options["rpId"], "localhost");
    assert_eq!(options["userVerification"], "required");
    assert_eq!(
        options["allowCredentials"].as_array().map_or(0, Vec::len),
        0
    );
    let id = sign_in["id"].as_str().unwrap().to_owned();
    let answer = assertion!(client, nonce);
    let path = format!("/v1/client/sign_ins/{id}/attempt_first_factor");
    let v = b
        .post(
            &path,
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    let session = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.activate(&session).await;
    let me = b.get("/v1/me").await.ok();
    assert_eq!(
        me["response"]["email_addresses"][0]["email_address"],
        "pk2fa@example.com"
    );
    // Both factors verified just now (`fva` in its tokens): the device, and the
    // biometric or PIN that unlocked it.
    let client = b.get("/v1/client").await.ok();
    assert_eq!(
        client["response"]["sessions"][0]["factor_verification_age"],
        serde_json::json!([0, 0]),
        "{client}"
    );
    // A replay of that answer, on a sign-in of its own: no challenge of its own.
    let other = server.browser(Mode::Cookie);
    let v = other
        .post("/v1/client/sign_ins", &[("strategy", "passkey")])
        .await
        .ok();
    let other_id = v["response"]["id"].as_str().unwrap().to_owned();
    other
        .post(
            &format!("/v1/client/sign_ins/{other_id}/attempt_first_factor"),
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
        .err(400, "passkey_authentication_failure");
}

/// Identifier first: the account's passkeys are offered; another account's passkey
/// does not sign this one in.
#[tokio::test]
async fn identifier_first_offers_the_accounts_passkeys_only() {
    let server = TestServer::start().await;
    let ada = server.browser(Mode::Cookie);
    ada.sign_up(&server, "ada@example.com", "Ada").await;
    let mut ada_key = soft_client!();
    add_passkey!(ada, ada_key);
    let bob = server.browser(Mode::Cookie);
    bob.sign_up(&server, "bob@example.com", "Bob").await;
    let mut bob_key = soft_client!();
    add_passkey!(bob, bob_key);

    let b = server.browser(Mode::Cookie);
    let v = b
        .post("/v1/client/sign_ins", &[("identifier", "ada@example.com")])
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{id}/prepare_first_factor"),
            &[("strategy", "passkey")],
        )
        .await
        .ok();
    let nonce = v["response"]["first_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let options: serde_json::Value = serde_json::from_str(&nonce).unwrap();
    assert_eq!(options["allowCredentials"].as_array().unwrap().len(), 1);
    // Bob's authenticator has no credential Ada's options allow.
    let public_key: PublicKeyCredentialRequestOptions = serde_json::from_str(&nonce).unwrap();
    assert!(bob_key
        .authenticate(
            &origin(),
            CredentialRequestOptions { public_key },
            DefaultClientData
        )
        .await
        .is_err());
    let answer = assertion!(ada_key, &nonce);
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{id}/attempt_first_factor"),
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
}

/// A signature counter that goes backwards (a copy of the authenticator's key
/// answering after the original) is refused, and an assertion without user
/// verification (no PIN, no biometric) is refused.
#[tokio::test]
async fn a_cloned_authenticator_and_an_unverified_user_are_refused() {
    let server = TestServer::start().await;
    let owner = server.browser(Mode::Cookie);
    owner.sign_up(&server, "clone@example.com", "Clone").await;
    let mut original = soft_client!();
    original
        .authenticator_mut()
        .set_make_credentials_with_signature_counter(true);
    add_passkey!(owner, original);
    let copy: Option<Passkey> = original.authenticator().store().clone();

    let sign_in = |b: common::Browser| async move {
        let v = b
            .post("/v1/client/sign_ins", &[("strategy", "passkey")])
            .await
            .ok();
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        let nonce = v["response"]["first_factor_verification"]["nonce"]
            .as_str()
            .unwrap()
            .to_owned();
        (b, id, nonce)
    };
    let attempt = |b: common::Browser, id: String, answer: String| async move {
        b.post(
            &format!("/v1/client/sign_ins/{id}/attempt_first_factor"),
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
    };
    // The original signs in: counter 1.
    let (b, id, nonce) = sign_in(server.browser(Mode::Cookie)).await;
    let answer = assertion!(original, &nonce);
    assert_eq!(
        attempt(b, id, answer).await.ok()["response"]["status"],
        "complete"
    );
    // The copy, still at 0, answers with 1: not above what the server has seen.
    let mut cloned = Client::new(Authenticator::new(
        Aaguid::new_empty(),
        copy,
        Person::VERIFIED,
        RustCryptoBackend,
    ))
    .allows_insecure_localhost(true);
    let (b, id, nonce) = sign_in(server.browser(Mode::Cookie)).await;
    let answer = assertion!(cloned, &nonce);
    attempt(b, id, answer)
        .await
        .err(400, "passkey_authentication_failure");
    // ...and logged where administrators look.
    let (rows, _) = fapi_server::store::admin_audit::page(&server.state().db, 10, 0)
        .await
        .unwrap();
    assert!(
        rows.iter()
            .any(|r| r.action == "passkey counter went backwards" && r.admin == "(fapi-server)"),
        "{:?}",
        rows.iter().map(|r| &r.action).collect::<Vec<_>>()
    );

    // No user verification: the options are edited to let the authenticator skip it.
    let mut careless = Client::new(Authenticator::new(
        Aaguid::new_empty(),
        original.authenticator().store().clone(),
        Person::PRESENCE_ONLY,
        RustCryptoBackend,
    ))
    .allows_insecure_localhost(true)
    .user_verification_when_preferred(false);
    let (b, id, nonce) = sign_in(server.browser(Mode::Cookie)).await;
    let mut options: serde_json::Value = serde_json::from_str(&nonce).unwrap();
    options["userVerification"] = "discouraged".into();
    let answer = assertion!(careless, &options.to_string());
    attempt(b, id, answer)
        .await
        .err(400, "passkey_authentication_failure");
}

/// An administrator's "reset second factors" takes the passkeys too (a lost
/// device), and a deleted account leaves none behind.
#[tokio::test]
async fn a_reset_and_a_deleted_account_take_the_passkeys() {
    let server = TestServer::with(|s| {
        common::admin::with_admin(s);
        s.user.delete_self = true;
    })
    .await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "reset@example.com", "Reset").await;
    let mut client = soft_client!();
    add_passkey!(b, client);
    let me = b.get("/v1/me").await.ok();
    let user = me["response"]["id"].as_str().unwrap().to_owned();
    assert_eq!(me["response"]["passkeys"].as_array().unwrap().len(), 1);
    let admin = common::admin::signed_in_admin(&server).await;
    let csrf = admin.csrf().await;
    let page = admin
        .post(
            &format!("/dashboard/users/{user}/reset-second-factors"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
    assert!(admin.log().await.contains("1 passkeys"));
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["passkeys"].as_array().unwrap().len(), 0);

    let mut again = soft_client!();
    add_passkey!(b, again);
    step_up_with_passkey!(b, again);
    b.delete("/v1/me").await.ok();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys")
        .fetch_one(&server.state().db.read)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

/// A passkey is a second factor: an account with a password and a passkey counts as
/// two-step verified, and a password sign-in offers the passkey first, then finishes
/// with it; another account's passkey does not.
#[tokio::test]
async fn a_passkey_is_the_second_factor_after_a_password() {
    let server = TestServer::start().await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "second@example.com", "Second").await;
    let mut client = soft_client!();
    add_passkey!(b, client);
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["two_factor_enabled"], true);
    let stranger = server.browser(Mode::Cookie);
    stranger
        .sign_up(&server, "stranger@example.com", "Stranger")
        .await;
    let mut stranger_key = soft_client!();
    add_passkey!(stranger, stranger_key);

    let fresh = server.browser(Mode::Cookie);
    let v = fresh
        .sign_in_password("second@example.com", common::PASSWORD)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
    assert_eq!(
        v["response"]["supported_second_factors"][0]["strategy"],
        "passkey"
    );
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let prepare_path = format!("/v1/client/sign_ins/{id}/prepare_second_factor");
    let prepare = || fresh.post(&prepare_path, &[("strategy", "passkey")]);
    let attempt = |answer: String| {
        let (fresh, id) = (fresh.clone(), id.clone());
        async move {
            fresh
                .post(
                    &format!("/v1/client/sign_ins/{id}/attempt_second_factor"),
                    &[("strategy", "passkey"), ("public_key_credential", &answer)],
                )
                .await
        }
    };
    // The stranger's passkey, answering a discoverable-looking request of its own.
    let v = prepare().await.ok();
    let nonce = v["response"]["second_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let options: serde_json::Value = serde_json::from_str(&nonce).unwrap();
    assert_eq!(options["allowCredentials"].as_array().unwrap().len(), 1);
    let mut wide: serde_json::Value = options.clone();
    wide["allowCredentials"] = serde_json::json!([]);
    let answer = assertion!(stranger_key, &wide.to_string());
    attempt(answer)
        .await
        .err(400, "passkey_authentication_failure");
    // The owner's, on a new challenge.
    let v = prepare().await.ok();
    let nonce = v["response"]["second_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = assertion!(client, &nonce);
    let v = attempt(answer).await.ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
}

/// With MFA required, a new account's pending session (the `setup-mfa` task) goes on
/// once a passkey is added, and that passkey, its only second factor, cannot be
/// removed.
#[tokio::test]
async fn a_passkey_meets_mfa_required_and_stays_as_the_last_factor() {
    let server = TestServer::with(|s| s.mfa.required = true).await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "required@example.com", "Req").await;
    let sid = b.session_id.lock().unwrap().clone().unwrap();
    let client_json = b.get("/v1/client").await.ok();
    let status = |c: &serde_json::Value| {
        c["response"]["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == sid.as_str())
            .map(|s| s["status"].clone())
            .unwrap()
    };
    assert_eq!(status(&client_json), "pending");
    let mut client = soft_client!();
    let id = add_passkey!(b, client);
    assert_eq!(status(&b.get("/v1/client").await.ok()), "active");
    step_up_with_passkey!(b, client);
    let e = b
        .delete(&format!("/v1/me/passkeys/{id}"))
        .await
        .err(422, "form_mfa_required");
    assert!(e["long_message"].is_string());
}

/// Failed passkey answers for a known credential count toward the account lockout
/// like wrong passwords: after `max_attempts` from one address, that address is
/// locked out, for the passkey and the password alike.
#[tokio::test]
async fn failed_passkey_answers_lock_the_account_like_wrong_passwords() {
    let server = TestServer::with(|s| s.lockout.max_attempts = 3).await;
    let owner = server.browser(Mode::Cookie);
    owner.sign_up(&server, "locked@example.com", "Locked").await;
    let mut original = soft_client!();
    original
        .authenticator_mut()
        .set_make_credentials_with_signature_counter(true);
    add_passkey!(owner, original);
    // A copy of the key, taken before the original signs in once: it never gets past
    // the counter the server has seen, so every answer it gives fails.
    let copy: Option<Passkey> = original.authenticator().store().clone();
    let b = server.browser(Mode::Cookie);
    let v = b
        .post("/v1/client/sign_ins", &[("strategy", "passkey")])
        .await
        .ok();
    let nonce = v["response"]["first_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let answer = assertion!(original, &nonce);
    b.post(
        &format!("/v1/client/sign_ins/{id}/attempt_first_factor"),
        &[("strategy", "passkey"), ("public_key_credential", &answer)],
    )
    .await
    .ok();
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        let mut cloned = Client::new(Authenticator::new(
            Aaguid::new_empty(),
            copy.clone(),
            Person::VERIFIED,
            RustCryptoBackend,
        ))
        .allows_insecure_localhost(true);
        let b = server.browser(Mode::Cookie);
        let v = b
            .post("/v1/client/sign_ins", &[("strategy", "passkey")])
            .await
            .ok();
        let nonce = v["response"]["first_factor_verification"]["nonce"]
            .as_str()
            .unwrap()
            .to_owned();
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        let answer = assertion!(cloned, &nonce);
        let r = b
            .post(
                &format!("/v1/client/sign_ins/{id}/attempt_first_factor"),
                &[("strategy", "passkey"), ("public_key_credential", &answer)],
            )
            .await;
        outcomes.push(
            r.json["errors"][0]["code"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        );
    }
    assert_eq!(
        outcomes,
        [
            "passkey_authentication_failure",
            "passkey_authentication_failure",
            "user_locked",
            "user_locked"
        ]
    );
    // The password from this address is refused too while the lock lasts.
    server
        .browser(Mode::Cookie)
        .sign_in_password("locked@example.com", common::PASSWORD)
        .await
        .err(403, "user_locked");
}

/// The dashboard lists a user's passkeys and removes one (a lost device): the
/// owner is told and the log says so.
#[tokio::test]
async fn the_dashboard_lists_and_removes_a_users_passkey() {
    let server = TestServer::with(common::admin::with_admin).await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "lost@example.com", "Lost").await;
    let mut client = soft_client!();
    let id = add_passkey!(b, client);
    b.patch(&format!("/v1/me/passkeys/{id}"), &[("name", "Old phone")])
        .await
        .ok();
    let user = b.get("/v1/me").await.ok()["response"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = common::admin::signed_in_admin(&server).await;
    let page = admin.get(&format!("/dashboard/users/{user}")).await;
    assert!(
        page.body.contains("Old phone") && page.body.contains("Passkeys (1)"),
        "{}",
        page.body
    );
    let csrf = admin.csrf().await;
    let page = admin
        .post(
            &format!("/dashboard/users/{user}/passkeys/{id}/remove"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["passkeys"].as_array().unwrap().len(), 0);
    assert_eq!(me["response"]["two_factor_enabled"], false);
    assert!(admin.log().await.contains("passkey Old phone removed"));
    let notices = server.notices_to("lost@example.com").await;
    assert!(
        notices
            .iter()
            .any(|n| n.contains("Old phone") && n.contains("removed")),
        "{notices:?}"
    );
    // A forged form removes nothing.
    let page = admin
        .post(
            &format!("/dashboard/users/{user}/passkeys/{id}/remove"),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(page.status, reqwest::StatusCode::FORBIDDEN);
}

/// The dashboard turns passkeys off (the environment says so, and none can be
/// added), but not while an account uses one.
#[tokio::test]
async fn the_dashboard_turns_passkeys_off_unless_in_use() {
    let server = TestServer::with(common::admin::with_admin).await;
    let admin = common::admin::signed_in_admin(&server).await;
    let off = common::admin::form_with(&[("passkeys.enabled", None)]);
    let page = admin.apply(&off).await;
    assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
    let env: serde_json::Value = reqwest::get(format!("{}/v1/environment", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        env["user_settings"]["attributes"]["passkey"]["enabled"],
        false
    );
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "off@example.com", "Off").await;
    b.post("/v1/me/passkeys", &[])
        .await
        .err(400, "no_second_factors");
    // On again; someone adds one; off is refused, naming the account.
    let page = admin.apply(&common::admin::form_with(&[])).await;
    assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
    let mut client = soft_client!();
    add_passkey!(b, client);
    let page = admin.apply(&off).await;
    assert_eq!(page.status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Passkeys cannot be turned off"),
        "{}",
        page.body
    );
}

/// "Verify it's you" at the `second_factor` level (the default of Clerk's components)
/// opens at the second step: a passkey answers it there as well (Clerk's
/// `verifyWithPasskey({ level: 'second_factor' })`), with the same checks, and a
/// code strategy takes no passkey answer.
#[tokio::test]
async fn a_passkey_answers_a_second_factor_reverification() {
    let server = TestServer::start().await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "stepup@example.com", "Stepup").await;
    let mut client = soft_client!();
    add_passkey!(b, client);
    let sid = b.session_id.lock().unwrap().clone().unwrap();
    let v = b
        .post(
            &format!("/v1/client/sessions/{sid}/verify"),
            &[("level", "second_factor")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    assert_eq!(
        v["response"]["supported_second_factors"][0]["strategy"], "passkey",
        "{v}"
    );
    let attempt_path = format!("/v1/client/sessions/{sid}/verify/attempt_second_factor");
    // No challenge yet: nothing to answer.
    b.post(
        &attempt_path,
        &[("strategy", "passkey"), ("public_key_credential", "{}")],
    )
    .await
    .err(400, "verification_missing");
    let v = b
        .post(
            &format!("/v1/client/sessions/{sid}/verify/prepare_second_factor"),
            &[("strategy", "passkey")],
        )
        .await
        .ok();
    let nonce = v["response"]["second_factor_verification"]["nonce"]
        .as_str()
        .unwrap_or_else(|| panic!("a challenge in the nonce: {v}"))
        .to_owned();
    let answer = assertion!(client, &nonce);
    // A code strategy does not take the passkey's answer.
    b.post(
        &attempt_path,
        &[("strategy", "totp"), ("public_key_credential", &answer)],
    )
    .await
    .err(422, "form_param_unknown");
    let v = b
        .post(
            &attempt_path,
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    // The challenge was single use.
    b.post(
        &attempt_path,
        &[("strategy", "passkey"), ("public_key_credential", &answer)],
    )
    .await
    .err(400, "client_state_invalid");
}

/// With enumeration protection, asking for a passkey after an identifier tells
/// nothing: an account with passkeys, one without and an unknown identifier each get
/// a challenge naming no credential (the browser offers what it holds), and a lock
/// is not told before an answer. The account's own passkey still signs it in; a
/// credential nobody registered fails as any wrong answer does.
#[tokio::test]
async fn identifier_first_passkeys_tell_nothing_under_enumeration_protection() {
    let server = TestServer::with(|s| s.enumeration_protection = true).await;
    let ada = server.browser(Mode::Cookie);
    ada.sign_up(&server, "ada@example.com", "Ada").await;
    let mut ada_key = soft_client!();
    add_passkey!(ada, ada_key);
    let bob = server.browser(Mode::Cookie);
    bob.sign_up(&server, "bob@example.com", "Bob").await;

    let b = server.browser(Mode::Cookie);
    let mut shapes = Vec::new();
    for who in ["ada@example.com", "bob@example.com", "nobody@example.com"] {
        let v = b
            .post("/v1/client/sign_ins", &[("identifier", who)])
            .await
            .ok();
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        let v = b
            .post(
                &format!("/v1/client/sign_ins/{id}/prepare_first_factor"),
                &[("strategy", "passkey")],
            )
            .await
            .ok();
        let nonce = v["response"]["first_factor_verification"]["nonce"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut options: serde_json::Value = serde_json::from_str(&nonce).unwrap();
        options["challenge"] = "…".into();
        shapes.push(options);
    }
    // A sign-in started with the identifier and the strategy at once: the same.
    for who in ["ada@example.com", "nobody@example.com"] {
        let v = b
            .post(
                "/v1/client/sign_ins",
                &[("identifier", who), ("strategy", "passkey")],
            )
            .await
            .ok();
        let nonce = v["response"]["first_factor_verification"]["nonce"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut options: serde_json::Value = serde_json::from_str(&nonce).unwrap();
        options["challenge"] = "…".into();
        shapes.push(options);
    }
    assert_eq!(shapes[0], shapes[1], "with and without passkeys");
    assert_eq!(shapes[0], shapes[2], "known and unknown");
    assert_eq!(shapes[0], shapes[3], "at creation, known");
    assert_eq!(shapes[0], shapes[4], "at creation, unknown");

    // Ada's passkey answering for an identifier that names nobody: refused like a
    // wrong answer (signing Ada in would say that account does not exist).
    let v = b
        .post(
            "/v1/client/sign_ins",
            &[("identifier", "nobody@example.com")],
        )
        .await
        .ok();
    let nobody = v["response"]["id"].as_str().unwrap().to_owned();
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{nobody}/prepare_first_factor"),
            &[("strategy", "passkey")],
        )
        .await
        .ok();
    let nonce = v["response"]["first_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = assertion!(ada_key, &nonce);
    b.post(
        &format!("/v1/client/sign_ins/{nobody}/attempt_first_factor"),
        &[("strategy", "passkey"), ("public_key_credential", &answer)],
    )
    .await
    .err(400, "passkey_authentication_failure");
    assert_eq!(
        shapes[0]["allowCredentials"].as_array().map_or(0, Vec::len),
        0
    );

    // A new sign-in for Ada (the last one made is the client's), answered by her
    // passkey.
    let v = b
        .post("/v1/client/sign_ins", &[("identifier", "ada@example.com")])
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let prepare = format!("/v1/client/sign_ins/{id}/prepare_first_factor");
    let attempt = format!("/v1/client/sign_ins/{id}/attempt_first_factor");
    // A credential nobody registered: the same failure as any wrong answer.
    let v = b.post(&prepare, &[("strategy", "passkey")]).await.ok();
    let nonce = v["response"]["first_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut stranger = soft_client!();
    let elsewhere: PublicKeyCredentialCreationOptions = serde_json::from_value(serde_json::json!({
        "rp": {"id": "localhost", "name": "x"},
        "user": {"id": "c3RyYW5nZXI", "name": "s", "displayName": "s"},
        "challenge": "Y2hhbGxlbmdl",
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        "authenticatorSelection": {"residentKey": "required", "userVerification": "required"},
    }))
    .unwrap();
    stranger
        .register(
            &origin(),
            CredentialCreationOptions {
                public_key: elsewhere,
            },
            DefaultClientData,
        )
        .await
        .unwrap();
    let answer = assertion!(stranger, &nonce);
    b.post(
        &attempt,
        &[("strategy", "passkey"), ("public_key_credential", &answer)],
    )
    .await
    .err(400, "passkey_authentication_failure");
    let v = b.post(&prepare, &[("strategy", "passkey")]).await.ok();
    let nonce = v["response"]["first_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = assertion!(ada_key, &nonce);
    let v = b
        .post(
            &attempt,
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
}

/// Someone with the password opened an account recovery; the owner then signs in
/// with a passkey, a second factor they still hold: the recovery is cancelled, as a
/// sign-in with a code cancels it.
#[tokio::test]
async fn a_passkey_sign_in_cancels_an_open_account_recovery() {
    let server = TestServer::start().await;
    let owner = server.browser(Mode::Cookie);
    owner.sign_up(&server, "keeps@example.com", "Keeps").await;
    let mut key = soft_client!();
    add_passkey!(owner, key);

    let attacker = server.browser(Mode::Cookie);
    let v = attacker
        .sign_in_password("keeps@example.com", common::PASSWORD)
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    attacker
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "recovery_email_code")],
        )
        .await
        .ok();
    let code = server.last_code_to("keeps@example.com").await;
    let v = attacker
        .attempt_second_factor(&sia, "recovery_email_code", &code)
        .await
        .ok();
    assert_eq!(
        v["response"]["account_recovery"]["status"], "pending",
        "{v}"
    );

    let b = server.browser(Mode::Cookie);
    let v = b
        .post("/v1/client/sign_ins", &[("strategy", "passkey")])
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let nonce = v["response"]["first_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = assertion!(key, &nonce);
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{id}/attempt_first_factor"),
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");

    let v = attacker
        .sign_in_password("keeps@example.com", common::PASSWORD)
        .await
        .ok();
    assert_eq!(
        v["response"]["account_recovery"]["status"], "available",
        "no recovery pending any more: {v}"
    );
}

/// Challenges past their time, and passkeys added but never answered, are pruned;
/// a verified passkey stays.
#[tokio::test]
async fn expired_challenges_and_unanswered_passkeys_are_pruned() {
    use fapi_server::store::prune::prune;
    let server = TestServer::start().await;
    let b = server.browser(Mode::Cookie);
    b.sign_up(&server, "tidy@example.com", "Tidy").await;
    let mut key = soft_client!();
    add_passkey!(b, key);
    b.post("/v1/me/passkeys", &[]).await.ok();
    server
        .browser(Mode::Cookie)
        .post("/v1/client/sign_ins", &[("strategy", "passkey")])
        .await
        .ok();
    let db = &server.state().db;
    let count = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&db.read)
            .await
            .unwrap()
    };
    assert_eq!(count("passkey_challenges").await, 2);
    assert_eq!(count("passkeys").await, 2);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let pruned = prune(db, now + 25 * 3600 * 1000).await.unwrap();
    assert_eq!(pruned.passkey_challenges, 2, "{pruned:?}");
    assert_eq!(pruned.unfinished_passkeys, 1, "{pruned:?}");
    assert_eq!(count("passkeys").await, 1, "the verified one stays");
}

/// A passkey removed from the account (a lost laptop) signs nobody in any more,
/// neither alone nor as the second step.
#[tokio::test]
async fn a_removed_passkey_signs_nobody_in() {
    let server = TestServer::start().await;
    let owner = server.browser(Mode::Cookie);
    owner.sign_up(&server, "lost@example.com", "Lost").await;
    let mut lost = soft_client!();
    let id = add_passkey!(owner, lost);
    let mut kept = soft_client!();
    add_passkey!(owner, kept);
    owner.delete(&format!("/v1/me/passkeys/{id}")).await.ok();

    let b = server.browser(Mode::Cookie);
    let v = b
        .post("/v1/client/sign_ins", &[("strategy", "passkey")])
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let nonce = v["response"]["first_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = assertion!(lost, &nonce);
    b.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
        &[("strategy", "passkey"), ("public_key_credential", &answer)],
    )
    .await
    .err(400, "passkey_authentication_failure");

    let v = b
        .sign_in_password("lost@example.com", common::PASSWORD)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "passkey")],
        )
        .await
        .ok();
    let nonce = v["response"]["second_factor_verification"]["nonce"]
        .as_str()
        .unwrap()
        .to_owned();
    let options: serde_json::Value = serde_json::from_str(&nonce).unwrap();
    assert_eq!(
        options["allowCredentials"].as_array().unwrap().len(),
        1,
        "only the kept passkey is asked for"
    );
    // The lost authenticator answers anyway (its credential named by hand).
    let mut wide = options.clone();
    wide["allowCredentials"] = serde_json::json!([]);
    let answer = assertion!(lost, &wide.to_string());
    b.post(
        &format!("/v1/client/sign_ins/{sia}/attempt_second_factor"),
        &[("strategy", "passkey"), ("public_key_credential", &answer)],
    )
    .await
    .err(400, "passkey_authentication_failure");
}
