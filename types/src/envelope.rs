use serde::{Deserialize, Serialize};

use crate::Client;

/// Clerk's "client piggybacking" envelope: the resource plus the whole, current client.
///
/// ```
/// let e: fapi_types::Envelope<Option<fapi_types::Client>> =
///     serde_json::from_str(r#"{"response":null,"client":null}"#).unwrap();
/// assert!(e.response.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub response: T,
    #[serde(default)]
    pub client: Option<Client>,
}
