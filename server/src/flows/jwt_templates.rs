//! JWT templates: a token for a third-party service with the claims it expects,
//! filled from the user with Clerk's shortcodes (`{{user.id}}`,
//! `{{user.primary_email_address}}`, `{{user.public_metadata.plan}}`, …).

use serde_json::{Map, Value};

use crate::{config::JwtTemplate, store::users::UserRow};

/// The user's fields a shortcode may name (`user.<field>`, and paths into the
/// metadata objects).
const USER_FIELDS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "full_name",
    "username",
    "primary_email_address",
    "primary_phone_number",
    "email_verified",
    "phone_number_verified",
    "image_url",
    "has_image",
    "two_factor_enabled",
    "public_metadata",
    "unsafe_metadata",
    "created_at",
    "updated_at",
];

/// `Err(shortcode)` for the first shortcode in `claims` no user has.
pub fn check_shortcodes(claims: &Value) -> Result<(), String> {
    let mut unknown = None;
    visit_strings(claims, &mut |s| {
        for code in shortcodes(s) {
            let known = code
                .strip_prefix("user.")
                .map(|rest| rest.split('.').next().unwrap_or(""))
                .is_some_and(|field| {
                    USER_FIELDS.contains(&field)
                        && (!code[5..].contains('.') || field.ends_with("_metadata"))
                });
            if !known && unknown.is_none() {
                unknown = Some(format!("{{{{{code}}}}}"));
            }
        }
    });
    unknown.map_or(Ok(()), Err)
}

/// What the shortcodes name for this user.
pub struct UserData {
    pub row: UserRow,
    pub primary_email: Option<(String, bool)>,
    pub primary_phone: Option<(String, bool)>,
    pub image_url: String,
    pub two_factor_enabled: bool,
}

/// The template's claims filled in for `user`, Clerk's default claims added.
pub fn claims(
    template: &JwtTemplate,
    user: &UserData,
    issuer: &str,
    azp: Option<&str>,
    now_s: i64,
    jti: String,
) -> Value {
    let context = context(user);
    let mut claims = match fill(&Value::Object(template.claims.clone()), &context) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    claims.insert("sub".into(), Value::from(user.row.id.clone()));
    claims.insert("iss".into(), Value::from(issuer));
    if let Some(azp) = azp {
        claims.insert("azp".into(), Value::from(azp));
    }
    claims.insert("iat".into(), Value::from(now_s));
    claims.insert("nbf".into(), Value::from(now_s - 5));
    claims.insert(
        "exp".into(),
        Value::from(now_s + template.lifetime_seconds as i64),
    );
    claims.insert("jti".into(), Value::from(jti));
    Value::Object(claims)
}

fn context(user: &UserData) -> Value {
    let row = &user.row;
    let parse = |json: &str| serde_json::from_str(json).unwrap_or(Value::Object(Map::new()));
    let full_name = [row.first_name.as_deref(), row.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    serde_json::json!({
        "user": {
            "id": row.id,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "full_name": (!full_name.is_empty()).then_some(full_name),
            "username": row.username,
            "primary_email_address": user.primary_email.as_ref().map(|(e, _)| e),
            "primary_phone_number": user.primary_phone.as_ref().map(|(p, _)| p),
            "email_verified": user.primary_email.as_ref().is_some_and(|(_, v)| *v),
            "phone_number_verified": user.primary_phone.as_ref().is_some_and(|(_, v)| *v),
            "image_url": user.image_url,
            "has_image": false,
            "two_factor_enabled": user.two_factor_enabled,
            "public_metadata": parse(&row.public_metadata),
            "unsafe_metadata": parse(&row.unsafe_metadata),
            "created_at": row.created_at / 1000,
            "updated_at": row.updated_at / 1000,
        }
    })
}

/// `value` with its shortcodes replaced: a string that is exactly one shortcode
/// becomes that value (an object, a number, `null`); in other strings each
/// shortcode becomes its text (`""` for nothing).
fn fill(value: &Value, context: &Value) -> Value {
    match value {
        Value::String(s) => {
            let codes = shortcodes(s);
            let trimmed = s.trim();
            if codes.len() == 1 && trimmed == format!("{{{{{}}}}}", codes[0]) {
                return lookup(context, codes[0]);
            }
            let mut out = s.clone();
            for code in codes {
                let text = match lookup(context, code) {
                    Value::Null => String::new(),
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                out = out.replace(&format!("{{{{{code}}}}}"), &text);
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, context)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, context)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn lookup(context: &Value, path: &str) -> Value {
    path.split('.')
        .try_fold(context, |v, key| v.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The shortcodes in `s`, without their braces and spaces.
fn shortcodes(s: &str) -> Vec<&str> {
    let mut codes = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        codes.push(rest[start + 2..start + 2 + len].trim());
        rest = &rest[start + 2 + len + 2..];
    }
    codes
}

fn visit_strings(value: &Value, f: &mut impl FnMut(&str)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|v| visit_strings(v, f)),
        Value::Object(map) => map.values().for_each(|v| visit_strings(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shortcodes_are_checked_and_filled() {
        assert!(
            check_shortcodes(&json!({"email": "{{user.primary_email_address}}",
            "plan": "{{ user.public_metadata.plan }}", "x": ["a {{user.id}} b"]}))
            .is_ok()
        );
        assert_eq!(
            check_shortcodes(&json!({"a": "{{user.password}}"})),
            Err("{{user.password}}".into())
        );
        assert_eq!(
            check_shortcodes(&json!({"a": "{{session.id}}"})),
            Err("{{session.id}}".into())
        );
        assert_eq!(
            check_shortcodes(&json!({"a": "{{user.id.x}}"})),
            Err("{{user.id.x}}".into())
        );
        let context = json!({"user": {"id": "user_1", "public_metadata": {"plan": "pro", "seats": 3},
            "first_name": null}});
        let filled = fill(
            &json!({"meta": "{{user.public_metadata}}", "seats": "{{user.public_metadata.seats}}",
                "who": "id={{user.id}} name={{user.first_name}}", "missing": "{{user.public_metadata.nope}}",
                "fixed": 7, "list": ["{{user.id}}"]}),
            &context,
        );
        assert_eq!(
            filled,
            json!({"meta": {"plan": "pro", "seats": 3}, "seats": 3, "who": "id=user_1 name=",
                "missing": null, "fixed": 7, "list": ["user_1"]})
        );
    }
}
