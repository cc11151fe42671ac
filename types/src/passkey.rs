use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};
use crate::{Millis, Verification};

/// A passkey of the user (`user.passkeys`), and what adding one answers: then its
/// `verification` carries the creation options in `nonce`.
///
/// ```
/// use fapi_types::Passkey;
/// let json = r#"{"object":"passkey","id":"pk_1","name":"Laptop","last_used_at":null,
///   "verification":{"object":"verification_passkey","status":"verified","strategy":"passkey"},
///   "created_at":1,"updated_at":2}"#;
/// let passkey: Passkey = serde_json::from_str(json).unwrap();
/// assert_eq!(passkey.name.as_deref(), Some("Laptop"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passkey {
    pub object: String,
    pub id: String,
    pub name: Option<String>,
    #[serde(default)]
    pub last_used_at: Option<Millis>,
    #[serde(default)]
    pub verification: Option<Verification>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl FromJson for Passkey {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Passkey")?;
        from_fields!(
            f,
            Passkey {
                object: req("object"),
                id: req("id"),
                name: req("name"),
                last_used_at: req("last_used_at"),
                verification: req("verification"),
                created_at: req("created_at"),
                updated_at: req("updated_at"),
            }
        )
    }
}
