//! The database rows and the SQL that reads and writes them, one module per table.
//! Every change that must not race is a single conditional `UPDATE`.

pub mod account_recoveries;
pub mod admin_audit;
pub mod admin_sessions;
pub mod backup_codes;
pub mod clients;
pub mod external_accounts;
pub mod identifications;
pub mod instance_settings;
pub mod oauth_flows;
pub mod outgoing;
pub mod passkey_challenges;
pub mod passkeys;
pub mod prune;
pub mod rate_limits;
pub mod recent;
pub mod remembered_devices;
pub mod session_verifications;
pub mod sessions;
pub mod sign_ins;
pub mod sign_ups;
pub mod target_failures;
pub mod totps;
pub mod trusted_clients;
pub mod users;
pub mod verifications;
pub mod webhook_events;
