//! fapi-server's integration tests, one topic per file, in one test binary: one
//! link and one copy on disk instead of one per file (each would carry the whole
//! server, about 80 MB unoptimised).
//!
//! `cargo test -p fapi-server --test server passkeys::` runs one topic.

mod common;

mod abuse;
mod account_recovery;
mod backend_api;
mod backup_codes;
mod client_trust;
mod compat;
mod dashboard;
mod dashboard_developers;
mod delete_account;
mod delivery;
mod email_quotas;
mod email_second_factor;
mod ended_sessions;
mod enumeration;
mod errors;
mod forwarded;
mod hosted_pages;
mod instances;
mod journey;
mod jwt_templates;
mod lockout;
mod metadata;
mod mfa_required;
mod notices;
mod one_phone;
mod passkeys;
mod passwords;
mod prune;
mod races;
mod remember_device;
mod reset_password;
mod restart;
mod reverification;
mod sign_up_target;
mod signing_keys;
mod sms_pumping;
mod social;
mod startup;
mod static_files;
mod target_failures;
mod token_mints;
mod totp;
mod unknown_paths;
mod webhooks;
mod wire_decoders;

/// Files in `tests/` are not test targets by themselves (`autotests = false`): one
/// left out of the list above would never run.
#[test]
fn every_topic_file_is_a_module_here() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let hub = std::fs::read_to_string(dir.join("server.rs")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(topic) = name.strip_suffix(".rs").filter(|t| *t != "server") {
            assert!(
                hub.contains(&format!("\nmod {topic};\n")),
                "tests/{name} is not declared in tests/server.rs"
            );
        }
    }
}
