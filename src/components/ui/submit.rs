use std::future::Future;

use yew::{platform::spawn_local, prelude::*};

use super::FormErrors;
use crate::{context::ClerkContext, ClerkError};

/// A form's submit state: busy while a request runs, then its errors, under the
/// fields this form shows or above it.
#[derive(Clone)]
pub struct FormHandle {
    pub busy: bool,
    pub errors: FormErrors,
    busy_handle: UseStateHandle<bool>,
    errors_handle: UseStateHandle<FormErrors>,
    fields: &'static [&'static str],
}

impl FormHandle {
    /// Runs `job` unless one is already running (a double click sends one request).
    pub fn submit(
        &self,
        ctx: &ClerkContext,
        job: impl Future<Output = Result<(), ClerkError>> + 'static,
    ) {
        if *self.busy_handle {
            return;
        }
        self.busy_handle.set(true);
        self.errors_handle.set(FormErrors::default());
        let (busy, errors, fields, ctx) = (
            self.busy_handle.clone(),
            self.errors_handle.clone(),
            self.fields,
            ctx.clone(),
        );
        spawn_local(async move {
            match job.await {
                Ok(()) | Err(ClerkError::Cancelled) => {}
                Err(e) => errors.set(FormErrors::from_error(&ctx, &e, fields)),
            }
            busy.set(false);
        });
    }
}

/// The submit state of a form whose fields are `fields` (FAPI param names).
#[hook]
pub fn use_form(fields: &'static [&'static str]) -> FormHandle {
    let busy = use_state(|| false);
    let errors = use_state(FormErrors::default);
    FormHandle {
        busy: *busy,
        errors: (*errors).clone(),
        busy_handle: busy,
        errors_handle: errors,
        fields,
    }
}

/// Whether a step's code has gone out, and why not if it failed.
#[derive(Clone, PartialEq)]
pub struct CodeSender {
    pub sent: bool,
    pub error: Option<String>,
}

/// Sends a code when a step opens (again only if `key` changes), and keeps why not if
/// the send failed, to show.
#[hook]
pub fn use_code_sender<K>(key: K, enabled: bool, send: super::Action<()>) -> CodeSender
where
    K: PartialEq + Clone + 'static,
{
    let ctx = crate::context::use_clerk_context();
    let sent = use_state(|| !enabled);
    let error = use_state(|| None::<String>);
    {
        let (sent, error) = (sent.clone(), error.clone());
        use_effect_with(key, move |_| {
            if enabled {
                spawn_local(async move {
                    if let Err(e) = send.run(()).await {
                        error.set(Some(ctx.error_text(&e)));
                    }
                    sent.set(true);
                });
            }
        });
    }
    CodeSender {
        sent: *sent,
        error: (*error).clone(),
    }
}
