//! What Sign in with Apple does its own way: the client secret is a short-lived
//! ES256 JWT the server signs with the developer's key, the answer comes back as a
//! cross-site form POST (`response_mode=form_post`), and the person's name comes
//! only there, once, beside the code (never in the ID token).

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};

use crate::{config::SocialProvider, ids::now_ms};

/// What is asked of Apple: the name and the email (no `profile` scope there).
pub const SCOPES: [&str; 2] = ["name", "email"];
/// How long a signed client secret is good for: one code exchange.
const SECRET_LIFETIME_SECONDS: i64 = 5 * 60;

#[derive(Serialize)]
struct SecretClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

/// The client secret for one exchange: `iss` the team, `sub` the Services ID, `aud`
/// Apple's issuer, signed ES256 with the key `key_id`.
pub fn client_secret(provider: &SocialProvider) -> Result<String, jsonwebtoken::errors::Error> {
    let key = EncodingKey::from_ec_pem(provider.private_key.as_deref().unwrap_or("").as_bytes())?;
    let mut header = Header::new(Algorithm::ES256);
    header.kid = provider.key_id.clone();
    let now = now_ms() / 1000;
    let claims = SecretClaims {
        iss: provider.team_id.as_deref().unwrap_or(""),
        sub: &provider.client_id,
        aud: provider.issuer(),
        iat: now,
        exp: now + SECRET_LIFETIME_SECONDS,
    };
    encode(&header, &claims, &key)
}

#[derive(Deserialize)]
struct User {
    #[serde(default)]
    name: Option<Name>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Name {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
}

/// The first and last name in the `user` field Apple posts on a first sign-in
/// (`{"name":{"firstName":…,"lastName":…},"email":…}`). Unsigned: good for a name
/// the person gives themselves, never for who they are.
pub fn names(user: &str) -> Option<(String, String)> {
    let name = serde_json::from_str::<User>(user).ok()?.name?;
    let clip = |s: &str| s.trim().chars().take(64).collect::<String>();
    Some((clip(&name.first_name), clip(&name.last_name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_apple_posts_is_read_and_anything_else_ignored() {
        let posted = r#"{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"a@privaterelay.appleid.com"}"#;
        assert_eq!(names(posted), Some(("Ada".into(), "Lovelace".into())));
        assert_eq!(names(r#"{"email":"a@b.c"}"#), None);
        assert_eq!(names("not json"), None);
    }
}
