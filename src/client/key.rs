//! Where the Frontend API is: from a Clerk publishable key or a full URL.

use base64::{engine::general_purpose::STANDARD_NO_PAD, Engine};

use crate::ClerkError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceType {
    Development,
    Production,
}

/// A resolved Frontend API location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontendApi {
    /// `https://clerk.example.com`, no trailing slash.
    pub base_url: String,
    pub instance: InstanceType,
    /// Clerk's hosted development domains use the dev browser token.
    pub uses_dev_browser: bool,
}

/// Clerk's development and staging FAPI domains (clerk-js `DEV_OR_STAGING_SUFFIXES`).
const DEV_SUFFIXES: &[&str] = &[
    ".lcl.dev",
    ".stg.dev",
    ".lclstage.dev",
    ".stgstage.dev",
    ".dev.lclclerk.com",
    ".stg.lclclerk.com",
    ".accounts.lclclerk.com",
    "accountsstage.dev",
    "accounts.dev",
];

impl FrontendApi {
    /// Parses `pk_test_…` / `pk_live_…`: base64 of `<host>$`.
    ///
    /// ```
    /// use yew_clerk::client::{FrontendApi, InstanceType};
    /// let api = FrontendApi::from_publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5hY2NvdW50cy5kZXYk").unwrap();
    /// assert_eq!(api.base_url, "https://clerk.example.accounts.dev");
    /// assert_eq!(api.instance, InstanceType::Development);
    /// assert!(api.uses_dev_browser);
    /// ```
    pub fn from_publishable_key(key: &str) -> Result<FrontendApi, ClerkError> {
        let invalid = || ClerkError::Config(format!("{key:?} is not a Clerk publishable key"));
        let (instance, encoded) = if let Some(rest) = key.strip_prefix("pk_live_") {
            (InstanceType::Production, rest)
        } else if let Some(rest) = key.strip_prefix("pk_test_") {
            (InstanceType::Development, rest)
        } else {
            return Err(invalid());
        };
        let bytes = STANDARD_NO_PAD
            .decode(encoded.trim_end_matches('='))
            .map_err(|_| invalid())?;
        let decoded = String::from_utf8(bytes).map_err(|_| invalid())?;
        let host = decoded.strip_suffix('$').ok_or_else(invalid)?;
        if host.is_empty() || host.contains('/') || host.contains(char::is_whitespace) {
            return Err(invalid());
        }
        Ok(FrontendApi {
            base_url: format!("https://{host}"),
            instance,
            uses_dev_browser: DEV_SUFFIXES.iter().any(|s| host.ends_with(s)),
        })
    }

    /// A full URL: your own `fapi-server`, or a proxy in front of Clerk.
    ///
    /// ```
    /// use yew_clerk::client::FrontendApi;
    /// let api = FrontendApi::from_url("http://localhost:3000/", false).unwrap();
    /// assert_eq!(api.base_url, "http://localhost:3000");
    /// ```
    pub fn from_url(url: &str, dev_browser: bool) -> Result<FrontendApi, ClerkError> {
        let trimmed = url.trim().trim_end_matches('/');
        let ok = (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
            && trimmed.len() > "https://".len();
        if !ok && !trimmed.starts_with('/') && !trimmed.is_empty() {
            return Err(ClerkError::Config(format!(
                "{url:?} is not an http(s) URL or a path"
            )));
        }
        Ok(FrontendApi {
            base_url: trimmed.to_owned(),
            instance: if dev_browser {
                InstanceType::Development
            } else {
                InstanceType::Production
            },
            uses_dev_browser: dev_browser,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(prefix: &str, host: &str) -> String {
        use base64::engine::general_purpose::STANDARD;
        format!("{prefix}{}", STANDARD.encode(format!("{host}$")))
    }

    #[test]
    fn live_keys_are_production_with_cookies() {
        let api = FrontendApi::from_publishable_key(&key("pk_live_", "clerk.acme.com")).unwrap();
        assert_eq!(api.base_url, "https://clerk.acme.com");
        assert_eq!(api.instance, InstanceType::Production);
        assert!(!api.uses_dev_browser);
    }

    #[test]
    fn padding_is_accepted_with_or_without() {
        // "ab.dev$" is 7 bytes, so its base64 ends in "=".
        let padded = key("pk_test_", "ab.dev");
        assert!(padded.ends_with('='));
        let api = FrontendApi::from_publishable_key(&padded).unwrap();
        assert_eq!(api.base_url, "https://ab.dev");
        let stripped = padded.trim_end_matches('=').to_owned();
        assert_eq!(FrontendApi::from_publishable_key(&stripped).unwrap(), api);
    }

    #[test]
    fn malformed_keys_are_refused() {
        for bad in [
            "sk_test_abc",
            "pk_test_",
            "pk_test_!!!",
            &key("pk_test_", "no-dollar").replace("JA", "JB"),
            &format!(
                "pk_test_{}",
                base64::engine::general_purpose::STANDARD.encode("host-without-dollar")
            ),
        ] {
            assert!(FrontendApi::from_publishable_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_and_paths_are_accepted() {
        assert_eq!(
            FrontendApi::from_url("https://api.example.com/", false)
                .unwrap()
                .base_url,
            "https://api.example.com"
        );
        assert_eq!(
            FrontendApi::from_url("", false).unwrap().base_url,
            "",
            "same origin"
        );
        assert!(FrontendApi::from_url("ftp://x", false).is_err());
    }
}
