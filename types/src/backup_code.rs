use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};
use crate::Millis;

/// A fresh set of backup codes (`object: "backup_code"`), shown this once.
///
/// ```
/// let json = r#"{"object":"backup_code","id":"bc_1","codes":["a1b2c3d4"],"created_at":0,"updated_at":0}"#;
/// let set: fapi_types::BackupCodes = serde_json::from_str(json).unwrap();
/// assert_eq!(set.codes.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupCodes {
    pub object: String,
    pub id: String,
    pub codes: Vec<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl FromJson for BackupCodes {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "BackupCodes")?;
        from_fields!(
            f,
            BackupCodes {
                object: req("object"),
                id: req("id"),
                codes: req("codes"),
                created_at: req("created_at"),
                updated_at: req("updated_at"),
            }
        )
    }
}
