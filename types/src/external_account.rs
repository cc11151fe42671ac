use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decode::{from_fields, DecodeError, Fields, FromJson};
use crate::{Millis, Verification};

/// A provider's account connected to the user (`user.external_accounts`), and what
/// connecting one answers: then its `verification` is `unverified`, with the
/// provider's `external_verification_redirect_url`.
///
/// ```
/// use fapi_types::ExternalAccount;
/// let json = r#"{"object":"external_account","id":"eac_1","provider":"oauth_google",
///   "identification_id":"idn_1","provider_user_id":"1234","approved_scopes":"email openid profile",
///   "email_address":"ada@gmail.com","first_name":"Ada","last_name":"Lovelace","image_url":"",
///   "username":null,"phone_number":null,"public_metadata":{},"label":null,
///   "verification":{"object":"verification_oauth","status":"verified","strategy":"oauth_google"}}"#;
/// let account: ExternalAccount = serde_json::from_str(json).unwrap();
/// assert_eq!(account.provider, "oauth_google");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalAccount {
    pub object: String,
    pub id: String,
    /// The strategy it signs in with: `oauth_google`.
    pub provider: String,
    #[serde(default)]
    pub identification_id: String,
    #[serde(default)]
    pub provider_user_id: String,
    #[serde(default)]
    pub approved_scopes: String,
    #[serde(default)]
    pub email_address: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub image_url: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub public_metadata: Value,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub verification: Option<Verification>,
    #[serde(default)]
    pub created_at: Option<Millis>,
    #[serde(default)]
    pub updated_at: Option<Millis>,
}

impl FromJson for ExternalAccount {
    #[inline(never)]
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut f = Fields::new(value, "ExternalAccount")?;
        from_fields!(
            f,
            ExternalAccount {
                object: req("object"),
                id: req("id"),
                provider: req("provider"),
                identification_id: def("identification_id"),
                provider_user_id: def("provider_user_id"),
                approved_scopes: def("approved_scopes"),
                email_address: def("email_address"),
                first_name: def("first_name"),
                last_name: def("last_name"),
                image_url: def("image_url"),
                username: def("username"),
                phone_number: def("phone_number"),
                public_metadata: def("public_metadata"),
                label: def("label"),
                verification: def("verification"),
                created_at: def("created_at"),
                updated_at: def("updated_at"),
            }
        )
    }
}
