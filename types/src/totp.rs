use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};
use crate::Millis;

/// An authenticator app of the user (`object: "totp"`). `secret` and `uri` are
/// present only in the answer that creates it, to show once (QR code, or typed in).
///
/// ```
/// let json = r#"{"object":"totp","id":"totp_1","secret":"JBSWY3DPEHPK3PXP",
///   "uri":"otpauth://totp/Acme:ada%40example.com?secret=JBSWY3DPEHPK3PXP","verified":false,
///   "backup_codes":null,"created_at":0,"updated_at":0}"#;
/// let totp: fapi_types::Totp = serde_json::from_str(json).unwrap();
/// assert!(!totp.verified);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totp {
    pub object: String,
    pub id: String,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub uri: Option<String>,
    pub verified: bool,
    #[serde(default)]
    pub backup_codes: Option<Vec<String>>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl FromJson for Totp {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Totp")?;
        from_fields!(
            f,
            Totp {
                object: req("object"),
                id: req("id"),
                secret: req("secret"),
                uri: req("uri"),
                verified: req("verified"),
                backup_codes: req("backup_codes"),
                created_at: req("created_at"),
                updated_at: req("updated_at"),
            }
        )
    }
}
