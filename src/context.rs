//! What `<ClerkProvider>` puts into context for every hook and component.

use std::{cell::Cell, rc::Rc};

use yew::prelude::*;

use crate::{Appearance, Clerk, ClerkState, Localization};

/// Draws the "Verify it's you" dialog: `(on_complete, on_cancel)`.
pub(crate) type DialogFn =
    fn(fapi_types::SessionVerificationLevel, Callback<()>, Callback<()>) -> Html;

/// Where [`crate::hooks::use_reverification`] leaves the dialog for the provider to
/// draw. The provider names no dialog itself, so an app that never asks for a
/// reverification does not carry one (39 KB gzip).
#[derive(Clone, Default)]
pub(crate) struct DialogSlot(Rc<Cell<Option<DialogFn>>>);

impl DialogSlot {
    pub fn offer(&self, dialog: DialogFn) {
        self.0.set(Some(dialog));
    }

    pub fn get(&self) -> Option<DialogFn> {
        self.0.get()
    }
}

impl PartialEq for DialogSlot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Draws a component in the modal frame, given what is open.
pub(crate) type ModalFn = fn(crate::Modal) -> Html;

/// Where the components that can open a modal (the buttons, `<UserButton>`,
/// `use_modals`) leave its drawing for the provider: one per kind, so an app carries
/// only the components it can open.
#[derive(Clone, Default)]
pub(crate) struct ModalSlots(Rc<[Cell<Option<ModalFn>>; 3]>);

impl ModalSlots {
    fn index(modal: &crate::Modal) -> usize {
        match modal {
            crate::Modal::SignIn(_) => 0,
            crate::Modal::SignUp(_) => 1,
            crate::Modal::UserProfile => 2,
        }
    }

    /// Offers the drawing for `kind` (its options do not matter).
    pub fn offer(&self, kind: &crate::Modal, draw: ModalFn) {
        self.0[Self::index(kind)].set(Some(draw));
    }

    pub fn get(&self, modal: &crate::Modal) -> Option<ModalFn> {
        self.0[Self::index(modal)].get()
    }
}

impl PartialEq for ModalSlots {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The core, the state it had at this render, and the UI settings.
#[derive(Clone, PartialEq)]
pub struct ClerkContext {
    pub clerk: Clerk,
    pub state: ClerkState,
    pub appearance: Rc<Appearance>,
    pub localization: Localization,
    /// Opens the provider's "Verify it's you" dialog; the sender hears `true` once the
    /// user verified, `false` if they cancelled. Go through
    /// [`crate::hooks::use_reverification`], which brings the dialog along.
    pub reverify: Callback<(
        futures::channel::oneshot::Sender<bool>,
        fapi_types::SessionVerificationLevel,
    )>,
    pub(crate) dialog: DialogSlot,
    pub(crate) modals: ModalSlots,
}

impl ClerkContext {
    /// `cl-<key>` plus the app's classes for that key.
    pub fn class(&self, key: &str) -> Classes {
        self.appearance.classes(key)
    }

    /// The text of `key`, with `{{applicationName}}` filled wherever a language
    /// uses it (Clerk's own translations do, in places English does not).
    pub fn t(&self, key: &str) -> String {
        self.t_with(key, &[])
    }

    pub fn t_with(&self, key: &str, values: &[(&str, &str)]) -> String {
        let app = ("applicationName", self.state.application_name());
        let mut all = values.to_vec();
        if !values.iter().any(|(name, _)| *name == app.0) {
            all.push(app);
        }
        self.localization.t_with(key, &all)
    }

    /// A failed call in the user's words (localized by its code when overridden).
    pub fn error_text(&self, e: &crate::ClerkError) -> String {
        match e.api() {
            Some(a) => {
                let password = self
                    .state
                    .environment
                    .as_deref()
                    .map(|env| &env.user_settings.password_settings);
                self.localization.api_error(a, password)
            }
            None => match e {
                crate::ClerkError::Passkey(p) => self.localization.error(p.code(), &p.to_string()),
                _ => e.to_string(),
            },
        }
    }
}

/// The context, or a clear panic naming the missing provider.
#[hook]
pub fn use_clerk_context() -> ClerkContext {
    use_context::<ClerkContext>()
        .expect("yew-clerk hooks and components must be rendered inside <ClerkProvider>")
}
