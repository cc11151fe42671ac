//! Browsers send only GET and POST (no CORS preflight); clerk-js carries the real
//! method in `?_method=PATCH|PUT|DELETE`. Applied before routing.

use axum::{extract::Request, http::Method};

pub fn apply(mut req: Request) -> Request {
    if req.method() == Method::POST {
        let wanted = req.uri().query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "_method")
                .map(|(_, v)| v.to_ascii_uppercase())
        });
        match wanted.as_deref() {
            Some("PATCH") => *req.method_mut() = Method::PATCH,
            Some("PUT") => *req.method_mut() = Method::PUT,
            Some("DELETE") => *req.method_mut() = Method::DELETE,
            _ => {}
        }
    }
    req
}
