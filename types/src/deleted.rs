use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};

/// What a DELETE answers: `{object, id, deleted: true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletedObject {
    pub object: String,
    #[serde(default)]
    pub id: Option<String>,
    pub deleted: bool,
}

impl FromJson for DeletedObject {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "DeletedObject")?;
        from_fields!(
            f,
            DeletedObject {
                object: req("object"),
                id: req("id"),
                deleted: req("deleted"),
            }
        )
    }
}
