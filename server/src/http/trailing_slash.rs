//! `/v1/me/phone_numbers/` is `/v1/me/phone_numbers`: clerk-js sends some paths with
//! a trailing slash, and Clerk answers both. Applied before routing, to the API's
//! paths only: a static app's directories keep theirs.

use axum::{extract::Request, http::Uri};

const API_PREFIXES: [&str; 4] = ["/v1/", "/.well-known/", "/dev/", "/dashboard/"];

pub fn trim(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') && API_PREFIXES.iter().any(|p| path.starts_with(p)) {
        let trimmed = path.trim_end_matches('/');
        let path_and_query = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_owned(),
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = path_and_query.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(uri: &str) -> String {
        let req = Request::builder()
            .uri(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        trim(req).uri().to_string()
    }

    #[test]
    fn api_paths_lose_the_trailing_slash_and_keep_the_query() {
        assert_eq!(
            path_of("/v1/me/phone_numbers/?_clerk_session_id=sess_1"),
            "/v1/me/phone_numbers?_clerk_session_id=sess_1"
        );
        assert_eq!(path_of("/v1/client/"), "/v1/client");
        assert_eq!(path_of("/"), "/");
        assert_eq!(path_of("/assets/"), "/assets/");
    }
}
