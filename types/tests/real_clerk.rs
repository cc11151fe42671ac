//! What real Clerk sends, not only what fapi-server sends: every fixture of
//! `tests/clerk-json/` that its manifest marks `gate: true` decodes into the type the
//! manifest names, with serde and with the browser's `FromJson`, the two agree, and the
//! values the library reads (ids, statuses, identifiers, factors, sessions) come through
//! as the raw JSON has them. `tests/clerk-json/README.md` says where the files come from.

use std::fmt::{Debug, Display};

use fapi_types::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clerk-json");

/// Decodes `text` with serde and with `FromJson`; both must succeed and agree.
fn both<T: FromJson + DeserializeOwned + Serialize + PartialEq>(
    file: &str,
    text: &str,
) -> Result<T, String> {
    let by_serde = serde_json::from_str::<T>(text).map_err(|e| format!("{file}: serde: {e}"));
    let by_us = decode::<T>(text).map_err(|e| format!("{file}: FromJson: {e}"));
    match (by_serde, by_us) {
        (Ok(a), Ok(b)) if a == b => Ok(b),
        (Ok(a), Ok(b)) => {
            let a = serde_json::to_value(a).unwrap_or_default();
            let b = serde_json::to_value(b).unwrap_or_default();
            let at = first_difference(&a, &b, "$".into());
            Err(format!("{file}: the decoders disagree at {at}"))
        }
        (Err(a), Err(b)) => Err(format!("{a}\n{b}")),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
    }
}

