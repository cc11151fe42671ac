//! Session tokens: cached until 15 s before they expire, and one request however
//! many callers ask at the same time.

use std::cell::{Cell, RefCell};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use futures::{
    future::{LocalBoxFuture, Shared},
    FutureExt,
};

use crate::ClerkError;

/// Refresh this long before a token expires.
pub const REFRESH_MARGIN_MS: f64 = 15_000.0;

type Minting = Shared<LocalBoxFuture<'static, Result<String, ClerkError>>>;

/// Per session (a client has a handful): plain lists, no hash map in the bundle.
#[derive(Default)]
pub(super) struct Tokens {
    cached: RefCell<Vec<(String, String, f64)>>,
    minting: RefCell<Vec<(String, u64, Minting)>>,
    /// Moves on at each [`Tokens::clear`]: a mint started before it (its token tells
    /// the session as it was, e.g. before a reverification) is not kept.
    generation: Cell<u64>,
}

impl Tokens {
    pub fn fresh(&self, session_id: &str, now_ms: f64) -> Option<String> {
        self.cached
            .borrow()
            .iter()
            .find(|(sid, _, exp)| sid == session_id && *exp - REFRESH_MARGIN_MS > now_ms)
            .map(|(_, jwt, _)| jwt.clone())
    }

    /// The current generation, to hand back to [`Tokens::store`].
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    /// Keeps `jwt` unless the tokens were cleared since its mint started
    /// (`generation`); whether it was kept.
    pub fn store(&self, generation: u64, session_id: &str, jwt: &str) -> bool {
        if generation != self.generation.get() {
            return false;
        }
        let exp = jwt_expiry(jwt).map_or(0.0, |s| s as f64 * 1000.0);
        let mut cached = self.cached.borrow_mut();
        cached.retain(|(sid, _, _)| sid != session_id);
        cached.push((session_id.to_owned(), jwt.to_owned(), exp));
        true
    }

    /// Forgets every token, and the mints under way: the next caller mints anew.
    pub fn clear(&self) {
        self.cached.borrow_mut().clear();
        self.minting.borrow_mut().clear();
        self.generation.set(self.generation.get() + 1);
    }

    /// The request already under way for this session, or the one `start` makes.
    pub fn minting(
        &self,
        session_id: &str,
        start: impl FnOnce() -> LocalBoxFuture<'static, Result<String, ClerkError>>,
    ) -> Minting {
        let mut minting = self.minting.borrow_mut();
        let generation = self.generation.get();
        if let Some((_, _, m)) = minting.iter().find(|(sid, _, _)| sid == session_id) {
            return m.clone();
        }
        let m = start().shared();
        minting.push((session_id.to_owned(), generation, m.clone()));
        m
    }

    /// The mint of this session started in `generation` is over.
    pub fn done_minting(&self, session_id: &str, generation: u64) {
        self.minting
            .borrow_mut()
            .retain(|(sid, g, _)| sid != session_id || *g != generation);
    }
}

/// The `exp` claim (unix seconds) of a JWT, read without verifying it.
///
/// ```
/// // {"alg":"none"} . {"exp":1700000000} . (no signature)
/// let jwt = "eyJhbGciOiJub25lIn0.eyJleHAiOjE3MDAwMDAwMDB9.";
/// assert_eq!(yew_clerk::jwt_expiry(jwt), Some(1_700_000_000));
/// ```
pub fn jwt_expiry(jwt: &str) -> Option<i64> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims = fapi_types::decode::parse(std::str::from_utf8(&bytes).ok()?).ok()?;
    claims.get("exp")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt_expiring_at(exp: i64) -> String {
        let claims = URL_SAFE_NO_PAD.encode(format!("{{\"exp\":{exp}}}"));
        format!("e30.{claims}.sig")
    }

    #[test]
    fn a_token_minted_before_a_clear_is_not_kept() {
        let t = Tokens::default();
        let before = t.generation();
        t.clear();
        assert!(!t.store(before, "sess_1", &jwt_expiring_at(1000)));
        assert!(t.fresh("sess_1", 0.0).is_none());
        assert!(t.store(t.generation(), "sess_1", &jwt_expiring_at(1000)));
        assert!(t.fresh("sess_1", 0.0).is_some());
    }

    #[test]
    fn cached_tokens_are_fresh_until_the_margin() {
        let t = Tokens::default();
        t.store(t.generation(), "sess_1", &jwt_expiring_at(1000));
        assert!(t.fresh("sess_1", 984_000.0).is_some());
        assert!(
            t.fresh("sess_1", 985_000.0).is_none(),
            "15 s before exp it is renewed"
        );
        assert!(t.fresh("sess_2", 0.0).is_none());
        t.clear();
        assert!(t.fresh("sess_1", 0.0).is_none());
    }

    #[test]
    fn garbage_has_no_expiry() {
        assert_eq!(jwt_expiry("not a jwt"), None);
        assert_eq!(jwt_expiry("a.b.c"), None);
    }
}
