//! The dashboard's page frame, its style sheet, and small helpers for its pages.

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use maud::{html, Markup, DOCTYPE};

use super::auth::Signed;

/// A whole page: the navigation when signed in (with its sign-out form), then `body`.
pub fn page(title: &str, signed: Option<&Signed>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Dashboard" }
                link rel="stylesheet" href="/dashboard/style.css";
            }
            body {
                header {
                    span.brand { "fapi-server dashboard" }
                    @if let Some(s) = signed {
                        nav aria-label="Dashboard" {
                            a href="/dashboard/settings" { "Settings" }
                            a href="/dashboard/users" { "Users" }
                            a href="/dashboard/recoveries" { "Recoveries" }
                            a href="/dashboard/providers" { "Providers" }
                            a href="/dashboard/developers" { "Developers" }
                            a href="/dashboard/log" { "Log" }
                        }
                        form.signout method="post" action="/dashboard/sign-out" {
                            (csrf_field(s))
                            span { "Signed in as " strong { (s.admin) } }
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The `?done=` a change redirects to: what it did, for the page to say.
#[derive(serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    pub done: Option<String>,
}

impl Done {
    /// The note for a change to the settings in force, worded by `said`.
    pub fn note(&self, said: fn(&str) -> Option<&'static str>) -> Option<Markup> {
        self.done.as_deref().and_then(said).map(|text| {
            html! { p.ok role="status" { (text) " Every instance uses it within a second." } }
        })
    }
}

/// The first value of `name` in a posted form (checkboxes: present when ticked).
pub fn form_field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The hidden field every state-changing form carries.
pub fn csrf_field(signed: &Signed) -> Markup {
    html! { input type="hidden" name="csrf" value=(signed.csrf); }
}

/// A page with one message, with its status (errors, refusals).
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    (status, page(title, None, html! { p.notice { (text) } })).into_response()
}

/// `GET /dashboard/style.css`.
pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        STYLE,
    )
        .into_response()
}

/// Unix milliseconds as `2026-11-28 21:40 UTC`.
pub fn when(ms: i64) -> String {
    crate::flows::notices::utc_time(ms)
}

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #3b43d6; --bad: #b42318; --good: #146c2e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fa; }
header { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: center; padding: .75rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
.brand { font-weight: 650; }
nav { display: flex; gap: 1rem; }
nav a { color: var(--accent); text-decoration: none; font-weight: 550; }
nav a:hover, nav a:focus-visible { text-decoration: underline; }
.signout { margin-left: auto; display: flex; gap: .75rem; align-items: center; color: var(--muted); }
main { max-width: 60rem; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
section, .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
label { display: block; margin: .35rem 0; }
.row { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
.hint { color: var(--muted); font-size: .875rem; margin: .25rem 0 .5rem; }
input[type=text], input[type=url], input[type=password], input[type=number], input[type=search], select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--ink); }
button { font: inherit; padding: .4rem .9rem; border-radius: 6px; border: 1px solid var(--line); background: #fff; color: var(--ink); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
button.danger { color: var(--bad); border-color: var(--bad); }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
td:first-child { white-space: nowrap; }
td[colspan] { white-space: normal; }
th, td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.notice { padding: .6rem .9rem; border-radius: 6px; background: #eef1ff; border: 1px solid #c9cff8; }
.error { padding: .6rem .9rem; border-radius: 6px; background: #fdecea; border: 1px solid #f4b4ad; color: var(--bad); }
.ok { padding: .6rem .9rem; border-radius: 6px; background: #e8f5ec; border: 1px solid #a6d8b5; color: var(--good); }
.badge { display: inline-block; font-size: .75rem; padding: 0 .4rem; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); }
.badge.on { color: var(--good); border-color: #a6d8b5; }
.badge.bad { color: var(--bad); border-color: #f4b4ad; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; }
details { margin: .5rem 0; }
summary { cursor: pointer; color: var(--accent); font-weight: 550; }
textarea { font-family: ui-monospace, monospace; font-size: .875rem; width: 100%; box-sizing: border-box; }
td code { overflow-wrap: anywhere; }
pre { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow-x: auto; }
.pages { display: flex; gap: 1rem; margin-top: .75rem; }
a { color: var(--accent); }
"#;
