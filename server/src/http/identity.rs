//! Which client (browser or app) a request comes from, by one of three means:
//! the HttpOnly `__client` cookie, the development `__clerk_db_jwt` query token,
//! or `Authorization: Bearer` with `_is_native=true`. A new or rotated client
//! token goes back the same way it came (cookie, `Clerk-Db-Jwt`, `Authorization`).

use std::{
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{header, request::Parts, HeaderMap, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::{error::ApiError, ids::token_hash, state::AppState};

pub const CLIENT_COOKIE: &str = "__client";
pub const DEV_BROWSER_PARAM: &str = "__clerk_db_jwt";
pub const DEV_BROWSER_HEADER: &str = "clerk-db-jwt";
/// Binds a development browser's trip to a provider to that browser: the provider
/// sends it back to the callback with cookies only, and its client token lives in
/// the page (`__clerk_db_jwt`), not in a cookie.
pub const OAUTH_BINDING_COOKIE: &str = "__clerk_oauth_binding";
const COOKIE_DAYS: i64 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Cookie,
    DevBrowser,
    Native,
}

impl Mode {
    /// As kept in the database.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Cookie => "cookie",
            Mode::DevBrowser => "dev_browser",
            Mode::Native => "native",
        }
    }
}

/// The request's client and where to send a new client token.
#[derive(Clone)]
pub struct Identity(Arc<Inner>);

struct Inner {
    mode: Mode,
    client_id: Mutex<Option<String>>,
    issued: Mutex<Option<Issued>>,
    secure_cookie: bool,
    /// `cookie_domain`: the `__client` cookie's `Domain`, shared by subdomains.
    cookie_domain: Option<String>,
    ip: Option<IpAddr>,
    user_agent: Option<String>,
    origin: Option<String>,
    session_hint: Option<String>,
    issuer: String,
    /// The trip binding this request came with (`__clerk_oauth_binding`).
    oauth_binding: Option<String>,
    /// A trip binding to send (`Some("")`: remove the cookie).
    new_oauth_binding: Mutex<Option<String>>,
}

enum Issued {
    Token(String),
    Cleared,
}

impl Identity {
    pub fn mode(&self) -> Mode {
        self.0.mode
    }

    pub fn client_id(&self) -> Option<String> {
        self.0.client_id.lock().expect("identity lock").clone()
    }

    pub fn ip(&self) -> Option<IpAddr> {
        self.0.ip
    }

    /// Whether cookies set for this request need `Secure` (all but loopback development).
    pub fn secure_cookie(&self) -> bool {
        self.0.secure_cookie
    }

    pub fn ip_string(&self) -> Option<String> {
        self.0.ip.map(|ip| ip.to_string())
    }

    pub fn user_agent(&self) -> Option<&str> {
        self.0.user_agent.as_deref()
    }

    /// The `Origin` the request came from: the session token's `azp`.
    pub fn origin(&self) -> Option<&str> {
        self.0.origin.as_deref()
    }

    /// `_clerk_session_id`: which session acts on `/v1/me`.
    pub fn session_hint(&self) -> Option<&str> {
        self.0.session_hint.as_deref()
    }

    /// The session token `iss`.
    pub fn issuer(&self) -> &str {
        &self.0.issuer
    }

    /// The client, made (with a fresh token sent back) if this browser has none yet.
    pub async fn client_or_create(&self, state: &AppState) -> Result<String, ApiError> {
        if let Some(id) = self.client_id() {
            return Ok(id);
        }
        let (id, token) = crate::store::clients::create(&state.db).await?;
        *self.0.client_id.lock().expect("identity lock") = Some(id.clone());
        *self.0.issued.lock().expect("identity lock") = Some(Issued::Token(token));
        Ok(id)
    }

    /// A new token for the same client: done when a session is created, so a token
    /// planted before sign-in (session fixation) is worthless after it.
    pub async fn rotate(&self, state: &AppState) -> Result<(), ApiError> {
        let Some(id) = self.client_id() else {
            return Ok(());
        };
        let token = crate::store::clients::rotate_token(&state.db, &id).await?;
        *self.0.issued.lock().expect("identity lock") = Some(Issued::Token(token));
        Ok(())
    }

    /// The trip binding the browser sent (see [`OAUTH_BINDING_COOKIE`]).
    pub fn oauth_binding(&self) -> Option<&str> {
        self.0.oauth_binding.as_deref()
    }

    /// Sends the browser a trip binding, good for as long as a trip; an empty one
    /// removes it.
    pub fn set_oauth_binding(&self, binding: &str) {
        *self.0.new_oauth_binding.lock().expect("identity lock") = Some(binding.to_owned());
    }

