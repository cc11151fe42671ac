//! The clerk-js conformance suite: the official `@clerk/clerk-js` (npm, unmodified,
//! the version in `CLERK_JS_VERSION`) loaded in headless Chromium from a page that
//! fapi-server serves, with fapi-server as its proxy URL, driving Clerk's documented
//! custom flows with the real SDK: Core 3's `signUp.password()`, sign up with an
//! email code, set and merge the
//! user's `unsafeMetadata`, add and verify a phone, reserve it for two-step
//! verification, sign out, sign in with a password, the SMS second factor with a
//! wrong then the right code, `setActive`, and `session.getToken()`, whose JWT is
//! verified against the published JWKS; `user.delete()` of a throwaway account
//! after a step-up; and, on a second instance with Device Trust on, a sign-in from
//! a new browser that ends with the emailed code (`needs_client_trust`).
//!
//! Needs `DEMO_URL` (fapi-server serving `e2e/clerk-js/` with clerk-js in `clerk/`),
//! `CLIENT_TRUST_URL` (the same with `[sign_in] client_trust`) and `WEBDRIVER_URL`;
//! `cargo xtask test` provides them.

use std::time::Duration;

use e2e::{unique, Page, PASSWORD};
use fapi_types::{Jwks, SessionClaims};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};

/// Runs `body` (an async JS function body, with `args` in scope) in the page and
/// returns what it returns, or the Clerk error it threw as
/// `{"error": {code, status, message}}`.
async fn js(page: &Page, body: &str, args: Value) -> Value {
    let script = format!(
        r#"const done = arguments[arguments.length - 1];
        const args = arguments[0];
        (async () => {{ {body} }})().then(
          (value) => done({{ ok: value === undefined ? null : value }}),
          (e) => done({{ error: {{
            code: (e && e.errors && e.errors[0] && e.errors[0].code) || null,
            status: (e && e.status) || null,
            retryAfter: (e && e.retryAfter) || null,
            message: String((e && (e.longMessage || e.message)) || e),
          }} }}),
        );"#
    );
    let out = page
        .c
        .execute_async(&script, vec![args])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{body}"));
    out
}

/// What `body` returns; panics with the Clerk error if it threw. The suite's tests
/// run at once from one address against Clerk's own per-IP limits (3 tries per 10 s
/// per action): a 429 is waited out as a user would, by its `Retry-After`, and the
/// body run again.
async fn ok(page: &Page, body: &str, args: Value) -> Value {
    for _ in 0..5 {
        let out = js(page, body, args.clone()).await;
        if let Some(v) = out.get("ok") {
            return v.clone();
        }
        if out["error"]["code"] != "too_many_requests" {
            panic!("clerk-js threw {}\nin: {body}", out["error"]);
        }
        let wait = out["error"]["retryAfter"]
            .as_u64()
            .unwrap_or(2)
            .clamp(1, 10);
        tokio::time::sleep(Duration::from_secs(wait)).await;
    }
    panic!("still too many requests after five waits\nin: {body}");
}

/// The Clerk error code `body` threw; panics if it did not throw.
async fn error_code(page: &Page, body: &str, args: Value) -> String {
    let out = js(page, body, args).await;
    match out["error"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => panic!("expected a Clerk error, got {out}\nin: {body}"),
    }
}

