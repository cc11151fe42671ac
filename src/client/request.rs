//! Methods and bodies.

use serde::Serialize;

/// The method a request means; the wire carries only GET or POST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    /// What `?_method=` says for methods sent as POST.
    pub fn override_param(self) -> Option<&'static str> {
        match self {
            Method::Get | Method::Post => None,
            Method::Patch => Some("PATCH"),
            Method::Put => Some("PUT"),
            Method::Delete => Some("DELETE"),
        }
    }
}

/// Form-encodes params (`application/x-www-form-urlencoded`), as FAPI expects.
///
/// ```
/// use yew_clerk::client::form_body;
/// use yew_clerk::types::{params::AttemptSecondFactor, Strategy};
/// let body = form_body(&AttemptSecondFactor { strategy: Strategy::PhoneCode, code: Some("123456".into()), remember_device: None, public_key_credential: None });
/// assert_eq!(body, "strategy=phone_code&code=123456");
/// ```
pub fn form_body<T: Serialize>(params: &T) -> String {
    serde_urlencoded::to_string(params).unwrap_or_default()
}