    /// The client token this request issued (a session was created), taken so that
    /// it is not sent the usual way: a development browser's callback hands it to the
    /// page in the URL instead.
    pub fn take_issued_token(&self) -> Option<String> {
        let mut issued = self.0.issued.lock().expect("identity lock");
        match issued.take() {
            Some(Issued::Token(token)) => Some(token),
            other => {
                *issued = other;
                None
            }
        }
    }

    /// Moves this request onto another client (a replacement after `DELETE /v1/client`).
    pub fn switch_to(&self, client_id: String, token: String) {
        *self.0.client_id.lock().expect("identity lock") = Some(client_id);
        *self.0.issued.lock().expect("identity lock") = Some(Issued::Token(token));
    }

    /// Forgets the client: the cookie is removed.
    pub fn clear(&self) {
        *self.0.client_id.lock().expect("identity lock") = None;
        *self.0.issued.lock().expect("identity lock") = Some(Issued::Cleared);
    }

    fn apply(&self, headers: &mut HeaderMap) {
        if let Some(binding) = self
            .0
            .new_oauth_binding
            .lock()
            .expect("identity lock")
            .take()
        {
            let cookie = Cookie::build((OAUTH_BINDING_COOKIE, binding.clone()))
                .http_only(true)
                .same_site(SameSite::Lax)
                .path(binding_path(&self.0.issuer))
                .secure(self.0.secure_cookie)
                .max_age(time::Duration::milliseconds(if binding.is_empty() {
                    0
                } else {
                    crate::flows::social::FLOW_LIFETIME_MS
                }));
            append_cookie(headers, cookie.build());
        }
        let issued = self.0.issued.lock().expect("identity lock").take();
        let Some(issued) = issued else { return };
        match (self.0.mode, issued) {
            (Mode::Cookie, Issued::Token(token)) => {
                let mut cookie = Cookie::build((CLIENT_COOKIE, token))
                    .http_only(true)
                    .same_site(SameSite::Lax)
                    .path("/")
                    .secure(self.0.secure_cookie)
                    .max_age(time_days(COOKIE_DAYS));
                if let Some(domain) = &self.0.cookie_domain {
                    cookie = cookie.domain(domain.clone());
                }
                append_cookie(headers, cookie.build());
            }
            (Mode::Cookie, Issued::Cleared) => {
                let mut cookie = Cookie::build((CLIENT_COOKIE, ""))
                    .http_only(true)
                    .same_site(SameSite::Lax)
                    .path("/")
                    .secure(self.0.secure_cookie)
                    .max_age(time_days(0));
                if let Some(domain) = &self.0.cookie_domain {
                    cookie = cookie.domain(domain.clone());
                }
                append_cookie(headers, cookie.build());
            }
            (Mode::DevBrowser, Issued::Token(token)) => {
                if let Ok(v) = HeaderValue::from_str(&token) {
                    headers.insert(DEV_BROWSER_HEADER, v);
                }
            }
            (Mode::Native, Issued::Token(token)) => {
                if let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}")) {
                    headers.insert(header::AUTHORIZATION, v);
                }
            }
            (_, Issued::Cleared) => {}
        }
    }
}

/// Where the binding cookie goes: the provider callback's path only.
fn binding_path(issuer: &str) -> String {
    let callback = crate::flows::social::callback_url(issuer);
    reqwest::Url::parse(&callback)
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|_| "/v1/oauth_callback".to_owned())
}

fn time_days(days: i64) -> time::Duration {
    time::Duration::days(days)
}

fn append_cookie(headers: &mut HeaderMap, cookie: Cookie<'static>) {
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        headers.append(header::SET_COOKIE, v);
    }
}

