//! The browser's half of a passkey. Clerk's Frontend API sends the WebAuthn options as
//! JSON with the binary fields in base64url, and takes the browser's credential back as
//! JSON in the same way (clerk-js's `passkeys.ts`, field by field). Only this module
//! touches `navigator.credentials`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use wasm_bindgen::{JsCast, JsValue};

/// Why the browser gave no passkey. Each has Clerk's code (`ClerkWebAuthnError`), so
/// an app's `unstable__errors.*` texts apply to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyError {
    #[error("Passkeys are not supported by this browser")]
    NotSupported,
    /// The person closed the browser's dialog, or let it time out.
    #[error("Passkey registration was cancelled")]
    RegistrationCancelled,
    #[error("The passkey was not used: the dialog was closed or timed out")]
    RetrievalCancelled,
    /// The authenticator already holds a passkey of this account (`excludeCredentials`).
    #[error("This device already has a passkey for this account")]
    AlreadyExists,
    /// A newer request took this one's place (a click over a pending autofill).
    #[error("The passkey request was replaced by another")]
    Aborted,
    /// The page's origin does not belong to the relying party the server named.
    #[error("The passkey's relying party does not match this page's domain")]
    InvalidDomain,
    /// Options that are not WebAuthn's, or a browser that answered nothing.
    #[error("The passkey could not be used: {0}")]
    Failed(String),
}

impl PasskeyError {
    /// Clerk's code for it, such as `passkey_retrieval_cancelled`.
    ///
    /// ```
    /// use yew_clerk::webauthn::PasskeyError;
    /// assert_eq!(PasskeyError::RetrievalCancelled.code(), "passkey_retrieval_cancelled");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            PasskeyError::NotSupported => "passkey_not_supported",
            PasskeyError::RegistrationCancelled => "passkey_registration_cancelled",
            PasskeyError::RetrievalCancelled => "passkey_retrieval_cancelled",
            PasskeyError::AlreadyExists => "passkey_already_exists",
            PasskeyError::Aborted => "passkey_operation_aborted",
            PasskeyError::InvalidDomain => "passkey_invalid_rpID_or_domain",
            PasskeyError::Failed(_) => "passkey_retrieval_failed",
        }
    }

    /// What a browser's `DOMException` means for this ceremony.
    fn from_dom(name: &str, message: String, registering: bool) -> PasskeyError {
        match name {
            "NotAllowedError" if registering => PasskeyError::RegistrationCancelled,
            "NotAllowedError" => PasskeyError::RetrievalCancelled,
            "InvalidStateError" if registering => PasskeyError::AlreadyExists,
            "AbortError" => PasskeyError::Aborted,
            "SecurityError" => PasskeyError::InvalidDomain,
            "NotSupportedError" => PasskeyError::NotSupported,
            _ => PasskeyError::Failed(format!("{name}: {message}")),
        }
    }
}

/// How a sign-in asks for the passkey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mediation {
    /// The browser's dialog, now.
    Optional,
    /// Offered among the identifier field's autofill suggestions, whenever the person
    /// picks it (the field needs `autocomplete="username webauthn"`).
    Conditional,
}

fn credentials() -> Option<web_sys::CredentialsContainer> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    let window = web_sys::window()?;
    js_sys::Reflect::get(&window, &"PublicKeyCredential".into())
        .ok()
        .filter(|c| c.is_function())?;
    Some(window.navigator().credentials())
}

/// Can this browser make and use passkeys at all?
pub fn supported() -> bool {
    credentials().is_some()
}

/// Does this browser offer passkeys among autofill suggestions (conditional mediation)?
pub async fn autofill_available() -> bool {
    if credentials().is_none() {
        return false;
    }
    let Some(window) = web_sys::window() else {
        return false;
    };
    let class = js_sys::Reflect::get(&window, &"PublicKeyCredential".into()).unwrap_or_default();
    let Ok(check) = js_sys::Reflect::get(&class, &"isConditionalMediationAvailable".into()) else {
        return false;
    };
    let Some(check) = check.dyn_ref::<js_sys::Function>() else {
        return false;
    };
    let Ok(promise) = check.call0(&class) else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise))
        .await
        .is_ok_and(|v| v.as_bool() == Some(true))
}

