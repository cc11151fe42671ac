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
