//! A user's `unsafe_metadata`: a JSON object of at most 8 KB, set whole at sign-up
//! and changed afterwards by JSON merge patch (RFC 7396), which is what clerk-js's
//! `user.updateMetadata` sends (and `user.update({ unsafeMetadata })`, as the diff
//! from what it last saw).

use serde_json::Value;

use crate::error::{ApiError, ApiResult};

const PARAM: &str = "unsafe_metadata";

/// Clerk's limit on a user's metadata: 8 KB of JSON.
pub const MAX_BYTES: usize = 8 * 1024;

/// Refuses metadata over the limit, with the error sign-up and the patch share.
pub fn check_size(bytes: usize) -> ApiResult<()> {
    if bytes > MAX_BYTES {
        return Err(ApiError::param_format_invalid(
            PARAM,
            format!("{PARAM} must be at most {MAX_BYTES} bytes of JSON."),
        ));
    }
    Ok(())
}

/// The JSON object `raw` holds; anything else (bad JSON, an array, a string) is
/// refused: metadata is always an object.
pub fn parse_object(raw: &str) -> ApiResult<Value> {
    match serde_json::from_str(raw) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(ApiError::param_format_invalid(
            PARAM,
            format!("{PARAM} must be a JSON object."),
        )),
    }
}

/// The stored metadata (as JSON text) after `patch`, ready to store, if it still
/// fits the limit. Stored text that is not an object counts as `{}`, as the user's
/// JSON shows it.
pub fn apply(stored: &str, patch: &Value) -> ApiResult<String> {
    let mut target: Value = serde_json::from_str(stored).unwrap_or(Value::Null);
    merge_patch(&mut target, patch);
    if !target.is_object() {
        // Only a non-object patch gets here, which `parse_object` refuses first.
        target = Value::Object(Default::default());
    }
    let json = target.to_string();
    check_size(json.len())?;
    Ok(json)
}

/// RFC 7396: objects merge key by key, to any depth; a `null` removes its key;
/// anything else (arrays included) replaces what was there.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    let Value::Object(target) = target else {
        unreachable!("made an object above")
    };
    for (key, value) in patch {
        if value.is_null() {
            target.remove(key);
        } else {
            merge_patch(target.entry(key.as_str()).or_insert(Value::Null), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn merged(target: Value, patch: Value) -> Value {
        let mut target = target;
        merge_patch(&mut target, &patch);
        target
    }

    #[test]
    fn objects_merge_to_any_depth() {
        assert_eq!(
            merged(
                json!({ "a": 1, "prefs": { "theme": "dark", "lang": "en" } }),
                json!({ "b": 2, "prefs": { "lang": "fr", "font": { "size": 12 } } }),
            ),
            json!({ "a": 1, "b": 2,
                    "prefs": { "theme": "dark", "lang": "fr", "font": { "size": 12 } } })
        );
    }

    #[test]
    fn null_removes_a_key_at_any_depth() {
        assert_eq!(
            merged(
                json!({ "a": 1, "prefs": { "theme": "dark", "lang": "en" } }),
                json!({ "a": null, "prefs": { "theme": null }, "missing": null }),
            ),
            json!({ "prefs": { "lang": "en" } })
        );
    }

    #[test]
    fn other_values_replace_whole() {
        assert_eq!(
            merged(
                json!({ "tags": [1, 2], "n": { "x": 1 }, "s": "old" }),
                json!({ "tags": [3], "n": 5, "s": { "now": "object", "gone": null } }),
            ),
            // Arrays are values, not merged; nulls inside a new object are dropped.
            json!({ "tags": [3], "n": 5, "s": { "now": "object" } })
        );
    }

    /// The examples of RFC 7396, appendix A, that have an object patch.
    #[test]
    fn rfc_7396_examples() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (target, patch, want) in cases {
            assert_eq!(
                merged(target.clone(), patch.clone()),
                want,
                "{target} + {patch}"
            );
        }
    }

    #[test]
    fn only_objects_are_metadata() {
        assert!(parse_object(r#"{"a":1}"#).is_ok());
        for bad in ["", "{", "[]", "null", "\"text\"", "42"] {
            let e = parse_object(bad).unwrap_err();
            assert_eq!(e.code, "form_param_format_invalid", "{bad:?}");
            assert_eq!(e.meta.param_name.as_deref(), Some("unsafe_metadata"));
        }
    }

    #[test]
    fn the_result_must_fit_8_kb() {
        let stored = json!({ "note": "x".repeat(MAX_BYTES - 100) }).to_string();
        let grown = apply(&stored, &json!({ "more": "y".repeat(200) }));
        let e = grown.unwrap_err();
        assert_eq!(e.code, "form_param_format_invalid");
        assert_eq!(e.meta.param_name.as_deref(), Some("unsafe_metadata"));
        // A patch that shrinks it back is fine, however large it was.
        let shrunk = apply(&stored, &json!({ "note": null, "small": 1 })).unwrap();
        assert_eq!(shrunk, r#"{"small":1}"#);
    }

    #[test]
    fn unreadable_stored_metadata_counts_as_empty() {
        assert_eq!(apply("not json", &json!({ "a": 1 })).unwrap(), r#"{"a":1}"#);
        assert_eq!(apply("[1]", &json!({ "a": 1 })).unwrap(), r#"{"a":1}"#);
    }
}
