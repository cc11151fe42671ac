//! Hosted pages (Clerk's Account Portal): `/sign-in`, `/sign-up` and `/user` on this
//! server's origin, the `portal/` Yew app built from yew-clerk's own components. An
//! app with no pages of its own sends people here (`display_config` names these
//! URLs) and gets them back at `redirect_url`, which must be this origin, an
//! allowed one, or a path.
//!
//! The portal is built by `cargo xtask portal` (and `demo`, `test`) into
//! `target/portal/dist`; the server serves it from there (or `[hosted_pages] dir`).

use std::{collections::HashMap, path::PathBuf};

use axum::{
    extract::{Query, State},
    http::{header, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};

use crate::{
    config::Settings,
    http::{origin, Identity},
    state::AppState,
};

/// Where the portal's files are served from (trunk's `--public-url`).
pub const ASSETS: &str = "/__portal";

/// The pages, each with its sub-paths (`/sign-in/factor-two`, ...).
pub const PAGES: [&str; 3] = ["/sign-in", "/sign-up", "/user"];

/// The built portal, when hosted pages are on and the paths are not the app's
/// (`static_dir`).
pub fn find_dir(settings: &Settings) -> Option<PathBuf> {
    if !settings.hosted_pages.enabled || settings.static_dir.is_some() {
        return None;
    }
    let dir = settings.hosted_pages.dir.clone().unwrap_or_else(|| {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/portal/dist"
        ))
    });
    dir.join("index.html").is_file().then_some(dir)
}

/// Whether hosted pages are wanted but not built (the pages then say how).
fn wanted(settings: &Settings) -> bool {
    settings.hosted_pages.enabled && settings.static_dir.is_none()
}

pub fn router(state: &AppState) -> Router<AppState> {
    let settings = state.settings();
    let mut router = Router::new();
    if let Some(dir) = &state.portal {
        for page in PAGES {
            router = router
                .route(page, get(serve))
                .route(&format!("{page}/{{*rest}}"), get(serve));
        }
        router = router.nest_service(ASSETS, crate::static_files::service(dir, None));
    } else if wanted(&settings) {
        for page in PAGES {
            router = router.route(page, get(not_built));
        }
    }
    router
}

/// Whether `target` may be returned to: a path on the app's side of things, this
/// server's origin, an allowed origin, or (development) a loopback one.
pub fn allowed_redirect(settings: &Settings, own: Option<&str>, target: &str) -> bool {
    // Browsers drop TAB, CR and LF while parsing a URL: `/\t/evil.example` is
    // `//evil.example` to them. Nothing a real address holds is worth that doubt.
    if target.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return false;
    }
    if target.starts_with('/') && !target.starts_with("//") && !target.starts_with("/\\") {
        return true;
    }
    let Some(origin) = origin_of(target) else {
        return false;
    };
    Some(origin.as_str()) == own
        || settings.allowed_redirect_origins.contains(&origin)
        || origin::allowed(settings, &origin)
}

/// `scheme://host[:port]` of an absolute http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .map(|r| ("https", r))
        .or_else(|| url.strip_prefix("http://").map(|r| ("http", r)))?;
    let host = rest.1.split(['/', '?', '#']).next()?;
    if host.is_empty() || host.contains(['@', '\\']) {
        return None;
    }
    Some(format!("{}://{}", rest.0, host.to_ascii_lowercase()))
}

fn escape(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A page of the portal: its `index.html`, told whether to use a dev browser and
/// which origin the `redirect_url` may go back to.
async fn serve(
    State(state): State<AppState>,
    identity: Identity,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let settings = state.settings();
    // The token issuer: `frontend_api_url`, or this request's origin in development.
    let own = origin_of(identity.issuer());
    let redirect = query.get("redirect_url").map(String::as_str);
    if let Some(target) = redirect {
        if !allowed_redirect(&settings, own.as_deref(), target) {
            tracing::warn!(redirect_url = target, "hosted page: redirect_url refused");
            return message(
                StatusCode::BAD_REQUEST,
                "This sign-in link cannot be used: it would send you to a site this \
                 application does not allow (redirect_url).",
            );
        }
    }
    let Some(dir) = &state.portal else {
        return not_built().await;
    };
    let index = match tokio::fs::read_to_string(dir.join("index.html")).await {
        Ok(text) => text,
        Err(e) => {
            tracing::error!(error = %e, "hosted page: index.html unreadable");
            return message(
                StatusCode::SERVICE_UNAVAILABLE,
                "The hosted pages cannot be read.",
            );
        }
    };
    let back = redirect.and_then(origin_of).unwrap_or_default();
    let meta = format!(
        "<meta name=\"fapi-dev-browser\" content=\"{}\">\
         <meta name=\"fapi-redirect-origin\" content=\"{}\"></head>",
        settings.is_development(),
        escape(&back)
    );
    let mut response = Html(index.replacen("</head>", &meta, 1)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("frame-ancestors 'none'"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

async fn not_built() -> Response {
    message(
        StatusCode::SERVICE_UNAVAILABLE,
        "The hosted pages are not built. Run `cargo xtask portal` (or `cargo xtask demo`) \
         in the yew-clerk workspace, or set [hosted_pages] dir (FAPI_HOSTED_PAGES_DIR) to a \
         built portal.",
    )
}

fn message(status: StatusCode, text: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in</title></head>\
         <body><main><p>{}</p></main></body></html>",
        escape(text)
    );
    (status, Html(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_go_to_paths_this_origin_and_allowed_ones_only() {
        let mut s = Settings {
            environment: crate::config::Environment::Production,
            frontend_api_url: "https://clerk.example.com".into(),
            allowed_redirect_origins: vec!["https://app.example.com".into()],
            ..Settings::default()
        };
        let own = Some("https://clerk.example.com");
        assert!(allowed_redirect(&s, own, "/dashboard"));
        assert!(allowed_redirect(&s, own, "https://clerk.example.com/user"));
        assert!(allowed_redirect(
            &s,
            own,
            "https://app.example.com/after?x=1"
        ));
        assert!(!allowed_redirect(&s, own, "//evil.example/x"));
        assert!(!allowed_redirect(&s, own, "/\\evil.example"));
        for sneaky in [
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/\r/evil.example",
            " //evil.example",
            "/ok\u{0}",
        ] {
            assert!(!allowed_redirect(&s, own, sneaky), "{sneaky:?}");
        }
        assert!(!allowed_redirect(&s, own, "https://evil.example"));
        assert!(!allowed_redirect(
            &s,
            own,
            "https://app.example.com@evil.example/"
        ));
        assert!(!allowed_redirect(&s, own, "javascript:alert(1)"));
        assert!(!allowed_redirect(&s, own, "http://localhost:8080/"));
        s.environment = crate::config::Environment::Development;
        assert!(allowed_redirect(&s, own, "http://localhost:8080/"));
    }
}