thread_local! {
    /// The pending `get()`: a new one aborts it, as the browser allows one at a time.
    static PENDING: std::cell::RefCell<Option<web_sys::AbortController>> = const { std::cell::RefCell::new(None) };
    /// Counts [`cancel_pending`] calls: an autofill still starting when one comes
    /// (its sign-in in flight) sees the count moved and stops before asking.
    static CANCELLED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many times pending requests were cancelled so far (see [`cancel_pending`]).
pub fn cancellations() -> u64 {
    CANCELLED.with(|c| c.get())
}

fn fresh_signal() -> Option<web_sys::AbortSignal> {
    let controller = web_sys::AbortController::new().ok()?;
    let signal = controller.signal();
    if let Some(old) = PENDING.with(|p| p.borrow_mut().replace(controller)) {
        old.abort();
    }
    Some(signal)
}

/// Stops a pending autofill request, and one still starting (the sign-in card is
/// leaving, or the person submitted the form).
pub fn cancel_pending() {
    CANCELLED.with(|c| c.set(c.get() + 1));
    if let Some(old) = PENDING.with(|p| p.borrow_mut().take()) {
        old.abort();
    }
}

/// Makes a passkey from the creation options the server put in the verification's
/// `nonce`; answers the `public_key_credential` JSON for `attempt_verification`.
pub async fn create(options: &str) -> Result<String, PasskeyError> {
    let container = credentials().ok_or(PasskeyError::NotSupported)?;
    let public_key = parse(options)?;
    to_bytes(&public_key, "challenge")?;
    to_bytes(&member(&public_key, "user")?, "id")?;
    ids_to_bytes(&public_key, "excludeCredentials")?;
    let request = js_sys::Object::new();
    set(&request, "publicKey", &public_key);
    let request: web_sys::CredentialCreationOptions = request.unchecked_into();
    let promise = container
        .create_with_options(&request)
        .map_err(|e| dom_error(e, true))?;
    let credential = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| dom_error(e, true))?;
    let credential: web_sys::PublicKeyCredential = credential
        .dyn_into()
        .map_err(|_| PasskeyError::Failed("the browser made no credential".into()))?;
    let response: web_sys::AuthenticatorAttestationResponse =
        credential.response().unchecked_into();
    let out = js_sys::Object::new();
    set(&out, "clientDataJSON", &b64(&response.client_data_json()));
    set(
        &out,
        "attestationObject",
        &b64(&response.attestation_object()),
    );
    let transports =
        call_method(&response, "getTransports").unwrap_or_else(|| js_sys::Array::new().into());
    set(&out, "transports", &transports);
    Ok(serialize(&credential, &out))
}

/// Signs the server's challenge (the request options of a sign-in's or a
/// verification's `nonce`) with a passkey; answers the `public_key_credential` JSON
/// for the attempt.
pub async fn get(options: &str, mediation: Mediation) -> Result<String, PasskeyError> {
    let container = credentials().ok_or(PasskeyError::NotSupported)?;
    let public_key = parse(options)?;
    to_bytes(&public_key, "challenge")?;
    ids_to_bytes(&public_key, "allowCredentials")?;
    let request = js_sys::Object::new();
    set(&request, "publicKey", &public_key);
    let mediation = match mediation {
        Mediation::Optional => "optional",
        Mediation::Conditional => "conditional",
    };
    set(&request, "mediation", &mediation.into());
    if let Some(signal) = fresh_signal() {
        set(&request, "signal", &signal);
    }
    let request: web_sys::CredentialRequestOptions = request.unchecked_into();
    let promise = container
        .get_with_options(&request)
        .map_err(|e| dom_error(e, false))?;
    let credential = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| dom_error(e, false))?;
    let credential: web_sys::PublicKeyCredential = credential
        .dyn_into()
        .map_err(|_| PasskeyError::Failed("the browser gave no passkey".into()))?;
    let response: web_sys::AuthenticatorAssertionResponse = credential.response().unchecked_into();
    let out = js_sys::Object::new();
    set(&out, "clientDataJSON", &b64(&response.client_data_json()));
    set(
        &out,
        "authenticatorData",
        &b64(&response.authenticator_data()),
    );
    set(&out, "signature", &b64(&response.signature()));
    let user_handle = response.user_handle().map_or(JsValue::NULL, |h| b64(&h));
    set(&out, "userHandle", &user_handle);
    Ok(serialize(&credential, &out))
}

