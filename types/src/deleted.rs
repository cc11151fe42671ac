use serde::{Deserialize, Serialize};

/// What a DELETE answers: `{object, id, deleted: true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeletedObject {
    pub object: String,
    #[serde(default)]
    pub id: Option<String>,
    pub deleted: bool,
}
