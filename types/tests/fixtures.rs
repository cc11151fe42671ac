//! The types read JSON shaped like Clerk's (extra fields and all) and write it back
//! without losing what they model.

use fapi_types::*;
use serde::{de::DeserializeOwned, Serialize};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(json: &str) -> T {
    let first: T = serde_json::from_str(json).expect("fixture parses");
    let again: T = serde_json::from_str(&serde_json::to_string(&first).unwrap()).unwrap();
    assert_eq!(first, again, "serialising loses nothing the type models");
    first
}

#[test]
fn environment_reports_second_factors_and_password_policy() {
    let env: Environment = round_trip(include_str!("fixtures/environment.json"));
    assert_eq!(env.user_settings.second_factors(), ["phone_code"]);
    assert_eq!(env.user_settings.password_settings.min_length, 8);
    assert!(env.auth_config.single_session_mode);
    assert_eq!(
        env.display_config.sign_in_url,
        "http://localhost:8080/sign-in"
    );
    let lockout = env.user_settings.attack_protection.unwrap().user_lockout;
    assert_eq!(
        (lockout.max_attempts, lockout.duration_in_minutes),
        (10, 60)
    );
}

#[test]
fn sign_in_envelope_reads_every_second_factor() {
    let env: Envelope<SignIn> =
        round_trip(include_str!("fixtures/sign_in_needs_second_factor.json"));
    let si = env.response;
    assert_eq!(si.status, SignInStatus::NeedsSecondFactor);
    let second = si.supported_second_factors.unwrap();
    assert_eq!(second[0].strategy, Strategy::PhoneCode);
    assert_eq!(second[0].phone_number_id.as_deref(), Some("idn_2"));
    assert_eq!(second[1].strategy, Strategy::Passkey);
    let ff = si.first_factor_verification.unwrap();
    assert_eq!(ff.status, VerificationStatus::Verified);
    assert_eq!(env.client.unwrap().id, "client_1");
}

#[test]
fn error_envelope_carries_param_name() {
    let e: ErrorEnvelope = round_trip(include_str!("fixtures/error_code_incorrect.json"));
    assert_eq!(e.errors[0].code, "form_code_incorrect");
    assert_eq!(e.errors[0].long_message, "Incorrect code");
    assert_eq!(e.errors[0].meta.param_name.as_deref(), Some("code"));
}

#[test]
fn user_reports_two_factor_phone() {
    let u: User = round_trip(include_str!("fixtures/user.json"));
    assert!(u.two_factor_enabled);
    assert!(u.phone_numbers[0].reserved_for_second_factor);
    assert_eq!(
        u.primary_email_address().unwrap().email_address,
        "jane@example.com"
    );
}

#[test]
fn unknown_statuses_do_not_break_parsing() {
    let s: SignInStatus = serde_json::from_str(r#""needs_something_new""#).unwrap();
    assert_eq!(s, SignInStatus::Unknown);
    let n: NextAction = serde_json::from_str(r#""""#).unwrap();
    assert_eq!(n, NextAction::None);
}

#[test]
fn params_leave_out_absent_fields() {
    let p = params::PrepareSecondFactor {
        strategy: Strategy::PhoneCode,
        phone_number_id: None,
        email_address_id: None,
    };
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"strategy":"phone_code"}"#
    );
}
