//! The dashboard in headless Chromium, as an administrator uses it: sign in with the
//! password from the environment, change the application's name, turn usernames on
//! and require MFA for everyone, "Apply Changes" — then the demo's `<SignIn/>` on
//! the same instance shows the new name and asks for "Email address or username",
//! and `/v1/environment` answers the new settings; no restart.
//!
//! Needs `DASHBOARD_URL` (the demo on an instance with `FAPI_DASHBOARD_PASSWORD`),
//! `DASHBOARD_PASSWORD` and `WEBDRIVER_URL`; `cargo xtask test` starts them.

use e2e::Page;
use fantoccini::Locator;

#[tokio::test]
async fn a_setting_applied_in_the_dashboard_changes_what_sign_in_shows() {
    let p = Page::at(&e2e::env("DASHBOARD_URL")).await;

    // Before: the file's settings.
    p.goto("/sign-in").await;
    p.wait_text(".cl-headerTitle", "Sign in to").await;
    p.wait_text("label", "Email address").await;

    // The dashboard asks for the administrator first.
    p.goto("/dashboard").await;
    p.wait_path("/dashboard/sign-in").await;
    p.type_into("input[name=name]", "admin").await;
    p.type_into("input[name=password]", "not the password")
        .await;
    p.click("button[type=submit]").await;
    p.wait_text("p.error", "Wrong name or password").await;
    p.type_into("input[name=password]", &e2e::env("DASHBOARD_PASSWORD"))
        .await;
    p.click("button[type=submit]").await;
    p.wait_path("/dashboard/settings").await;
    p.wait_text("h2", "2-step verification").await;

    // Settings -> 2-step verification, identifiers, the name; Apply Changes.
    p.type_into("input[name=application_name]", "Dashboard Demo")
        .await;
    p.c.find(Locator::Css("select[name='identifiers.username']"))
        .await
        .unwrap()
        .select_by_value("optional")
        .await
        .unwrap();
    let required = p.wait("input[name='mfa.required']").await;
    assert!(required.prop("checked").await.unwrap().as_deref() != Some("true"));
    required.click().await.unwrap();
    p.screenshot("main", "dashboard-settings.png").await;
    p.click_text("button", "Apply Changes").await;
    p.wait_text("p.ok", "Changes applied (3 changed)").await;

    // The sign-in card on the same instance, no restart.
    p.goto("/sign-in").await;
    p.wait_text(".cl-headerTitle", "Sign in to Dashboard Demo")
        .await;
    p.wait_text("label", "Email address or username").await;

    let env: serde_json::Value = reqwest::get(format!("{}/v1/environment", p.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(env["display_config"]["application_name"], "Dashboard Demo");
    assert_eq!(
        env["user_settings"]["sign_in"]["second_factor"]["required"],
        true
    );
    assert_eq!(
        env["user_settings"]["attributes"]["username"]["enabled"],
        true
    );

    // The log has it, under the administrator's name.
    p.goto("/dashboard/log").await;
    p.wait_text("td", "mfa.required: false → true").await;
    p.wait_text("td code", "settings-apply").await;
    p.screenshot("main", "dashboard-log.png").await;

    p.c.close().await.unwrap();
}

/// Clerk's `reset-password` task: the administrator asks a user for a new password
/// on the user's page; at the user's next sign-in, after their SMS code, `<SignIn/>`
/// shows "Reset your password" in place (its own URL step), and the new password
/// lets them in.
#[tokio::test]
async fn an_administrator_asks_for_a_new_password_and_sign_in_asks_for_it() {
    let p = Page::at(&e2e::env("DASHBOARD_URL")).await;
    let n = e2e::unique();
    let email = format!("must.reset.{n}@example.com");
    let phone = format!("+1415{:07}", (n + 11) % 10_000_000);
    p.goto("/sign-up").await;
    p.sign_up("Linus", &email).await;
    p.goto("/user").await;
    p.add_sms_second_factor(&phone, 1).await;
    p.wait(".cl-mfaPhoneCodeItem").await;
    p.click("button.cl-backupCodesDone").await;
    p.click("button.cl-userButtonTrigger").await;
    p.click(".cl-userButtonPopoverActionButton__signOut").await;
    p.wait_text("a", "Sign in").await;

    // The administrator, on the user's page.
    p.goto("/dashboard").await;
    p.wait_path("/dashboard/sign-in").await;
    p.type_into("input[name=name]", "admin").await;
    p.type_into("input[name=password]", &e2e::env("DASHBOARD_PASSWORD"))
        .await;
    p.click("button[type=submit]").await;
    p.wait_path("/dashboard/settings").await;
    p.goto(&format!("/dashboard/users?q={email}")).await;
    p.click_text("td a", "Linus").await;
    p.click_text("button", "Require a new password").await;
    p.wait_text("p.ok", "must choose a new password").await;
    p.wait_text(".badge", "New password required").await;

    // The next sign-in: the password, the SMS code, then the task.
    p.goto("/sign-in").await;
    p.type_into("input[name=identifier]", &email).await;
    p.type_into("input[name=password]", e2e::PASSWORD).await;
    p.click("button.cl-formButtonPrimary").await;
    p.wait_text(".cl-headerTitle", "Check your phone").await;
    let code = p.code(&phone, 2).await;
    p.type_into("input[name=code]", &code).await;
    p.wait_text(".cl-headerTitle", "Reset your password").await;
    p.wait_path("/sign-in/tasks/reset-password").await;
    p.screenshot(".cl-card", "task-reset-password.png").await;
    p.type_into("input[name=new_password]", "a brand new passphrase")
        .await;
    p.click("button.cl-formButtonPrimary").await;
    p.wait_path("/").await;
    p.wait_text("#greeting", "Welcome, Linus!").await;
    p.c.close().await.unwrap();
}
