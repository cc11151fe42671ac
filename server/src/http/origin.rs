//! Which web origins may call this instance with credentials.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{config::Settings, error::ApiError, state::AppState};

/// Configured origins, plus loopback origins of any port in development.
pub fn allowed(settings: &Settings, origin: &str) -> bool {
    if settings.allowed_origins.iter().any(|o| o == origin) {
        return true;
    }
    settings.is_development() && is_loopback_origin(origin)
}

fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let host = match rest.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !port.is_empty() => h,
        _ => rest,
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// A name that can only mean this machine: `localhost` (and its subdomains), an
/// address in 127.0.0.0/8, or `[::1]`; with or without a port.
fn is_loopback_name(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") || name == "[::1]" {
        return true;
    }
    name.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// DNS rebinding: a page on any site whose name is pointed at 127.0.0.1 would be
/// same-origin with a development instance (test codes, `/dev/outbox`). Such a
/// request carries the attacker's name as `Host`, so a development instance answers
/// only loopback names, unless `allow_remote_development` says it is reached by others.
pub async fn refuse_rebinding(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let settings = state.settings();
    if settings.is_development() && !settings.allow_remote_development {
        let host = req
            .headers()
            .get(header::HOST)
            .map(|h| h.to_str().unwrap_or_default());
        if host.is_some_and(|h| !is_loopback_name(h)) {
            return ApiError::host_invalid().into_response();
        }
    }
    next.run(req).await
}

/// Is this `Host` header a loopback address (cookies may then go without `Secure`)?
pub fn is_loopback_host(host: &str) -> bool {
    is_loopback_origin(&format!("http://{host}"))
}

/// This server's own origin: `frontend_api_url`'s, or in development the request's
/// `Host` (the issuer is taken from it the same way).
pub fn own_origin(settings: &Settings, host: Option<&str>) -> Option<String> {
    if !settings.frontend_api_url.is_empty() {
        let url = settings.frontend_api_url.trim_end_matches('/');
        let after_scheme = url.find("://")? + 3;
        let end = url[after_scheme..]
            .find('/')
            .map_or(url.len(), |i| after_scheme + i);
        return Some(url[..end].to_owned());
    }
    let host = host.filter(|_| settings.is_development())?;
    let scheme = if is_loopback_host(host) {
        "http"
    } else {
        "https"
    };
    Some(format!("{scheme}://{host}"))
}

/// A foreign `Origin` is refused before any work is done. Requests with no `Origin`
/// (native apps, servers, same-origin GETs) pass, and so do pages of this server's
/// own origin (the dashboard), and Apple's form POST to the provider callback, which
/// only turns it into a `GET` and does nothing else.
pub async fn refuse_foreign(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let apple_answer =
        req.method() == axum::http::Method::POST && req.uri().path() == "/v1/oauth_callback";
    if let Some(origin) = req.headers().get(header::ORIGIN).filter(|_| !apple_answer) {
        let settings = state.settings();
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok());
        let ok = origin
            .to_str()
            .map(|o| allowed(&settings, o) || own_origin(&settings, host).as_deref() == Some(o))
            .unwrap_or(false);
        if !ok {
            return ApiError::origin_invalid().into_response();
        }
    }
    next.run(req).await
}

pub fn cors(settings: Settings) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin
                .to_str()
                .map(|o| allowed(&settings, o))
                .unwrap_or(false)
        }))
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::PUT,
            Method::DELETE,
        ])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .expose_headers([
            header::HeaderName::from_static("clerk-db-jwt"),
            header::RETRY_AFTER,
            header::AUTHORIZATION,
        ])
        .max_age(std::time::Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_origins_only_in_development() {
        let mut s = Settings::default();
        assert!(allowed(&s, "http://localhost:8080"));
        assert!(allowed(&s, "http://127.0.0.1:3000"));
        assert!(!allowed(&s, "http://localhost.evil.com"));
        assert!(!allowed(&s, "https://evil.example"));
        s.environment = crate::config::Environment::Production;
        s.allowed_origins = vec!["https://app.example.com".into()];
        assert!(!allowed(&s, "http://localhost:8080"));
        assert!(allowed(&s, "https://app.example.com"));
    }

    #[test]
    fn loopback_names_are_this_machine_only() {
        for ok in [
            "127.0.0.1:3000",
            "localhost",
            "LOCALHOST:8080",
            "app.localhost",
            "127.0.0.2:80",
            "[::1]:3000",
        ] {
            assert!(is_loopback_name(ok), "{ok}");
        }
        for no in [
            "evil.example:3000",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "10.0.0.1",
            "",
        ] {
            assert!(!is_loopback_name(no), "{no}");
        }
    }

    #[test]
    fn the_own_origin_is_the_frontend_api_urls() {
        let mut s = Settings::default();
        assert_eq!(
            own_origin(&s, Some("127.0.0.1:3000")).as_deref(),
            Some("http://127.0.0.1:3000")
        );
        s.environment = crate::config::Environment::Production;
        assert_eq!(own_origin(&s, Some("evil.example")), None);
        s.frontend_api_url = "https://clerk.example.com/".into();
        assert_eq!(
            own_origin(&s, Some("evil.example")).as_deref(),
            Some("https://clerk.example.com")
        );
    }
}
