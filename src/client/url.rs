//! Request URLs as clerk-js builds them.

use super::{request::Method, API_VERSION, SDK_VERSION};

/// What goes into one request's URL.
#[derive(Debug, Clone)]
pub struct RequestUrl<'a> {
    pub base_url: &'a str,
    /// `/client/sign_ins` (the `/v1` prefix is added).
    pub path: &'a str,
    pub method: Method,
    /// Added only on paths outside `/client` (that is `/me/...`): it picks the session.
    pub session_id: Option<&'a str>,
    pub dev_browser_token: Option<&'a str>,
}

/// Builds the URL: API version, SDK version, `_method` for PATCH/PUT/DELETE (the
/// browser only sends GET or POST, which needs no CORS preflight), the session for
/// `/me`, and the dev browser token.
///
/// ```
/// use yew_clerk::client::{request_url, Method, RequestUrl};
/// let url = request_url(&RequestUrl {
///     base_url: "https://clerk.example.com",
///     path: "/me/phone_numbers/idn_1",
///     method: Method::Patch,
///     session_id: Some("sess_1"),
///     dev_browser_token: None,
/// });
/// assert!(url.starts_with("https://clerk.example.com/v1/me/phone_numbers/idn_1?"));
/// assert!(url.contains("_method=PATCH"));
/// assert!(url.contains("_clerk_session_id=sess_1"));
/// ```
pub fn request_url(r: &RequestUrl<'_>) -> String {
    let mut query: Vec<(&str, &str)> = vec![
        ("__clerk_api_version", API_VERSION),
        ("_clerk_js_version", SDK_VERSION),
    ];
    if let Some(m) = r.method.override_param() {
        query.push(("_method", m));
    }
    let targets_client = r.path.starts_with("/client") || r.path.starts_with("/waitlist");
    if let (Some(sid), false) = (r.session_id, targets_client) {
        query.push(("_clerk_session_id", sid));
    }
    if let Some(token) = r.dev_browser_token {
        query.push(("__clerk_db_jwt", token));
    }
    let encoded = serde_urlencoded::to_string(&query).expect("string pairs encode");
    format!("{}/v1{}?{}", r.base_url, r.path, encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str, method: Method, sid: Option<&str>, token: Option<&str>) -> String {
        request_url(&RequestUrl {
            base_url: "http://localhost:3000",
            path,
            method,
            session_id: sid,
            dev_browser_token: token,
        })
    }

    #[test]
    fn client_paths_never_carry_the_session() {
        let u = url("/client/sign_ins", Method::Post, Some("sess_1"), None);
        assert!(!u.contains("_clerk_session_id"));
        assert!(!u.contains("_method"), "POST is POST");
        assert!(u.contains("__clerk_api_version=2025-11-10"));
    }

    #[test]
    fn me_paths_carry_the_session_and_get_stays_get() {
        let u = url("/me", Method::Get, Some("sess_1"), None);
        assert!(u.contains("_clerk_session_id=sess_1"));
        assert!(!u.contains("_method"));
    }

    #[test]
    fn the_dev_browser_token_is_encoded() {
        let u = url("/client", Method::Delete, None, Some("a+b/c="));
        assert!(u.contains("_method=DELETE"));
        assert!(u.contains("__clerk_db_jwt=a%2Bb%2Fc%3D"));
    }
}
