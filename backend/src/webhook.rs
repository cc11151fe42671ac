//! Webhooks from Clerk or fapi-server, signed as Svix signs them: `svix-id`,
//! `svix-timestamp` (unix seconds) and `svix-signature` (`v1,` and the base64
//! HMAC-SHA256 of `{id}.{timestamp}.{body}` under the endpoint's `whsec_` secret).
//! A message is taken only with a right signature and a timestamp within 5 minutes,
//! so a captured one cannot be replayed later.
//!
//! ```
//! use yew_clerk_backend::webhook::{Webhook, WebhookError};
//! let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let body = br#"{"test": 2432232314}"#;
//! let headers = [
//!     ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
//!     ("svix-timestamp", "1614265330"),
//!     ("svix-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
//! ];
//! // Svix's published example, checked at the time it was signed.
//! webhook.verify_at(headers, body, 1614265330).unwrap();
//! // Ten minutes later, the same message is a replay.
//! assert!(matches!(webhook.verify_at(headers, body, 1614265930), Err(WebhookError::Timestamp)));
//! ```

use base64::{engine::general_purpose::STANDARD, Engine};
use fapi_types::backend;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How far a message's timestamp may be from now, either way (Svix's and Clerk's).
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

/// An endpoint's signing secret, ready to check messages.
#[derive(Clone)]
pub struct Webhook {
    key: Vec<u8>,
}

/// Why a message was not taken.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookError {
    #[error("the signing secret is not whsec_ and base64")]
    Secret,
    #[error("the {0} header is missing")]
    MissingHeader(&'static str),
    #[error("the svix-timestamp header is not a number")]
    BadTimestamp,
    /// Older or newer than [`TOLERANCE_SECONDS`]: a replay, or a clock far off.
    #[error("the message's timestamp is too far from now")]
    Timestamp,
    #[error("no signature of the message matches")]
    Signature,
    #[error("the message is not a JSON event: {0}")]
    Payload(String),
}

impl Webhook {
    /// `secret`: the endpoint's `whsec_…` secret (the prefix may be left off).
    pub fn new(secret: &str) -> Result<Webhook, WebhookError> {
        let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
        let key = STANDARD.decode(encoded).map_err(|_| WebhookError::Secret)?;
        if key.is_empty() {
            return Err(WebhookError::Secret);
        }
        Ok(Webhook { key })
    }

    /// Checks a message against the clock now; the body as it came, byte for byte.
    pub fn verify<'a>(
        &self,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: &[u8],
    ) -> Result<(), WebhookError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.verify_at(headers, body, now)
    }

    /// [`Webhook::verify`] at `now` (unix seconds).
    pub fn verify_at<'a>(
        &self,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: &[u8],
        now: i64,
    ) -> Result<(), WebhookError> {
        let (mut id, mut timestamp, mut signatures) = (None, None, None);
        for (name, value) in headers {
            match name.to_ascii_lowercase().as_str() {
                "svix-id" => id = Some(value.trim()),
                "svix-timestamp" => timestamp = Some(value.trim()),
                "svix-signature" => signatures = Some(value.trim()),
                _ => {}
            }
        }
        let id = id.ok_or(WebhookError::MissingHeader("svix-id"))?;
        let timestamp = timestamp.ok_or(WebhookError::MissingHeader("svix-timestamp"))?;
        let signatures = signatures.ok_or(WebhookError::MissingHeader("svix-signature"))?;
        let at: i64 = timestamp.parse().map_err(|_| WebhookError::BadTimestamp)?;
        if now.abs_diff(at) > TOLERANCE_SECONDS as u64 {
            return Err(WebhookError::Timestamp);
        }
        // Several signatures (`v1,AAA v1,BBB`) while a secret is rolled: one is enough.
        let matches = signatures
            .split(' ')
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .filter_map(|b64| STANDARD.decode(b64).ok())
            .any(|signature| {
                let mut mac = self.mac(id, timestamp);
                mac.update(body);
                mac.verify_slice(&signature).is_ok()
            });
        if matches {
            Ok(())
        } else {
            Err(WebhookError::Signature)
        }
    }

    /// Verifies a message and reads it as an event.
    pub fn event<'a>(
        &self,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
        body: &[u8],
    ) -> Result<Event, WebhookError> {
        self.verify(headers, body)?;
        serde_json::from_slice(body).map_err(|e| WebhookError::Payload(e.to_string()))
    }

    /// The headers that sign `body` as message `id` at `timestamp` (unix seconds):
    /// what a sender puts on its request.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> [(&'static str, String); 3] {
        let timestamp = timestamp.to_string();
        let mut mac = self.mac(id, &timestamp);
        mac.update(body);
        let signature = STANDARD.encode(mac.finalize().into_bytes());
        [
            ("svix-id", id.to_owned()),
            ("svix-timestamp", timestamp),
            ("svix-signature", format!("v1,{signature}")),
        ]
    }

    fn mac(&self, id: &str, timestamp: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac
    }
}

