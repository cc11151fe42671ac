//! What every route shares.

use std::{ops::Deref, sync::Arc};

use crate::{
    codes::CodeHasher, config::Settings, db::Db, delivery::Delivery, keys::SigningKeys,
    limits::RateLimits, passwords::Passwords,
};

#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

pub struct Shared {
    pub settings: Settings,
    pub db: Db,
    pub passwords: Passwords,
    pub codes: CodeHasher,
    /// Seals authenticator-app secrets at rest.
    pub secrets: crate::secret_box::SecretBox,
    pub signing: SigningKeys,
    pub delivery: Delivery,
    pub limits: RateLimits,
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