async fn loaded(page: &Page) -> String {
    for _ in 0..300 {
        let state = page
            .c
            .execute(
                "return window.clerkLoaded ? 'loaded' : (window.clerkLoadError || null);",
                vec![],
            )
            .await
            .unwrap();
        match state.as_str() {
            Some("loaded") => {
                return page
                    .c
                    .execute("return window.Clerk.version;", vec![])
                    .await
                    .unwrap()
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            }
            Some(error) => panic!("Clerk.load() failed: {error}"),
            None => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("clerk-js did not load in 30 s");
}

/// Signs out, then loads the page afresh as the app's after-sign-out page would be.
/// Returns what the page saw right after signing out, and after the new load.
///
/// clerk-js navigates to the after-sign-out URL itself by default (`location.href =
/// "/"`), but a script-initiated navigation races the driver: sometimes the next
/// step ran on the page being replaced (`Clerk.client` undefined), sometimes
/// Chromium dropped the navigation. The callback form leaves navigating to us, and
/// WebDriver's own navigation waits for the load.
async fn sign_out(page: &Page) -> Value {
    let seen = ok(
        page,
        "await Clerk.signOut(() => {});
         return { user: Clerk.user ?? null, session: Clerk.session ?? null };",
        json!({}),
    )
    .await;
    page.goto("/").await;
    loaded(page).await;
    let reloaded = ok(
        page,
        "return { user: Clerk.user ?? null, sessions: Clerk.client.sessions.length };",
        json!({}),
    )
    .await;
    json!({ "seen": seen, "reloaded": reloaded })
}

/// Clerk's email/password sign-up: create, the emailed code, `setActive`.
async fn sign_up_with_email_code(page: &Page, email: &str) {
    let who = json!({ "email": email, "password": PASSWORD });
    ok(
        page,
        "const su = await Clerk.client.signUp.create({ emailAddress: args.email, password: args.password });
         await su.prepareEmailAddressVerification({ strategy: 'email_code' });",
        who,
    )
    .await;
    let code = page.code(email, 1).await;
    let status = ok(
        page,
        "const su = await Clerk.client.signUp.attemptEmailAddressVerification({ code: args.code });
         await Clerk.setActive({ session: su.createdSessionId });
         return su.status;",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(status, "complete");
}

async fn verify_token(page: &Page, jwt: &str) -> SessionClaims {
    let jwks: Jwks = reqwest::get(format!("{}/.well-known/jwks.json", page.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    let kid = header.kid.expect("kid in the header");
    let key = jwks
        .keys
        .iter()
        .find(|k| k.kid == kid)
        .expect("kid published");
    let key = DecodingKey::from_ec_components(key.x.as_deref().unwrap(), key.y.as_deref().unwrap())
        .unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_required_spec_claims(&["exp", "nbf", "sub"]);
    jsonwebtoken::decode::<SessionClaims>(jwt, &key, &validation)
        .expect("the token verifies offline against the JWKS")
        .claims
}

#[tokio::test]
async fn clerk_js_runs_the_custom_flows_against_fapi_server() {
    let page = Page::start().await;
    page.goto("/").await;
    let version = loaded(&page).await;
    assert_eq!(version, e2e::env("CLERK_JS_VERSION"), "the pinned clerk-js");
    let n = unique();
    let email = format!("grace.{n}@example.com");
    let phone = format!("+1415{:07}", (n + 1) % 10_000_000);
    let who = json!({ "email": email, "phone": phone, "password": PASSWORD });

    // Core 3's sign-up: `signUp.password()` sends `strategy=password` with the
    // password; the sign-up says `hasPassword` (its `has_password`).
    let core3 = ok(
        &page,
        "const r = await Clerk.client.signUp.__internal_future.password({
             emailAddress: args.email, password: args.password });
         const e = r && r.error;
         const s = Clerk.client.signUp;
         return { error: e ? ((e.errors && e.errors[0] && e.errors[0].code) || String(e)) : null,
                  status: s.status, hasPassword: s.hasPassword,
                  unverified: s.unverifiedFields };",
        json!({ "email": format!("core3.{n}@example.com"), "password": PASSWORD }),
    )
    .await;
    assert_eq!(
        core3,
        json!({ "error": null, "status": "missing_requirements", "hasPassword": true,
                "unverified": ["email_address"] })
    );

    // Sign up with an email code (Clerk's "email/password" custom flow).
    let status = ok(
        &page,
        "const su = await Clerk.client.signUp.create({ emailAddress: args.email, password: args.password });
         await su.prepareEmailAddressVerification({ strategy: 'email_code' });
         return Clerk.client.signUp.status;",
        who.clone(),
    )
    .await;
    assert_eq!(status, "missing_requirements");
    let code = page.code(&email, 1).await;
    let signed_up = ok(
        &page,
        "const su = await Clerk.client.signUp.attemptEmailAddressVerification({ code: args.code });
         if (su.status !== 'complete') return { status: su.status };
         await Clerk.setActive({ session: su.createdSessionId });
         return { status: su.status, user: Clerk.user.id, session: Clerk.session.id,
                  email: Clerk.user.primaryEmailAddress.emailAddress };",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(signed_up["status"], "complete", "{signed_up}");
    assert_eq!(signed_up["email"], email.as_str());
    let user_id = signed_up["user"].as_str().unwrap().to_owned();

    // Metadata: `user.update({ unsafeMetadata })` replaces it (clerk-js sends the
    // diff to PATCH /v1/me/metadata), `user.updateMetadata` deep-merges, `null`
    // removes a key; a reload shows what the server stored.
    let metadata = ok(
        &page,
        "await Clerk.user.update({ unsafeMetadata: { a: 1, keep: 'x', prefs: { theme: 'dark', lang: 'en' } } });
         const merged = await Clerk.user.updateMetadata({ unsafeMetadata: { a: null, prefs: { theme: null, font: 12 } } });
         await Clerk.user.reload();
         const afterMerge = Clerk.user.unsafeMetadata;
         await Clerk.user.update({ unsafeMetadata: { only: true } });
         await Clerk.user.reload();
         return { merged: merged.unsafeMetadata, afterMerge, replaced: Clerk.user.unsafeMetadata };",
        json!({}),
    )
    .await;
    let merged = json!({ "keep": "x", "prefs": { "lang": "en", "font": 12 } });
    assert_eq!(
        metadata,
        json!({ "merged": merged, "afterMerge": merged, "replaced": { "only": true } })
    );

    // Add a phone, verify it by code, reserve it for two-step verification.
    // Two steps, each safe to run again after a 429 (`ok` does): run as one, a 429 on
    // the code made the retry add the number a second time (taken, CI).
    let phone_id = ok(
        &page,
        "const p = await Clerk.user.createPhoneNumber({ phoneNumber: args.phone });
         return p.id;",
        who.clone(),
    )
    .await;
    ok(
        &page,
        "await Clerk.user.reload();
         const p = Clerk.user.phoneNumbers.find((p) => p.id === args.id);
         await p.prepareVerification();
         return true;",
        json!({ "id": phone_id }),
    )
    .await;
    let code = page.code(&phone, 1).await;
    let two_factor = ok(
        &page,
        "await Clerk.user.reload();
         const p = Clerk.user.phoneNumbers.find((p) => p.id === args.id);
         const verified = await p.attemptVerification({ code: args.code });
         if (verified.verification.status !== 'verified') return { status: verified.verification.status };
         const reserved = await verified.setReservedForSecondFactor({ reserved: true });
         await Clerk.user.reload();
         return { reserved: reserved.reservedForSecondFactor, on: Clerk.user.twoFactorEnabled };",
        json!({ "id": phone_id, "code": code }),
    )
    .await;
    assert_eq!(two_factor, json!({ "reserved": true, "on": true }));

    // Sign out.
    let after = sign_out(&page).await;
    assert_eq!(
        after,
        json!({ "seen": { "user": null, "session": null },
                "reloaded": { "user": null, "sessions": 0 } })
    );

    // Sign in with the password: the second factor is asked for.
    let sign_in = ok(
        &page,
        "const si = await Clerk.client.signIn.create({ identifier: args.email, password: args.password });
         const factor = si.supportedSecondFactors.find((f) => f.strategy === 'phone_code');
         return { status: si.status, phone: factor && factor.phoneNumberId, safe: factor && factor.safeIdentifier };",
        who.clone(),
    )
    .await;
    assert_eq!(sign_in["status"], "needs_second_factor", "{sign_in}");
    assert_eq!(sign_in["phone"], phone_id);
    ok(
        &page,
        "await Clerk.client.signIn.prepareSecondFactor({ strategy: 'phone_code', phoneNumberId: args.id });",
        json!({ "id": phone_id }),
    )
    .await;
    let code = page.code(&phone, 2).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = error_code(
        &page,
        "await Clerk.client.signIn.attemptSecondFactor({ strategy: 'phone_code', code: args.code });",
        json!({ "code": wrong }),
    )
    .await;
    assert_eq!(refused, "form_code_incorrect");
    let done = ok(
        &page,
        "const si = await Clerk.client.signIn.attemptSecondFactor({ strategy: 'phone_code', code: args.code });
         if (si.status !== 'complete') return { status: si.status };
         await Clerk.setActive({ session: si.createdSessionId });
         const jwt = await Clerk.session.getToken();
         return { status: si.status, user: Clerk.user.id, session: Clerk.session.id, jwt };",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(done["status"], "complete", "{done}");
    assert_eq!(done["user"], user_id.as_str());

    // The session token verifies offline and names the user and the session.
    let claims = verify_token(&page, done["jwt"].as_str().unwrap()).await;
    assert_eq!(claims.sub, user_id);
    assert_eq!(claims.sid, done["session"].as_str().unwrap());

    // What fapi-server does not have is Clerk's JSON 404, not the app's index.html
    // (this server also serves the page): clerk-js reports it as an API error.
    let missing = error_code(
        &page,
        "await Clerk.user.getOrganizationMemberships(); return 'resolved';",
        json!({}),
    )
    .await;
    assert_eq!(missing, "resource_not_found");

    // Step-up ("verify it's you"), as clerk-js's `useReverification` runs it: the
    // level it asks for by default, `second_factor`, is the SMS code alone.
    let started = ok(
        &page,
        "const v = await Clerk.session.startVerification({ level: 'second_factor' });
         await Clerk.session.prepareSecondFactorVerification({ strategy: 'phone_code' });
         return { level: v.level, status: v.status,
                  second: v.supportedSecondFactors.map((f) => f.strategy) };",
        who.clone(),
    )
    .await;
    assert_eq!(
        started,
        json!({ "level": "second_factor", "status": "needs_second_factor",
                "second": ["phone_code", "backup_code"] })
    );
    let code = page.code(&phone, 3).await;
    let verified = ok(
        &page,
        "const v = await Clerk.session.attemptSecondFactorVerification({ strategy: 'phone_code', code: args.code });
         return { status: v.status, age: v.session.factorVerificationAge };",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(verified, json!({ "status": "complete", "age": [0, 0] }));
    // `first_factor` is the password alone; `multi_factor` starts with it too.
    let levels = ok(
        &page,
        "const f = await Clerk.session.startVerification({ level: 'first_factor' });
         const after = await Clerk.session.attemptFirstFactorVerification({ strategy: 'password', password: args.password });
         const m = await Clerk.session.startVerification({ level: 'multi_factor' });
         return { first: [f.level, f.status, after.status], multi: [m.level, m.status] };",
        who.clone(),
    )
    .await;
    assert_eq!(
        levels,
        json!({ "first": ["first_factor", "needs_first_factor", "complete"],
                "multi": ["multi_factor", "needs_first_factor"] })
    );

    // An authenticator app: createTOTP, verifyTOTP, then sign in with its code.
    let created = ok(
        &page,
        "const t = await Clerk.user.createTOTP();
         return { secret: t.secret, uri: t.uri, verified: t.verified };",
        json!({}),
    )
    .await;
    assert_eq!(created["verified"], false);
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(created["uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/"));
    let on = ok(
        &page,
        "const t = await Clerk.user.verifyTOTP({ code: args.code });
         await Clerk.user.reload();
         return { verified: t.verified, totp: Clerk.user.totpEnabled, mfa: Clerk.user.twoFactorEnabled };",
        json!({ "code": e2e::totp_code(&secret, 0) }),
    )
    .await;
    assert_eq!(on, json!({ "verified": true, "totp": true, "mfa": true }));
    assert_eq!(sign_out(&page).await["reloaded"]["user"], Value::Null);
    let with_app = ok(
        &page,
        "const si = await Clerk.client.signIn.create({ identifier: args.email, password: args.password });
         const offered = si.supportedSecondFactors.map((f) => f.strategy);
         const done = await Clerk.client.signIn.attemptSecondFactor({ strategy: 'totp', code: args.code });
         await Clerk.setActive({ session: done.createdSessionId });
         return { offered, status: done.status, user: Clerk.user.id };",
        json!({ "email": email, "password": PASSWORD, "code": e2e::totp_code(&secret, 30) }),
    )
    .await;
    assert_eq!(with_app["offered"][0], "totp", "{with_app}");
    assert_eq!(with_app["status"], "complete");
    assert_eq!(with_app["user"], user_id.as_str());

    // Backup codes: createBackupCode hands out a fresh set; one signs in, once.
    let set = ok(
        &page,
        "const b = await Clerk.user.createBackupCode();
         await Clerk.user.reload();
         return { codes: b.codes, enabled: Clerk.user.backupCodeEnabled };",
        json!({}),
    )
    .await;
    assert_eq!(set["enabled"], true, "{set}");
    let codes: Vec<String> = serde_json::from_value(set["codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(sign_out(&page).await["reloaded"]["user"], Value::Null);
    // The fourth second-factor attempt from this address in a few seconds: wait for
    // Clerk's limit (3 per 10 s, one back every 3.3 s) as a person would.
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let with_code = ok(
        &page,
        "const si = await Clerk.client.signIn.create({ identifier: args.email, password: args.password });
         const offered = si.supportedSecondFactors.map((f) => f.strategy);
         const done = await Clerk.client.signIn.attemptSecondFactor({ strategy: 'backup_code', code: args.code });
         await Clerk.setActive({ session: done.createdSessionId });
         return { offered, status: done.status, user: Clerk.user.id };",
        json!({ "email": email, "password": PASSWORD, "code": codes[0] }),
    )
    .await;
    assert!(
        with_code["offered"]
            .as_array()
            .unwrap()
            .contains(&json!("backup_code")),
        "{with_code}"
    );
    assert_eq!(with_code["status"], "complete");
    assert_eq!(with_code["user"], user_id.as_str());
    let off = ok(
        &page,
        "const d = await Clerk.user.disableTOTP();
         await Clerk.user.reload();
         return { deleted: d.deleted, totp: Clerk.user.totpEnabled };",
        json!({}),
    )
    .await;
    assert_eq!(off, json!({ "deleted": true, "totp": false }));
    page.c.close().await.unwrap();
}

/// `user.delete()` on an instance that lets users delete their accounts
/// (`[user] delete_self`, on for the conformance server): a throwaway account signs
/// up, verifies again as `useReverification` does (its password), and deletes
/// itself; clerk-js is signed out at once, a reload finds no session, and the
/// address is unknown to sign-in.
#[tokio::test]
async fn clerk_js_deletes_the_users_own_account() {
    let page = Page::start().await;
    page.goto("/").await;
    loaded(&page).await;
    let n = unique();
    let email = format!("leaving.{n}@example.com");
    let who = json!({ "email": email, "password": PASSWORD });
    sign_up_with_email_code(&page, &email).await;
    let signed_up = ok(
        &page,
        "return { user: Clerk.user.id, session: Clerk.session.id, allowed: Clerk.user.deleteSelfEnabled };",
        json!({}),
    )
    .await;
    assert_eq!(signed_up["allowed"], true, "{signed_up}");

    // Step-up with the password, as the suite does above (no second factor here).
    let stepped_up = ok(
        &page,
        "const v = await Clerk.session.startVerification({ level: 'first_factor' });
         const after = await Clerk.session.attemptFirstFactorVerification({ strategy: 'password', password: args.password });
         return { status: v.status, after: after.status };",
        who.clone(),
    )
    .await;
    assert_eq!(
        stepped_up,
        json!({ "status": "needs_first_factor", "after": "complete" })
    );

    let deleted = ok(
        &page,
        "const id = Clerk.user.id;
         const answer = await Clerk.user.delete();
         return { id, user: Clerk.user ?? null, session: Clerk.session ?? null,
                  sessions: Clerk.client.sessions.length, answer: answer ?? null };",
        json!({}),
    )
    .await;
    assert_eq!(deleted["id"], signed_up["user"]);
    assert_eq!(deleted["user"], Value::Null, "{deleted}");
    assert_eq!(deleted["session"], Value::Null, "{deleted}");
    assert_eq!(deleted["sessions"], 0, "{deleted}");

    // A new load of the page: no session, and the account is unknown.
    page.goto("/").await;
    loaded(&page).await;
    let reloaded = ok(
        &page,
        "return { user: Clerk.user ?? null, sessions: Clerk.client.sessions.length };",
        json!({}),
    )
    .await;
    assert_eq!(reloaded, json!({ "user": null, "sessions": 0 }));
    let unknown = error_code(
        &page,
        "await Clerk.client.signIn.create({ identifier: args.email, password: args.password });",
        who,
    )
    .await;
    assert_eq!(unknown, "form_identifier_not_found");
    page.c.close().await.unwrap();
}

/// Clerk's forgot-password custom flow: `signIn.create` with the reset strategy (which
/// sends the code), `attemptFirstFactor` with it (`needs_new_password`), then
/// `resetPassword`; the old password is gone and the new one signs in.
#[tokio::test]
async fn clerk_js_resets_a_forgotten_password() {
    let page = Page::start().await;
    page.goto("/").await;
    loaded(&page).await;
    let n = unique();
    let email = format!("forgetful.{n}@example.com");
    sign_up_with_email_code(&page, &email).await;
    sign_out(&page).await;
    let new_password = "a brand new passphrase";
    let who = json!({ "email": email, "password": PASSWORD, "new": new_password });

    let started = ok(
        &page,
        "const si = await Clerk.client.signIn.create({ strategy: 'reset_password_email_code', identifier: args.email });
         return { status: si.status, sent: si.firstFactorVerification.strategy,
                  factors: si.supportedFirstFactors.map(f => f.strategy) };",
        who.clone(),
    )
    .await;
    assert_eq!(
        started,
        json!({
            "status": "needs_first_factor",
            "sent": "reset_password_email_code",
            "factors": ["password", "email_code", "reset_password_email_code"],
        })
    );
    let code = page.code(&email, 2).await;
    let wrong = error_code(
        &page,
        "await Clerk.client.signIn.resetPassword({ password: args.new });",
        who.clone(),
    )
    .await;
    assert_eq!(
        wrong, "client_state_invalid",
        "no new password before the code"
    );
    let status = ok(
        &page,
        "const si = await Clerk.client.signIn.attemptFirstFactor({ strategy: 'reset_password_email_code', code: args.code });
         return si.status;",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(status, "needs_new_password");
    let done = ok(
        &page,
        "const si = await Clerk.client.signIn.resetPassword({ password: args.new, signOutOfOtherSessions: true });
         await Clerk.setActive({ session: si.createdSessionId });
         return { status: si.status, signedIn: !!Clerk.user };",
        who.clone(),
    )
    .await;
    assert_eq!(done, json!({ "status": "complete", "signedIn": true }));

    sign_out(&page).await;
    let old = error_code(
        &page,
        "await Clerk.client.signIn.create({ identifier: args.email, password: args.password });",
        who.clone(),
    )
    .await;
    assert_eq!(old, "form_password_incorrect");
    let status = ok(
        &page,
        "const si = await Clerk.client.signIn.create({ identifier: args.email, password: args.new });
         return si.status;",
        who,
    )
    .await;
    assert_eq!(status, "complete");
    page.c.close().await.unwrap();
}

/// An email address reserved for two-step verification (fapi-server's extension,
/// through clerk-js's own FAPI client): clerk-js's sign-in is told `email_code` among
/// the second factors and finishes with `prepareSecondFactor` / `attemptSecondFactor`.
#[tokio::test]
async fn clerk_js_signs_in_with_an_emailed_second_factor() {
    let page = Page::start().await;
    page.goto("/").await;
    loaded(&page).await;
    let n = unique();
    let email = format!("mail.2fa.{n}@example.com");
    sign_up_with_email_code(&page, &email).await;
    let reserved = ok(
        &page,
        "const id = Clerk.user.primaryEmailAddressId;
         const r = await Clerk.getFapiClient().request({ method: 'PATCH',
             path: `/me/email_addresses/${id}`, body: { reservedForSecondFactor: true },
             sessionId: Clerk.session.id });
         await Clerk.user.reload();
         return { reserved: r.payload.response.reserved_for_second_factor,
                  codes: (r.payload.response.backup_codes || []).length,
                  twoFactor: Clerk.user.twoFactorEnabled };",
        json!({}),
    )
    .await;
    assert_eq!(
        reserved,
        json!({ "reserved": true, "codes": 10, "twoFactor": true })
    );
    sign_out(&page).await;

    let who = json!({ "email": email, "password": PASSWORD });
    let second = ok(
        &page,
        "const si = await Clerk.client.signIn.create({ identifier: args.email, password: args.password });
         const f = si.supportedSecondFactors.find(f => f.strategy === 'email_code');
         await si.prepareSecondFactor({ strategy: 'email_code', emailAddressId: f.emailAddressId });
         return { status: si.status, factors: si.supportedSecondFactors.map(f => f.strategy) };",
        who,
    )
    .await;
    assert_eq!(
        second,
        json!({ "status": "needs_second_factor", "factors": ["email_code", "backup_code"] })
    );
    let code = page.code(&email, 2).await;
    let done = ok(
        &page,
        "const si = await Clerk.client.signIn.attemptSecondFactor({ strategy: 'email_code', code: args.code });
         await Clerk.setActive({ session: si.createdSessionId });
         return { status: si.status, signedIn: !!Clerk.user };",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(done, json!({ "status": "complete", "signedIn": true }));
    page.c.close().await.unwrap();
}

/// Device Trust (`needs_client_trust`, on an instance with `[sign_in] client_trust`):
/// a password from the browser the account was made in is enough; from another
/// browser, clerk-js is told `needs_client_trust` and finishes with the emailed code
/// through `prepareSecondFactor` / `attemptSecondFactor`, as Clerk's custom flow
/// guide does it.
#[tokio::test]
async fn clerk_js_signs_in_from_a_new_device_with_the_emailed_code() {
    let base = e2e::env("CLIENT_TRUST_URL");
    let page = Page::at(&base).await;
    page.goto("/").await;
    loaded(&page).await;
    let n = unique();
    let email = format!("trust.{n}@example.com");
    let who = json!({ "email": email, "password": PASSWORD });
    sign_up_with_email_code(&page, &email).await;
    sign_out(&page).await;
    let again = ok(
        &page,
        "const si = await Clerk.client.signIn.create({ identifier: args.email, password: args.password });
         return si.status;",
        who.clone(),
    )
    .await;
    assert_eq!(
        again, "complete",
        "the browser the account was made in is known"
    );
    page.c.clone().close().await.unwrap();

    // Another browser: a new client.
    let other = Page::at(&base).await;
    other.goto("/").await;
    loaded(&other).await;
    let trust = ok(
        &other,
        "const si = await Clerk.client.signIn.create({ identifier: args.email, password: args.password });
         const f = (si.supportedSecondFactors || []).find((f) => f.strategy === 'email_code');
         return { status: si.status, email: f && f.emailAddressId, safe: f && f.safeIdentifier,
                  signedIn: !!Clerk.user };",
        who.clone(),
    )
    .await;
    assert_eq!(trust["status"], "needs_client_trust", "{trust}");
    assert_eq!(trust["safe"], email.as_str());
    assert_eq!(trust["signedIn"], false);
    ok(
        &other,
        "await Clerk.client.signIn.prepareSecondFactor({ strategy: 'email_code', emailAddressId: args.id });",
        json!({ "id": trust["email"] }),
    )
    .await;
    let code = other.code(&email, 2).await;
    let done = ok(
        &other,
        "const si = await Clerk.client.signIn.attemptSecondFactor({ strategy: 'email_code', code: args.code });
         if (si.status !== 'complete') return { status: si.status };
         await Clerk.setActive({ session: si.createdSessionId });
         return { status: si.status, email: Clerk.user.primaryEmailAddress.emailAddress,
                  jwt: await Clerk.session.getToken() };",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(done["status"], "complete", "{done}");
    assert_eq!(done["email"], email.as_str());
    verify_token(&other, done["jwt"].as_str().unwrap()).await;
    other.c.clone().close().await.unwrap();
}

/// Passkeys with the official SDK, in Chromium with a virtual authenticator, on
/// `localhost` (WebAuthn takes no IP address): `user.createPasskey()` (the creation
/// options in the verification's `nonce`, the credential back as
/// `public_key_credential`), `passkey.update({ name })`, then after signing out
/// `signIn.authenticateWithPasskey({ flow: 'discoverable' })` (no identifier) and the
/// identifier-first flow (`prepareFirstFactor({ strategy: 'passkey' })` inside
/// `authenticateWithPasskey()`), each completing without a second step.
#[tokio::test]
async fn clerk_js_creates_a_passkey_and_signs_in_with_it() {
    // clerk-js offers passkeys only where `navigator.webdriver` is false.
    let page = Page::undeclared_at(&e2e::on_localhost(&e2e::env("DEMO_URL"))).await;
    page.add_virtual_authenticator().await;
    page.goto("/").await;
    loaded(&page).await;
    let email = format!("passkey.js.{}@example.com", unique());
    sign_up_with_email_code(&page, &email).await;
    let made = ok(
        &page,
        "const pk = await Clerk.user.createPasskey();
         await pk.update({ name: 'Virtual key' });
         await Clerk.user.reload();
         return { verified: pk.verification && pk.verification.status,
                  names: Clerk.user.passkeys.map(p => p.name),
                  twoFactor: Clerk.user.twoFactorEnabled };",
        json!({}),
    )
    .await;
    assert_eq!(
        made,
        json!({ "verified": "verified", "names": ["Virtual key"], "twoFactor": true })
    );
    sign_out(&page).await;

    let discoverable = ok(
        &page,
        "const si = await Clerk.client.signIn.authenticateWithPasskey({ flow: 'discoverable' });
         await Clerk.setActive({ session: si.createdSessionId });
         return { status: si.status, email: Clerk.user.primaryEmailAddress.emailAddress };",
        json!({}),
    )
    .await;
    assert_eq!(
        discoverable,
        json!({ "status": "complete", "email": email })
    );
    sign_out(&page).await;

    let identified = ok(
        &page,
        "const si = await Clerk.client.signIn.create({ identifier: args.email });
         const offered = si.supportedFirstFactors.map(f => f.strategy);
         const done = await Clerk.client.signIn.authenticateWithPasskey();
         await Clerk.setActive({ session: done.createdSessionId });
         const used = Clerk.user.passkeys[0].lastUsedAt;
         return { offered: offered.includes('passkey'), status: done.status, used: !!used };",
        json!({ "email": email }),
    )
    .await;
    assert_eq!(
        identified,
        json!({ "offered": true, "status": "complete", "used": true })
    );
    page.c.close().await.unwrap();
}

/// Starts `signIn.authenticateWithRedirect` for the loopback provider (the page then
/// leaves for it), and signs in there as `login`: the browser comes back through
/// fapi-server's callback to `/?sso-callback`, or `/?signed-in` when that finished.
async fn sign_in_at_provider(page: &Page, login: &str) {
    ok(
        page,
        "Clerk.client.signIn.authenticateWithRedirect({ strategy: 'oauth_loopback_id',
             redirectUrl: location.origin + '/?sso-callback',
             redirectUrlComplete: location.origin + '/?signed-in' })
           .catch((e) => { window.ssoError = String(e && (e.longMessage || e.message) || e); });
         return null;",
        json!({}),
    )
    .await;
    page.type_into("input[name=login]", login).await;
    page.click("button").await;
}

/// `Clerk.handleRedirectCallback` on the way back, with clerk-js's navigation
/// handed to us (`customNavigate`): where it sent the browser, and who is signed in.
async fn handle_redirect_callback(page: &Page) -> Value {
    ok(
        page,
        "let to = null;
         await Clerk.handleRedirectCallback(
             { signInFallbackRedirectUrl: '/?signed-in', signUpFallbackRedirectUrl: '/?signed-up',
               secondFactorUrl: '/?factor-two' },
             (url) => { to = String(url); });
         return { to, user: Clerk.user ? Clerk.user.primaryEmailAddress.emailAddress : null,
                  signIn: Clerk.client.signIn.status };",
        json!({}),
    )
    .await
}

/// Sign-in with a provider through the official SDK, against fapi-server and the
/// OpenID Connect provider on loopback (offered as `oauth_loopback_id`):
/// `signIn.authenticateWithRedirect`, then `handleRedirectCallback` makes an account
/// for someone new (Clerk's `transferable` sign-in into `signUp.create({ transfer })`);
/// an account with two-step verification is sent to its second factor, which clerk-js
/// then finishes as after a password.
#[tokio::test]
async fn clerk_js_signs_in_with_a_provider() {
    let base = e2e::env("SOCIAL_CLERK_JS_URL");
    let page = Page::at(&base).await;
    page.goto("/").await;
    loaded(&page).await;
    let social = ok(
        &page,
        "const env = Clerk.__internal_environment ?? Clerk.__unstable__environment;
         const s = env.userSettings.social.oauth_loopback_id;
         return { enabled: s.enabled, name: s.name, strategy: s.strategy };",
        json!({}),
    )
    .await;
    assert_eq!(
        social,
        json!({ "enabled": true, "name": "Loopback ID", "strategy": "oauth_loopback_id" })
    );
    let n = unique();
    let newcomer = format!("sso.new.{n}@example.com");
    sign_in_at_provider(&page, &newcomer).await;
    page.wait_path("/").await;
    loaded(&page).await;
    let url = page.c.current_url().await.unwrap();
    assert_eq!(url.query(), Some("sso-callback"), "{url}");
    let first = ok(
        &page,
        "const v = Clerk.client.signIn.firstFactorVerification;
         return { status: v.status, error: v.error && v.error.code };",
        json!({}),
    )
    .await;
    assert_eq!(
        first,
        json!({ "status": "transferable", "error": "external_account_not_found" })
    );
    // The sign-up is made and its session set active; clerk-js then goes on to the
    // after-sign-up page itself (`setActive`'s navigation is its own).
    handle_redirect_callback(&page).await;
    let mut at = String::new();
    for _ in 0..100 {
        at = page.c.current_url().await.unwrap().to_string();
        if at.ends_with("?signed-up") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(at.ends_with("?signed-up"), "{at}");
    loaded(&page).await;
    let signed_in = ok(
        &page,
        "return { user: Clerk.user.primaryEmailAddress.emailAddress,
                  verified: Clerk.user.primaryEmailAddress.verification.status,
                  password: Clerk.user.passwordEnabled,
                  accounts: Clerk.user.externalAccounts.map(a => a.provider) };",
        json!({}),
    )
    .await;
    assert_eq!(
        signed_in,
        json!({ "user": newcomer, "verified": "verified", "password": false,
                "accounts": ["loopback_id"] })
    );
    page.c.close().await.unwrap();

    // An account with two-step verification (its email reserved for it), in another
    // browser: the provider says yes, clerk-js is sent to the second factor.
    let page = Page::at(&base).await;
    page.goto("/").await;
    loaded(&page).await;
    let email = format!("sso.2fa.{n}@example.com");
    sign_up_with_email_code(&page, &email).await;
    ok(
        &page,
        "const id = Clerk.user.primaryEmailAddressId;
         await Clerk.getFapiClient().request({ method: 'PATCH',
             path: `/me/email_addresses/${id}`, body: { reservedForSecondFactor: true },
             sessionId: Clerk.session.id });
         return null;",
        json!({}),
    )
    .await;
    sign_out(&page).await;
    sign_in_at_provider(&page, &email).await;
    page.wait_path("/").await;
    loaded(&page).await;
    let back = handle_redirect_callback(&page).await;
    assert_eq!(back["signIn"], "needs_second_factor", "{back}");
    assert_eq!(back["user"], Value::Null);
    assert!(
        back["to"].as_str().unwrap().contains("factor-two"),
        "{back}"
    );
    let done = ok(
        &page,
        "const si = Clerk.client.signIn;
         const f = si.supportedSecondFactors.find(f => f.strategy === 'email_code');
         await si.prepareSecondFactor({ strategy: 'email_code', emailAddressId: f.emailAddressId });
         return si.status;",
        json!({}),
    )
    .await;
    assert_eq!(done, "needs_second_factor");
    let code = page.code(&email, 2).await;
    let done = ok(
        &page,
        "const si = await Clerk.client.signIn.attemptSecondFactor({ strategy: 'email_code', code: args.code });
         await Clerk.setActive({ session: si.createdSessionId });
         return { status: si.status, user: Clerk.user.primaryEmailAddress.emailAddress,
                  accounts: Clerk.user.externalAccounts.map(a => a.provider) };",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(
        done,
        json!({ "status": "complete", "user": email, "accounts": ["loopback_id"] })
    );
    page.c.close().await.unwrap();
}