/// A Clerk event: `user.created`, `session.ended`, … with its resource in `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `user.created`, `user.updated`, `user.deleted`, `session.created`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub object: String,
    /// The resource: a user, a session (with its `user`), an email or an SMS.
    pub data: serde_json::Value,
    /// Unix milliseconds.
    pub timestamp: i64,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub event_attributes: Option<serde_json::Value>,
}

/// What an event is about, typed by its `type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Resource {
    /// `user.created`, `user.updated`.
    User(Box<backend::User>),
    /// `user.deleted`: the id (and external id) of the user that was.
    DeletedUser(backend::DeletedUser),
    /// `session.created`, `session.ended`, `session.removed`, `session.revoked`.
    Session(Box<backend::SessionEvent>),
    /// `email.created`.
    Email(Box<backend::Email>),
    /// `sms.created`.
    Sms(Box<backend::SmsMessage>),
    /// A type this crate does not know (organizations, billing, …): read `data`.
    Other,
}

impl Event {
    /// `data` as the type its event `type` names. A known type whose `data` does not
    /// have the shape Clerk documents gives `Err`; `data` is still there to read.
    ///
    /// ```
    /// use yew_clerk_backend::webhook::{Event, Resource};
    /// let event: Event = serde_json::from_str(r#"{"type": "user.deleted", "object": "event",
    ///     "data": {"object": "user", "id": "user_1", "deleted": true}, "timestamp": 1}"#).unwrap();
    /// match event.resource().unwrap() {
    ///     Resource::DeletedUser(gone) => assert_eq!(gone.id.as_deref(), Some("user_1")),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn resource(&self) -> Result<Resource, serde_json::Error> {
        let data = || self.data.clone();
        Ok(match self.kind.as_str() {
            "user.created" | "user.updated" => {
                Resource::User(Box::new(serde_json::from_value(data())?))
            }
            "user.deleted" => Resource::DeletedUser(serde_json::from_value(data())?),
            "session.created" | "session.ended" | "session.removed" | "session.revoked" => {
                Resource::Session(Box::new(serde_json::from_value(data())?))
            }
            "email.created" => Resource::Email(Box::new(serde_json::from_value(data())?)),
            "sms.created" => Resource::Sms(Box::new(serde_json::from_value(data())?)),
            _ => Resource::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const AT: i64 = 1614265330;

    fn headers(signature: &str) -> Vec<(&'static str, String)> {
        vec![
            ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek".into()),
            ("svix-timestamp", AT.to_string()),
            ("svix-signature", signature.into()),
        ]
    }

    fn check(
        webhook: &Webhook,
        headers: &[(&'static str, String)],
        body: &[u8],
        now: i64,
    ) -> Result<(), WebhookError> {
        webhook.verify_at(headers.iter().map(|(n, v)| (*n, v.as_str())), body, now)
    }

    #[test]
    fn svix_published_example_and_what_is_refused() {
        let webhook = Webhook::new(SECRET).unwrap();
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assert_eq!(check(&webhook, &headers(good), BODY, AT + 299), Ok(()));
        // One of several signatures matching is enough; another version is ignored.
        let several = format!("v2,{} v1,AAAA v1,{}", &good[3..], &good[3..]);
        assert_eq!(check(&webhook, &headers(&several), BODY, AT), Ok(()));
        assert_eq!(
            check(&webhook, &headers(good), br#"{"test": 2432232315}"#, AT),
            Err(WebhookError::Signature)
        );
        assert_eq!(
            check(&webhook, &headers(&format!("v2,{}", &good[3..])), BODY, AT),
            Err(WebhookError::Signature)
        );
        assert_eq!(
            check(&webhook, &headers(good), BODY, AT + 301),
            Err(WebhookError::Timestamp)
        );
        assert_eq!(
            check(&webhook, &headers(good), BODY, AT - 301),
            Err(WebhookError::Timestamp)
        );
        let other = Webhook::new("whsec_c2VjcmV0c2VjcmV0c2VjcmV0").unwrap();
        assert_eq!(
            check(&other, &headers(good), BODY, AT),
            Err(WebhookError::Signature)
        );
        let mut no_id = headers(good);
        no_id.remove(0);
        assert_eq!(
            check(&webhook, &no_id, BODY, AT),
            Err(WebhookError::MissingHeader("svix-id"))
        );
        assert!(matches!(
            Webhook::new("whsec_not*base64"),
            Err(WebhookError::Secret)
        ));
    }

    /// A user as real Clerk answered it (`/v1/me`), with the metadata the Backend API
    /// adds, as a `user.created` would carry it.
    #[test]
    fn a_real_clerk_user_comes_typed() {
        let mut user: serde_json::Value = serde_json::from_str(include_str!(
            "../../types/tests/clerk-json/fixtures/rec-me-two-phones.json"
        ))
        .unwrap();
        let user = user.get_mut("response").map(|r| r.take()).unwrap_or(user);
        let id = user["id"].as_str().unwrap().to_owned();
        let mut data = user.clone();
        data["private_metadata"] = serde_json::json!({"plan": "pro"});
        let event = Event {
            kind: "user.created".into(),
            object: "event".into(),
            data,
            timestamp: 1,
            instance_id: None,
            event_attributes: None,
        };
        match event.resource().unwrap() {
            Resource::User(u) => {
                assert_eq!(u.id, id);
                assert_eq!(u.private_metadata["plan"], "pro");
            }
            other => panic!("{other:?}"),
        }
        let session = Event {
            kind: "session.revoked".into(),
            data: serde_json::json!({"object": "session", "id": "sess_1", "client_id": "client_1",
                "user_id": id, "status": "revoked", "last_active_at": 1, "expire_at": 2,
                "abandon_at": 3, "created_at": 1, "updated_at": 2, "user": user}),
            ..event.clone()
        };
        match session.resource().unwrap() {
            Resource::Session(s) => {
                assert_eq!(s.session.id, "sess_1");
                assert_eq!(s.user.map(|u| u.id.clone()), Some(id));
            }
            other => panic!("{other:?}"),
        }
        let other = Event {
            kind: "organization.created".into(),
            ..event
        };
        assert_eq!(other.resource().unwrap(), Resource::Other);
    }

    /// A `user.created` as Clerk's documentation shows one: older fields
    /// (`profile_image_url`, `gender`), and none of `has_image`, `totp_enabled`,
    /// `backup_code_enabled` or the addresses' dates.
    #[test]
    fn a_documented_user_created_comes_typed() {
        let event: Event = serde_json::from_value(serde_json::json!({
            "type": "user.created", "object": "event", "timestamp": 1654012591835_i64,
            "instance_id": "ins_123",
            "data": {
                "object": "user", "id": "user_29w83sxmDNGwOuEthce5gg56FcC",
                "birthday": "", "gender": "", "external_id": "567772",
                "first_name": "Example", "last_name": "Example", "username": null,
                "image_url": "https://img.clerk.com/xxxxxx",
                "profile_image_url": "https://www.gravatar.com/avatar?d=mp",
                "email_addresses": [{
                    "object": "email_address", "id": "idn_29w83yL7CwVlJXylYLxcslromF1",
                    "email_address": "example@example.org", "linked_to": [],
                    "verification": {"status": "verified", "strategy": "ticket"}
                }],
                "phone_numbers": [], "web3_wallets": [], "external_accounts": [],
                "primary_email_address_id": "idn_29w83yL7CwVlJXylYLxcslromF1",
                "primary_phone_number_id": null, "primary_web3_wallet_id": null,
                "password_enabled": true, "two_factor_enabled": false,
                "private_metadata": {}, "public_metadata": {}, "unsafe_metadata": {},
                "last_sign_in_at": 1654012591514_i64,
                "created_at": 1654012591514_i64, "updated_at": 1654012591835_i64
            }
        }))
        .unwrap();
        let Resource::User(user) = event.resource().unwrap() else {
            panic!("a user")
        };
        assert_eq!(user.external_id.as_deref(), Some("567772"));
        assert_eq!(
            user.primary_email_address()
                .map(|e| e.email_address.as_str()),
            Some("example@example.org")
        );
    }

    #[test]
    fn what_it_signs_it_verifies() {
        let webhook = Webhook::new(SECRET).unwrap();
        let signed = webhook.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", AT, BODY);
        assert_eq!(
            signed[2].1,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let headers: Vec<(&str, &str)> = signed.iter().map(|(n, v)| (*n, v.as_str())).collect();
        assert_eq!(webhook.verify_at(headers, BODY, AT), Ok(()));
    }
}