/// Where two decoded values part, with both sides as the type writes them.
fn first_difference(serde: &Value, ours: &Value, at: String) -> String {
    match (serde, ours) {
        (Value::Object(a), Value::Object(b)) => {
            if let Some(k) = a.keys().chain(b.keys()).find(|k| a.get(*k) != b.get(*k)) {
                return first_difference(&serde[k], &ours[k], format!("{at}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) {
                return first_difference(&a[i], &b[i], format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
    format!("{at}: serde {serde}, FromJson {ours}")
}

/// The browser never reads a JWKS (servers verify tokens), so `Jwks` has no `FromJson`.
fn serde_only<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, String> {
    serde_json::from_str::<T>(text).map_err(|e| format!("{file}: serde: {e}"))
}

/// Compares decoded values with the raw JSON's and keeps every mismatch, each naming
/// the file and the path (`$.response.status`).
struct Check {
    file: String,
    failures: Vec<String>,
}

impl Check {
    fn eq<T: PartialEq + Debug>(&mut self, what: impl Display, decoded: T, json: T) {
        if decoded != json {
            let file = &self.file;
            let failure = format!("{file}: {what}: decoded {decoded:?}, the JSON has {json:?}");
            self.failures.push(failure);
        }
    }

    /// A string field; absent or null is `None`.
    fn str(&mut self, at: &str, key: &str, decoded: Option<&str>, raw: &Value) {
        self.eq(format_args!("{at}.{key}"), decoded, raw[key].as_str());
    }

    fn bool(&mut self, at: &str, key: &str, decoded: bool, raw: &Value) {
        self.eq(
            format_args!("{at}.{key}"),
            Some(decoded),
            raw[key].as_bool(),
        );
    }

    fn int(&mut self, at: &str, key: &str, decoded: Option<i64>, raw: &Value) {
        self.eq(format_args!("{at}.{key}"), decoded, raw[key].as_i64());
    }

    /// An enum by the name the type writes: one the decoder did not know reads `unknown`.
    fn name<T: Serialize>(&mut self, at: &str, key: &str, decoded: &T, raw: &Value) {
        let name = serde_json::to_value(decoded).unwrap_or_default();
        self.eq(format_args!("{at}.{key}"), name.as_str(), raw[key].as_str());
    }

    /// A list of strings; absent is empty (as `#[serde(default)]` reads it).
    fn strs(&mut self, at: &str, key: &str, decoded: &[String], raw: &Value) {
        let json: Vec<&str> = raw[key].as_array().map_or(Vec::new(), |items| {
            items
                .iter()
                .map(|x| x.as_str().unwrap_or("<not a string>"))
                .collect()
        });
        let decoded: Vec<&str> = decoded.iter().map(String::as_str).collect();
        self.eq(format_args!("{at}.{key}"), decoded, json);
    }

    /// An optional object: present in both, or in neither. Both present: its path, value
    /// and JSON, to check further.
    fn opt<'a, T>(
        &mut self,
        at: &str,
        key: &str,
        decoded: Option<&'a T>,
        raw: &'a Value,
    ) -> Option<(String, &'a T, &'a Value)> {
        let json = &raw[key];
        let present = !json.is_null();
        self.eq(
            format_args!("{at}.{key} is present"),
            decoded.is_some(),
            present,
        );
        Some((format!("{at}.{key}"), decoded?, json)).filter(|_| present)
    }

    /// The items of the list at `at`, each with its path and JSON, once the counts agree.
    fn items<'a, T>(
        &mut self,
        at: String,
        decoded: &'a [T],
        json: &'a Value,
    ) -> impl Iterator<Item = (String, &'a T, &'a Value)> + 'a {
        let json = json.as_array().map_or(&[][..], Vec::as_slice);
        self.eq(format_args!("{at}.len()"), decoded.len(), json.len());
        let items = decoded.iter().zip(json).enumerate();
        items.map(move |(i, (d, r))| (format!("{at}[{i}]"), d, r))
    }
}

/// Decodes one fixture as the type its manifest entry names and checks its values.
fn check(c: &mut Check, ty: &str, text: &str, raw: &Value) -> Result<(), String> {
    let file = c.file.clone();
    let file = file.as_str();
    let (at, response) = ("$.response", &raw["response"]);
    // The client an envelope carries (none for a bare resource), checked last.
    let client = match ty {
        "Environment" => {
            environment(c, &both(file, text)?, raw);
            None
        }
        "ErrorEnvelope" => {
            errors(c, &both(file, text)?, raw);
            None
        }
        "Jwks" => {
            jwks(c, &serde_only(file, text)?, raw);
            None
        }
        "Vec<SessionWithActivity>" => {
            let list: Vec<SessionWithActivity> = both(file, text)?;
            for (at, s, r) in c.items("$".into(), &list, raw) {
                session(c, &at, &s.session, r);
                if let Some((at, a, r)) =
                    c.opt(&at, "latest_activity", s.latest_activity.as_ref(), r)
                {
                    activity(c, &at, a, r);
                }
            }
            None
        }
        "Envelope<Option<Client>>" => {
            let e: Envelope<Option<Client>> = both(file, text)?;
            if let Some((at, cl, r)) = c.opt("$", "response", e.response.as_ref(), raw) {
                self::client(c, &at, cl, r);
            }
            e.client
        }
        "Envelope<SignIn>" => {
            let e: Envelope<SignIn> = both(file, text)?;
            sign_in(c, at, &e.response, response);
            e.client
        }
        "Envelope<SignUp>" => {
            let e: Envelope<SignUp> = both(file, text)?;
            sign_up(c, at, &e.response, response);
            e.client
        }
        "Envelope<User>" => {
            let e: Envelope<User> = both(file, text)?;
            user(c, at, &e.response, response);
            e.client
        }
        "Envelope<EmailAddress>" => {
            let e: Envelope<EmailAddress> = both(file, text)?;
            email_address(c, at, &e.response, response);
            e.client
        }
        "Envelope<PhoneNumber>" => {
            let e: Envelope<PhoneNumber> = both(file, text)?;
            phone_number(c, at, &e.response, response);
            e.client
        }
        "Envelope<DeletedObject>" => {
            let e: Envelope<DeletedObject> = both(file, text)?;
            c.str(at, "object", Some(&e.response.object), response);
            c.str(at, "id", e.response.id.as_deref(), response);
            c.bool(at, "deleted", e.response.deleted, response);
            e.client
        }
        "Envelope<Totp>" => {
            let e: Envelope<Totp> = both(file, text)?;
            let t = &e.response;
            c.str(at, "id", Some(&t.id), response);
            c.str(at, "secret", t.secret.as_deref(), response);
            c.str(at, "uri", t.uri.as_deref(), response);
            c.bool(at, "verified", t.verified, response);
            c.strs(
                at,
                "backup_codes",
                t.backup_codes.as_deref().unwrap_or_default(),
                response,
            );
            e.client
        }
        "Envelope<BackupCodes>" => {
            let e: Envelope<BackupCodes> = both(file, text)?;
            c.str(at, "id", Some(&e.response.id), response);
            c.strs(at, "codes", &e.response.codes, response);
            e.client
        }
        "Envelope<SessionVerification>" => {
            let e: Envelope<SessionVerification> = both(file, text)?;
            let v = &e.response;
            c.str(at, "id", Some(&v.id), response);
            c.str(at, "level", Some(v.level.as_str()), response);
            c.name(at, "status", &v.status, response);
            let first = v.supported_first_factors.as_ref();
            factors(c, at, "supported_first_factors", first, response);
            let second = v.supported_second_factors.as_ref();
            factors(c, at, "supported_second_factors", second, response);
            let first = v.first_factor_verification.as_ref();
            if let Some((at, v, r)) = c.opt(at, "first_factor_verification", first, response) {
                verification(c, &at, v, r);
            }
            let second = v.second_factor_verification.as_ref();
            if let Some((at, v, r)) = c.opt(at, "second_factor_verification", second, response) {
                verification(c, &at, v, r);
            }
            session(
                c,
                &format!("{at}.session"),
                &v.session,
                &response["session"],
            );
            e.client
        }
        other => {
            let hint = "add an arm to tests/real_clerk.rs";
            return Err(format!("{file}: no decoder for type `{other}`; {hint}"));
        }
    };
    if let Some((at, cl, r)) = c.opt("$", "client", client.as_ref(), raw) {
        self::client(c, &at, cl, r);
    }
    Ok(())
}

fn client(c: &mut Check, at: &str, client: &Client, raw: &Value) {
    c.str(at, "id", Some(&client.id), raw);
    let last = client.last_active_session_id.as_deref();
    c.str(at, "last_active_session_id", last, raw);
    for (at, s, r) in c.items(format!("{at}.sessions"), &client.sessions, &raw["sessions"]) {
        session(c, &at, s, r);
    }
    let signed_in = raw["sessions"].as_array().into_iter().flatten().find(|s| {
        s["id"] == raw["last_active_session_id"]
            && matches!(s["status"].as_str(), Some("active" | "pending"))
    });
    c.eq(
        format_args!("{at}.last_active_session()"),
        client.last_active_session().map(|s| s.id.as_str()),
        signed_in.and_then(|s| s["id"].as_str()),
    );
    if let Some((at, si, r)) = c.opt(at, "sign_in", client.sign_in.as_ref(), raw) {
        sign_in(c, &at, si, r);
    }
    if let Some((at, su, r)) = c.opt(at, "sign_up", client.sign_up.as_ref(), raw) {
        sign_up(c, &at, su, r);
    }
}

fn session(c: &mut Check, at: &str, s: &Session, raw: &Value) {
    c.str(at, "id", Some(&s.id), raw);
    c.name(at, "status", &s.status, raw);
    if let Some((at, u, r)) = c.opt(at, "user", s.user.as_ref(), raw) {
        user(c, &at, u, r);
    }
    // Read through what the type writes, so this compiles whatever shape the field has.
    let public = serde_json::to_value(&s.public_user_data).unwrap_or_default();
    let raw_public = &raw["public_user_data"];
    let public_at = format!("{at}.public_user_data");
    let present = (public.is_object(), raw_public.is_object());
    c.eq(format_args!("{public_at} is present"), present.0, present.1);
    for key in [
        "identifier",
        "first_name",
        "last_name",
        "username",
        "user_id",
        "image_url",
    ] {
        c.str(&public_at, key, public[key].as_str(), raw_public);
    }
    if let Some((at, tasks, r)) = c.opt(at, "tasks", s.tasks.as_ref(), raw) {
        for (at, t, r) in c.items(at, tasks, r) {
            c.str(&at, "key", Some(&t.key), r);
        }
    }
    if let Some((at, t, r)) = c.opt(at, "last_active_token", s.last_active_token.as_ref(), raw) {
        c.str(&at, "jwt", Some(&t.jwt), r);
    }
}

fn activity(c: &mut Check, at: &str, a: &LatestActivity, raw: &Value) {
    c.str(at, "id", Some(&a.id), raw);
    c.bool(at, "is_mobile", a.is_mobile, raw);
    c.str(at, "device_type", a.device_type.as_deref(), raw);
    c.str(at, "browser_name", a.browser_name.as_deref(), raw);
    c.str(at, "browser_version", a.browser_version.as_deref(), raw);
    c.str(at, "ip_address", a.ip_address.as_deref(), raw);
    c.str(at, "city", a.city.as_deref(), raw);
    c.str(at, "country", a.country.as_deref(), raw);
}

fn sign_in(c: &mut Check, at: &str, si: &SignIn, raw: &Value) {
    c.str(at, "object", Some(&si.object), raw);
    c.str(at, "id", Some(&si.id), raw);
    c.name(at, "status", &si.status, raw);
    c.str(at, "identifier", si.identifier.as_deref(), raw);
    c.strs(at, "supported_identifiers", &si.supported_identifiers, raw);
    let first = si.supported_first_factors.as_ref();
    factors(c, at, "supported_first_factors", first, raw);
    let second = si.supported_second_factors.as_ref();
    factors(c, at, "supported_second_factors", second, raw);
    let first = si.first_factor_verification.as_ref();
    if let Some((at, v, r)) = c.opt(at, "first_factor_verification", first, raw) {
        verification(c, &at, v, r);
    }
    let second = si.second_factor_verification.as_ref();
    if let Some((at, v, r)) = c.opt(at, "second_factor_verification", second, raw) {
        verification(c, &at, v, r);
    }
    if let Some((at, d, r)) = c.opt(at, "user_data", si.user_data.as_ref(), raw) {
        c.str(&at, "first_name", d.first_name.as_deref(), r);
        c.str(&at, "last_name", d.last_name.as_deref(), r);
        c.str(&at, "image_url", Some(&d.image_url), r);
        c.bool(&at, "has_image", d.has_image, r);
    }
    c.str(
        at,
        "created_session_id",
        si.created_session_id.as_deref(),
        raw,
    );
    c.str(
        at,
        "client_trust_state",
        si.client_trust_state.as_deref(),
        raw,
    );
}

/// A list of factors: each one's strategy, display form, target and default flag.
fn factors(c: &mut Check, at: &str, key: &str, decoded: Option<&Vec<SignInFactor>>, raw: &Value) {
    let Some((at, list, r)) = c.opt(at, key, decoded, raw) else {
        return;
    };
    for (at, f, r) in c.items(at, list, r) {
        c.str(&at, "strategy", Some(f.strategy.as_str()), r);
        c.str(&at, "safe_identifier", f.safe_identifier.as_deref(), r);
        c.str(&at, "email_address_id", f.email_address_id.as_deref(), r);
        c.str(&at, "phone_number_id", f.phone_number_id.as_deref(), r);
        c.eq(
            format_args!("{at}.primary"),
            f.primary,
            r["primary"].as_bool(),
        );
        c.eq(
            format_args!("{at}.default"),
            f.default,
            r["default"].as_bool(),
        );
    }
}

fn verification(c: &mut Check, at: &str, v: &Verification, raw: &Value) {
    c.str(at, "object", v.object.as_deref(), raw);
    c.name(at, "status", &v.status, raw);
    c.str(at, "strategy", Some(v.strategy.as_str()), raw);
    c.int(at, "attempts", v.attempts.map(i64::from), raw);
    c.int(at, "expire_at", v.expire_at, raw);
    c.str(at, "channel", v.channel.as_deref(), raw);
    if let Some((at, e, r)) = c.opt(at, "error", v.error.as_ref(), raw) {
        c.str(&at, "code", Some(&e.code), r);
    }
}

fn sign_up(c: &mut Check, at: &str, su: &SignUp, raw: &Value) {
    c.str(at, "object", Some(&su.object), raw);
    c.str(at, "id", Some(&su.id), raw);
    c.name(at, "status", &su.status, raw);
    c.strs(at, "required_fields", &su.required_fields, raw);
    c.strs(at, "optional_fields", &su.optional_fields, raw);
    c.strs(at, "missing_fields", &su.missing_fields, raw);
    c.strs(at, "unverified_fields", &su.unverified_fields, raw);
    c.str(at, "email_address", su.email_address.as_deref(), raw);
    c.str(at, "phone_number", su.phone_number.as_deref(), raw);
    c.str(at, "username", su.username.as_deref(), raw);
    c.str(at, "first_name", su.first_name.as_deref(), raw);
    c.str(at, "last_name", su.last_name.as_deref(), raw);
    c.bool(at, "password_enabled", su.password_enabled, raw);
    c.str(
        at,
        "created_session_id",
        su.created_session_id.as_deref(),
        raw,
    );
    c.str(at, "created_user_id", su.created_user_id.as_deref(), raw);
    let vs = &su.verifications;
    let (at, raw) = (format!("{at}.verifications"), &raw["verifications"]);
    for (key, decoded) in [
        ("email_address", &vs.email_address),
        ("phone_number", &vs.phone_number),
        ("web3_wallet", &vs.web3_wallet),
        ("external_account", &vs.external_account),
    ] {
        let Some((at, v, r)) = c.opt(&at, key, decoded.as_ref(), raw) else {
            continue;
        };
        verification(c, &at, &v.verification, r);
        // Absent, `next_action` is "" and the strategies none, as clerk-js reads them.
        let json = r["next_action"].as_str().unwrap_or("");
        let name = serde_json::to_value(v.next_action).unwrap_or_default();
        c.eq(format_args!("{at}.next_action"), name.as_str(), Some(json));
        c.strs(&at, "supported_strategies", &v.supported_strategies, r);
    }
}

fn user(c: &mut Check, at: &str, u: &User, raw: &Value) {
    c.str(at, "id", Some(&u.id), raw);
    c.str(at, "username", u.username.as_deref(), raw);
    c.str(at, "first_name", u.first_name.as_deref(), raw);
    c.str(at, "last_name", u.last_name.as_deref(), raw);
    c.str(at, "image_url", Some(&u.image_url), raw);
    let primary_email = u.primary_email_address_id.as_deref();
    c.str(at, "primary_email_address_id", primary_email, raw);
    let primary_phone = u.primary_phone_number_id.as_deref();
    c.str(at, "primary_phone_number_id", primary_phone, raw);
    c.bool(at, "password_enabled", u.password_enabled, raw);
    c.bool(at, "two_factor_enabled", u.two_factor_enabled, raw);
    c.bool(at, "totp_enabled", u.totp_enabled, raw);
    c.bool(at, "backup_code_enabled", u.backup_code_enabled, raw);
    c.int(at, "mfa_enabled_at", u.mfa_enabled_at, raw);
    let primary = raw["email_addresses"].as_array().into_iter().flatten();
    let primary = primary
        .filter(|e| e["id"] == raw["primary_email_address_id"])
        .find_map(|e| e["email_address"].as_str());
    let decoded = u.primary_email_address().map(|e| e.email_address.as_str());
    c.eq(
        format_args!("{at}.primary_email_address()"),
        decoded,
        primary,
    );
    let emails = &raw["email_addresses"];
    for (at, e, r) in c.items(format!("{at}.email_addresses"), &u.email_addresses, emails) {
        email_address(c, &at, e, r);
    }
    let phones = &raw["phone_numbers"];
    for (at, p, r) in c.items(format!("{at}.phone_numbers"), &u.phone_numbers, phones) {
        phone_number(c, &at, p, r);
    }
    let keys = &raw["passkeys"];
    for (at, p, r) in c.items(format!("{at}.passkeys"), &u.passkeys, keys) {
        c.str(&at, "id", Some(&p.id), r);
        c.str(&at, "name", p.name.as_deref(), r);
        if let Some((at, v, r)) = c.opt(&at, "verification", p.verification.as_ref(), r) {
            verification(c, &at, v, r);
        }
    }
    let accounts = &raw["external_accounts"];
    for (at, a, r) in c.items(
        format!("{at}.external_accounts"),
        &u.external_accounts,
        accounts,
    ) {
        c.str(&at, "id", Some(&a.id), r);
        c.str(&at, "provider", Some(&a.provider), r);
        c.str(&at, "provider_user_id", Some(&a.provider_user_id), r);
        c.str(&at, "email_address", Some(&a.email_address), r);
        c.str(&at, "approved_scopes", Some(&a.approved_scopes), r);
        if let Some((at, v, r)) = c.opt(&at, "verification", a.verification.as_ref(), r) {
            verification(c, &at, v, r);
        }
    }
    // Kept as raw JSON by the type: whole and in order.
    let json = raw["web3_wallets"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    c.eq(
        format_args!("{at}.web3_wallets"),
        u.web3_wallets.as_slice(),
        json,
    );
}

fn email_address(c: &mut Check, at: &str, e: &EmailAddress, raw: &Value) {
    c.str(at, "id", Some(&e.id), raw);
    c.str(at, "email_address", Some(&e.email_address), raw);
    if let Some((at, v, r)) = c.opt(at, "verification", e.verification.as_ref(), raw) {
        verification(c, &at, v, r);
    }
    for (at, l, r) in c.items(format!("{at}.linked_to"), &e.linked_to, &raw["linked_to"]) {
        c.str(&at, "type", Some(&l.kind), r);
        c.str(&at, "id", Some(&l.id), r);
    }
}

fn phone_number(c: &mut Check, at: &str, p: &PhoneNumber, raw: &Value) {
    c.str(at, "id", Some(&p.id), raw);
    c.str(at, "phone_number", Some(&p.phone_number), raw);
    c.bool(
        at,
        "reserved_for_second_factor",
        p.reserved_for_second_factor,
        raw,
    );
    c.bool(at, "default_second_factor", p.default_second_factor, raw);
    if let Some((at, v, r)) = c.opt(at, "verification", p.verification.as_ref(), raw) {
        verification(c, &at, v, r);
    }
}

fn environment(c: &mut Check, env: &Environment, raw: &Value) {
    let (at, r) = ("$.auth_config", &raw["auth_config"]);
    c.bool(
        at,
        "single_session_mode",
        env.auth_config.single_session_mode,
        r,
    );
    let (at, r, d) = (
        "$.display_config",
        &raw["display_config"],
        &env.display_config,
    );
    c.str(at, "application_name", Some(&d.application_name), r);
    c.str(at, "sign_in_url", Some(&d.sign_in_url), r);
    c.str(at, "sign_up_url", Some(&d.sign_up_url), r);
    c.str(at, "home_url", Some(&d.home_url), r);
    let (at, r, s) = ("$.user_settings", &raw["user_settings"], &env.user_settings);
    let min = Some(i64::from(s.password_settings.min_length));
    c.int(
        &format!("{at}.password_settings"),
        "min_length",
        min,
        &r["password_settings"],
    );
    c.str(
        &format!("{at}.sign_up"),
        "mode",
        Some(&s.sign_up.mode),
        &r["sign_up"],
    );
    let second = s.sign_in.second_factor.required;
    c.bool(
        &format!("{at}.sign_in.second_factor"),
        "required",
        second,
        &r["sign_in"]["second_factor"],
    );
    let attributes = r["attributes"].as_object();
    // As sets: a JSON object's key order is the build's (serde_json's
    // `preserve_order`, which a dev-dependency may turn on), never Clerk's meaning.
    let keys: Vec<&str> = s.attributes.keys().map(String::as_str).collect();
    let json: Option<Vec<&str>> = attributes.map(|a| {
        let mut keys: Vec<&str> = a.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    });
    c.eq(format_args!("{at}.attributes"), Some(keys), json);
    let mut second_factors: Vec<String> = Vec::new();
    for (key, a) in attributes.into_iter().flatten() {
        let at = format!("{at}.attributes.{key}");
        let Some(d) = s.attributes.get(key) else {
            continue;
        };
        c.bool(&at, "enabled", d.enabled, a);
        c.bool(&at, "used_for_second_factor", d.used_for_second_factor, a);
        c.strs(&at, "first_factors", &d.first_factors, a);
        c.strs(&at, "second_factors", &d.second_factors, a);
        if a["enabled"] == true && a["used_for_second_factor"] == true {
            for f in a["second_factors"].as_array().into_iter().flatten() {
                let f = f.as_str().unwrap_or_default().to_owned();
                if !second_factors.contains(&f) {
                    second_factors.push(f);
                }
            }
        }
    }
    let mut decoded = s.second_factors();
    decoded.sort_unstable();
    second_factors.sort_unstable();
    c.eq(
        format_args!("{at}.second_factors()"),
        decoded,
        second_factors,
    );
}

fn errors(c: &mut Check, e: &ErrorEnvelope, raw: &Value) {
    for (at, err, r) in c.items("$.errors".into(), &e.errors, &raw["errors"]) {
        c.str(&at, "code", Some(&err.code), r);
        c.str(&at, "message", Some(&err.message), r);
        // Absent, the long message is "" (`#[serde(default)]`).
        let long = r["long_message"].as_str().unwrap_or("");
        c.eq(
            format_args!("{at}.long_message"),
            err.long_message.as_str(),
            long,
        );
        let param = err.meta.param_name.as_deref();
        c.str(&format!("{at}.meta"), "param_name", param, &r["meta"]);
    }
    c.str("$", "clerk_trace_id", e.clerk_trace_id.as_deref(), raw);
}

fn jwks(c: &mut Check, jwks: &Jwks, raw: &Value) {
    for (at, k, r) in c.items("$.keys".into(), &jwks.keys, &raw["keys"]) {
        c.str(&at, "kty", Some(&k.kty), r);
        c.str(&at, "kid", Some(&k.kid), r);
        c.str(&at, "use", k.use_.as_deref(), r);
        c.str(&at, "alg", k.alg.as_deref(), r);
        c.str(&at, "n", k.n.as_deref(), r);
        c.str(&at, "e", k.e.as_deref(), r);
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn real_clerk_answers_decode_both_ways_with_their_values() {
    let manifest: Value = serde_json::from_str(&read("manifest.json")).expect("manifest.json");
    let entries = manifest.as_array().expect("manifest.json is a list");
    let mut failures = Vec::new();
    let mut gated = Vec::new();
    for entry in entries {
        let file = entry["file"]
            .as_str()
            .expect("every manifest entry names its file");
        match entry["gate"].as_bool() {
            Some(true) => gated.push(file),
            Some(false) => continue,
            None => {
                failures.push(format!("{file}: `gate` is neither true nor false"));
                continue;
            }
        }
        let text = read(&format!("fixtures/{file}"));
        let raw: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"));
        let ty = entry["type"].as_str().unwrap_or("<no type>");
        let mut c = Check {
            file: file.to_owned(),
            failures: Vec::new(),
        };
        if let Err(e) = check(&mut c, ty, &text, &raw) {
            c.failures.push(e);
        }
        failures.append(&mut c.failures);
    }
    // A fixture copied in without its manifest entry would otherwise go unchecked.
    for dirent in std::fs::read_dir(format!("{DIR}/fixtures")).expect("fixtures/") {
        let name = dirent.unwrap().file_name().to_string_lossy().into_owned();
        if !gated.contains(&name.as_str()) {
            failures.push(format!(
                "{name}: in fixtures/ but not a gate entry of manifest.json"
            ));
        }
    }
    assert!(!gated.is_empty(), "manifest.json has no gate entries");
    assert!(
        failures.is_empty(),
        "{} problem(s) in {} real Clerk fixtures:\n{}",
        failures.len(),
        gated.len(),
        failures.join("\n")
    );
}

#[test]
fn a_type_name_the_test_does_not_know_fails() {
    let mut c = Check {
        file: "new.json".into(),
        failures: Vec::new(),
    };
    let err = check(&mut c, "Envelope<Organization>", "{}", &Value::Null).unwrap_err();
    assert!(
        err.contains("new.json") && err.contains("Envelope<Organization>"),
        "{err}"
    );
}

/// Sign-in with a provider, as real Clerk answers it: the environment's `social`
/// entry (what fapi-server now writes for `[[social]]`), and a sign-in whose
/// provider proved someone with no account (`transferable`, with Clerk's error).
#[test]
fn provider_sign_in_reads_as_real_clerk_writes_it() {
    let read = |name: &str| {
        let text = std::fs::read_to_string(format!("{DIR}/fixtures/{name}")).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        v.get("response").cloned().unwrap_or(v).to_string()
    };
    let env: Environment = both(
        "test-environment-clerk-js.json",
        &read("test-environment-clerk-js.json"),
    )
    .unwrap();
    let google = &env.user_settings.social["oauth_google"];
    assert!(google.enabled && google.authenticatable);
    assert_eq!(google.strategy, "oauth_google");
    assert_eq!(google.name, "Google");

    let si: SignIn = both(
        "spec-sign-in-oauth-transferable.json",
        &read("spec-sign-in-oauth-transferable.json"),
    )
    .unwrap();
    let ff = si.first_factor_verification.unwrap();
    assert_eq!(ff.status, VerificationStatus::Transferable);
    assert_eq!(ff.error.unwrap().code, "external_account_not_found");
    assert_eq!(ff.external_verification_redirect_url, None);
}
