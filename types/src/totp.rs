use serde::{Deserialize, Serialize};

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
