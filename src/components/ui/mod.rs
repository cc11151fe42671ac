//! The building blocks every component is made of.

mod action;
mod alert;
mod button;
mod card;
mod code_form;
mod errors;
mod field;
mod focus;
mod new_password;
mod provider_logo;
mod qr_code;
mod submit;

pub use action::Action;
pub use alert::Alert;
pub use button::{block_button, LinkButton, SubmitButton};
pub use card::Card;
pub use code_form::{CodeForm, CodeShape};
pub use errors::FormErrors;
pub use field::{Field, FieldKind};
pub use focus::use_focus_on_mount;
pub use new_password::NewPasswordFields;
pub use provider_logo::provider_logo;
pub use qr_code::QrCode;
pub use submit::{use_code_sender, use_form, FormHandle};
