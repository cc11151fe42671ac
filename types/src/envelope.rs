use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};
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

impl<T: FromJson> FromJson for Envelope<T> {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "Envelope")?;
        from_fields!(
            f,
            Envelope {
                response: req("response"),
                client: req("client"),
            }
        )
    }
}
