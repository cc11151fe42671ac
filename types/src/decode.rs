//! Decoding the wire types from one parsed [`serde_json::Value`], for the browser.
//!
//! serde's derived `Deserialize` stamps out a visitor, a field matcher and a map loop
//! for every type and every deserializer; in a wasm bundle that was the largest single
//! cost of the sign-in page. [`FromJson`] reads an already parsed `Value` instead: one
//! JSON parser for the whole bundle and a few bytes per field. It follows serde's
//! rules for the same types (unknown fields ignored, a missing `Option` is `None`, a
//! missing `#[serde(default)]` field is its default, anything else missing is an
//! error), and `tests/decode.rs` decodes every fixture both ways and compares.
//!
//! The server and other users of this crate keep serde; yew-clerk uses this.
//!
//! ```
//! use fapi_types::{decode, Envelope, SignIn, SignInStatus};
//! let json = r#"{"response":{"object":"sign_in_attempt","id":"sia_1","status":"needs_second_factor",
//!   "new_clerk_field":{"x":1}},"client":null}"#;
//! let env: Envelope<SignIn> = decode(json).unwrap();
//! assert_eq!(env.response.status, SignInStatus::NeedsSecondFactor);
//! ```

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Why a value did not decode: where, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(String);

impl DecodeError {
    #[cold]
    #[inline(never)]
    pub(crate) fn expected(what: &str) -> DecodeError {
        DecodeError(format!("expected {what}"))
    }

    #[cold]
    #[inline(never)]
    fn at(self, ty: &str, key: &str) -> DecodeError {
        DecodeError(format!("{ty}.{key}: {}", self.0))
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

/// A type that can be read from a parsed JSON value, as its serde derive would.
pub trait FromJson: Sized {
    fn from_json(value: Value) -> Result<Self, DecodeError>;

    /// The value of an absent field: an error, except for `Option` (as in serde).
    fn missing() -> Result<Self, DecodeError> {
        Err(DecodeError::expected("a value (field missing)"))
    }
}

/// Parses `text` once and decodes it as `T`.
pub fn decode<T: FromJson>(text: &str) -> Result<T, DecodeError> {
    T::from_json(parse(text)?)
}

/// The one JSON parser: text to [`Value`].
pub fn parse(text: &str) -> Result<Value, DecodeError> {
    serde_json::from_str(text).map_err(|e| DecodeError(e.to_string()))
}

/// The fields of a JSON object, taken out one by one by name.
///
/// A field that fails is recorded here, not returned through `?`: with an early
/// return per field the compiler writes out the clean-up of every field decoded so far
/// at every field, which was most of the decoder's size. The `from_fields!` macro decodes all
/// fields, then builds the struct or reports the first error.
pub struct Fields {
    map: Map<String, Value>,
    ty: &'static str,
    error: Option<DecodeError>,
}

impl Fields {
    /// The object `value` is, or an error naming `ty`.
    pub fn new(value: Value, ty: &'static str) -> Result<Fields, DecodeError> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                ty,
                error: None,
            }),
            _ => Err(DecodeError::expected("an object").at(ty, "")),
        }
    }

    /// A field; absent, only an `Option` decodes (to `None`).
    pub fn req<T: FromJson>(&mut self, key: &str) -> Result<T, Recorded> {
        let decoded = match self.map.remove(key) {
            Some(v) => T::from_json(v),
            None => T::missing(),
        };
        decoded.map_err(|e| self.fail(key, e))
    }

    /// A `#[serde(default)]` field: absent, its default.
    pub fn def<T: FromJson + Default>(&mut self, key: &str) -> Result<T, Recorded> {
        match self.map.remove(key) {
            Some(v) => T::from_json(v).map_err(|e| self.fail(key, e)),
            None => Ok(T::default()),
        }
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, key: &str, e: DecodeError) -> Recorded {
        if self.error.is_none() {
            self.error = Some(e.at(self.ty, key));
        }
        Recorded
    }

    /// The first field that failed.
    #[cold]
    pub fn error(&mut self) -> DecodeError {
        self.error
            .take()
            .unwrap_or_else(|| DecodeError::expected("valid fields"))
    }

    /// What is left, for a `#[serde(flatten)]` field.
    pub fn rest(self) -> Value {
        Value::Object(self.map)
    }
}

/// A field failed; its error is kept in [`Fields`] (see [`Fields::error`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded;

/// Builds `$ty` from the fields of `$f`, each `name: req("key")` or `name: def("key")`,
/// or returns the first field's error (see [`Fields`]).
macro_rules! from_fields {
    ($f:ident, $ty:ident { $($field:ident: $how:ident($key:literal)),* $(,)? }) => {{
        $(let $field = $f.$how($key);)*
        match ($($field,)*) {
            ($(Ok($field),)*) => Ok($ty { $($field),* }),
            #[allow(unreachable_patterns)]
            _ => Err($f.error()),
        }
    }};
}
pub(crate) use from_fields;

impl FromJson for Value {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::String(s) => Ok(s),
            _ => Err(DecodeError::expected("a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        value
            .as_bool()
            .ok_or_else(|| DecodeError::expected("a boolean"))
    }
}

impl FromJson for i64 {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        value
            .as_i64()
            .ok_or_else(|| DecodeError::expected("an integer"))
    }
}

impl FromJson for u32 {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| DecodeError::expected("an unsigned 32-bit integer"))
    }
}

impl FromJson for u8 {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        value
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(|| DecodeError::expected("an unsigned 8-bit integer"))
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }

    fn missing() -> Result<Self, DecodeError> {
        Ok(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Array(items) => items.into_iter().map(T::from_json).collect(),
            _ => Err(DecodeError::expected("an array")),
        }
    }
}

impl FromJson for [i64; 2] {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let items: Vec<i64> = Vec::from_json(value)?;
        items
            .try_into()
            .map_err(|_| DecodeError::expected("two integers"))
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            // Inserted one by one: `collect` into a BTreeMap sorts, and a sort is kilobytes.
            Value::Object(map) => {
                let mut out = BTreeMap::new();
                for (k, v) in map {
                    out.insert(k, T::from_json(v)?);
                }
                Ok(out)
            }
            _ => Err(DecodeError::expected("an object")),
        }
    }
}

/// `FromJson` for a unit enum read from its `snake_case` name, with an `Unknown` for
/// names added later (serde's `#[serde(other)]`).
macro_rules! from_json_enum {
    ($ty:ident { $($name:literal => $variant:ident,)* _ => $other:ident $(,)? }) => {
        impl $crate::decode::FromJson for $ty {
            fn from_json(value: ::serde_json::Value) -> Result<Self, $crate::decode::DecodeError> {
                let name = String::from_json(value)?;
                Ok(match name.as_str() {
                    $($name => $ty::$variant,)*
                    _ => $ty::$other,
                })
            }
        }
    };
}
pub(crate) use from_json_enum;