fn query_param(parts_query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(parts_query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Resolves the client for every request and, after the route ran, sends back any
/// token it issued.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let query = req.uri().query();
    let native = query_param(query, "_is_native").as_deref() == Some("true");
    let dev_token = query_param(query, DEV_BROWSER_PARAM).filter(|t| !t.is_empty());
    let (mode, token) = if native {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        (Mode::Native, bearer)
    } else if state.settings().is_development() && dev_token.is_some() {
        (Mode::DevBrowser, dev_token)
    } else {
        let jar = CookieJar::from_headers(headers);
        (
            Mode::Cookie,
            jar.get(CLIENT_COOKIE)
                .map(|c| c.value().to_owned())
                .filter(|v| !v.is_empty()),
        )
    };

    let client_id = match &token {
        Some(t) => match crate::store::clients::find_by_token_hash(&state.db, &token_hash(t)).await
        {
            Ok(found) => found,
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => None,
    };
    let path = req.uri().path();
    let creating_dev_browser = path == "/v1/dev_browser";
    // Only the API checks the token: a page (the app's, a hosted one) may be opened
    // with one meant for another instance, and must still load.
    let api = path == "/v1" || path.starts_with("/v1/");
    if mode == Mode::DevBrowser && client_id.is_none() && !creating_dev_browser && api {
        return ApiError::dev_browser_unauthenticated().into_response();
    }

    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost")
        .to_owned();
    let loopback = crate::http::origin::is_loopback_host(&host);
    let issuer = if state.settings().frontend_api_url.is_empty() {
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        development_issuer(&host, loopback, origin)
    } else {
        state
            .settings()
            .frontend_api_url
            .trim_end_matches('/')
            .to_owned()
    };
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = peer
        .filter(|p| super::client_ip::is_trusted_proxy(&state.settings(), *p))
        .and_then(|_| super::client_ip::forwarded(headers, state.settings().forwarded_hops));
    let identity = Identity(Arc::new(Inner {
        mode,
        client_id: Mutex::new(client_id),
        issued: Mutex::new(None),
        secure_cookie: !(state.settings().is_development() && loopback),
        cookie_domain: state
            .settings()
            .cookie_domain
            .as_deref()
            .map(|d| d.trim_start_matches('.').to_owned()),
        ip: forwarded.or(peer),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        origin: headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        session_hint: query_param(query, "_clerk_session_id").filter(|s| !s.is_empty()),
        issuer,
        oauth_binding: CookieJar::from_headers(headers)
            .get(OAUTH_BINDING_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty()),
        new_oauth_binding: Mutex::new(None),
    }));
    req.extensions_mut().insert(identity.clone());
    let mut response = next.run(req).await;
    identity.apply(response.headers_mut());
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Identity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .ok_or_else(ApiError::internal)
    }
}

/// The URL this server is reached at when no `frontend_api_url` is configured: the
/// request's `Host`. A development proxy in front (trunk's, as `cargo xtask demo`
/// runs it) passes the host without its port; the page's `Origin` on that same host
/// (or on `localhost`, when the proxy reaches a loopback address) then names the port
/// the browser really used, so links the server hands out (a recovery's cancel link)
/// and the tokens' `iss` lead back through the proxy.
fn development_issuer(host: &str, loopback: bool, origin: Option<&str>) -> String {
    let scheme = if loopback { "http" } else { "https" };
    let has_port = match host.strip_prefix('[') {
        Some(v6) => v6.contains("]:"),
        None => host.contains(':'),
    };
    if !has_port {
        if let Some(origin) = origin {
            let on = |name: &str| {
                origin
                    .strip_prefix(&format!("{scheme}://{name}:"))
                    .is_some_and(|port| {
                        !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                    })
            };
            // The same host, or, behind a proxy on a loopback address, `localhost`:
            // the same machine by another name (the one WebAuthn accepts).
            if on(host) || (loopback && on("localhost")) {
                return origin.to_owned();
            }
        }
    }
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::development_issuer;

    #[test]
    fn a_proxy_that_drops_the_port_is_answered_with_the_pages_origin() {
        // trunk's proxy: `Host: 127.0.0.1` for a page on port 8080.
        assert_eq!(
            development_issuer("127.0.0.1", true, Some("http://127.0.0.1:8080")),
            "http://127.0.0.1:8080"
        );
        // A host with its port is taken as it is.
        assert_eq!(
            development_issuer("127.0.0.1:3000", true, Some("http://127.0.0.1:8080")),
            "http://127.0.0.1:3000"
        );
        // Another host's origin, or a path in it, is never taken.
        assert_eq!(
            development_issuer("127.0.0.1", true, Some("http://evil.example:8080")),
            "http://127.0.0.1"
        );
        assert_eq!(
            development_issuer("127.0.0.1", true, Some("http://127.0.0.1:80/x")),
            "http://127.0.0.1"
        );
        // The page on `localhost` (passkeys need it), the proxy to 127.0.0.1.
        assert_eq!(
            development_issuer("127.0.0.1", true, Some("http://localhost:8080")),
            "http://localhost:8080"
        );
        // Only for a loopback proxy, and never another name.
        assert_eq!(
            development_issuer("10.0.0.2", false, Some("http://localhost:8080")),
            "https://10.0.0.2"
        );
        assert_eq!(
            development_issuer("127.0.0.1", true, Some("http://localhost.evil:8080")),
            "http://127.0.0.1"
        );
        assert_eq!(development_issuer("[::1]", true, None), "http://[::1]");
        assert_eq!(
            development_issuer("[::1]", true, Some("http://[::1]:8080")),
            "http://[::1]:8080"
        );
    }
}