/// The credential as clerk-js serializes it (no client extension results), in the
/// browser's own JSON: the bundle carries no JSON writer for it.
fn serialize(credential: &web_sys::PublicKeyCredential, response: &js_sys::Object) -> String {
    let out = js_sys::Object::new();
    set(&out, "type", &"public-key".into());
    set(&out, "id", &credential.id().into());
    set(&out, "rawId", &b64(&credential.raw_id()));
    if let Ok(attachment) = js_sys::Reflect::get(credential, &"authenticatorAttachment".into()) {
        if !attachment.is_undefined() {
            set(&out, "authenticatorAttachment", &attachment);
        }
    }
    set(&out, "response", response);
    js_sys::JSON::stringify(&out)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

fn b64(buffer: &js_sys::ArrayBuffer) -> JsValue {
    URL_SAFE_NO_PAD
        .encode(js_sys::Uint8Array::new(buffer).to_vec())
        .into()
}

fn parse(options: &str) -> Result<JsValue, PasskeyError> {
    js_sys::JSON::parse(options)
        .ok()
        .filter(|v| v.is_object())
        .ok_or_else(|| PasskeyError::Failed("the options are not JSON".into()))
}

fn member(target: &JsValue, key: &str) -> Result<JsValue, PasskeyError> {
    js_sys::Reflect::get(target, &key.into())
        .ok()
        .filter(|v| v.is_object())
        .ok_or_else(|| PasskeyError::Failed(format!("the options lack {key}")))
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a plain object cannot fail.
    let _ = js_sys::Reflect::set(target, &key.into(), value);
}

/// Replaces the base64url text (unpadded, as Clerk writes it; padding tolerated) at
/// `key` with its bytes.
fn to_bytes(target: &JsValue, key: &str) -> Result<(), PasskeyError> {
    let text = js_sys::Reflect::get(target, &key.into())
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| PasskeyError::Failed(format!("the options lack {key}")))?;
    let raw = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| PasskeyError::Failed(format!("{key} is not base64url")))?;
    set(target, key, &js_sys::Uint8Array::from(raw.as_slice()));
    Ok(())
}

/// `excludeCredentials` / `allowCredentials`: each `id` as bytes; absent means none.
fn ids_to_bytes(target: &JsValue, list: &str) -> Result<(), PasskeyError> {
    let entries = js_sys::Reflect::get(target, &list.into()).unwrap_or_default();
    if !js_sys::Array::is_array(&entries) {
        set(target, list, &js_sys::Array::new());
        return Ok(());
    }
    for entry in js_sys::Array::from(&entries).iter() {
        to_bytes(&entry, "id")?;
    }
    Ok(())
}

fn call_method(target: &JsValue, name: &str) -> Option<JsValue> {
    let method = js_sys::Reflect::get(target, &name.into()).ok()?;
    method.dyn_ref::<js_sys::Function>()?.call0(target).ok()
}

fn dom_error(e: JsValue, registering: bool) -> PasskeyError {
    match e.dyn_ref::<web_sys::DomException>() {
        Some(d) => PasskeyError::from_dom(&d.name(), d.message(), registering),
        None => PasskeyError::Failed(format!("{e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_failures_get_clerks_codes() {
        let of =
            |name, registering| PasskeyError::from_dom(name, String::new(), registering).code();
        assert_eq!(
            of("NotAllowedError", true),
            "passkey_registration_cancelled"
        );
        assert_eq!(of("NotAllowedError", false), "passkey_retrieval_cancelled");
        assert_eq!(of("InvalidStateError", true), "passkey_already_exists");
        assert_eq!(of("AbortError", false), "passkey_operation_aborted");
        assert_eq!(of("SecurityError", false), "passkey_invalid_rpID_or_domain");
        assert_eq!(of("UnknownError", false), "passkey_retrieval_failed");
    }

    #[test]
    fn outside_a_browser_there_are_no_passkeys() {
        assert!(!supported());
    }
}
