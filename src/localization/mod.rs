//! Every string the components show, keyed like Clerk's localization keys: English by
//! default, or French, German, Spanish, Portuguese (Brazil) or Japanese, each from
//! Clerk's own localizations. Override any key, and any server error by its code
//! (`unstable__errors.<code>`, or `<code>__<param>` for one field).

mod de_de;
pub(crate) mod en_us;
mod es_es;
mod fr_fr;
mod ja_jp;
mod pt_br;

use std::{cell::RefCell, rc::Rc};

use fapi_types::PasswordSettings;

use crate::error::ApiFailure;

pub use en_us::EN_US;

type Table = &'static [(&'static str, &'static str)];

/// The strings of the UI: a language, and your overrides on top.
///
/// ```
/// use yew_clerk::Localization;
/// let l = Localization::default()
///     .with("signIn.start.title", "Welcome back to {{applicationName}}")
///     .with("unstable__errors.form_code_incorrect", "That code is not right");
/// assert_eq!(l.t_with("signIn.start.title", &[("applicationName", "Acme")]), "Welcome back to Acme");
/// assert_eq!(l.error("form_code_incorrect", "Incorrect code"), "That code is not right");
/// assert_eq!(l.t("formButtonPrimary"), "Continue");
///
/// let fr = Localization::fr_fr();
/// assert_eq!(fr.t("formButtonPrimary"), "Continuer");
/// assert_eq!(fr.locale(), "fr-FR");
/// assert_eq!(fr.error("form_password_incorrect", "Incorrect password"), "Mot de passe incorrect");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Localization {
    locale: &'static str,
    /// The language's strings; a key it lacks falls back to English.
    table: Table,
    /// Few keys, looked up by name: a list, no hash map in the bundle.
    overrides: Rc<Vec<(String, String)>>,
}

impl Default for Localization {
    fn default() -> Self {
        Self::en_us()
    }
}

impl Localization {
    fn of(locale: &'static str, table: Table) -> Self {
        Localization {
            locale,
            table,
            overrides: Rc::default(),
        }
    }

    /// English (United States), the default.
    pub fn en_us() -> Self {
        // A split build has only the first part here: the others come with the chunks
        // that show them (see `english`).
        Self::of(
            "en-US",
            if cfg!(feature = "split") {
                en_us::FIRST
            } else {
                EN_US
            },
        )
    }

    /// French (France), from Clerk's `frFR`.
    pub fn fr_fr() -> Self {
        Self::of("fr-FR", fr_fr::FR_FR)
    }

    /// German (Germany), from Clerk's `deDE`.
    pub fn de_de() -> Self {
        Self::of("de-DE", de_de::DE_DE)
    }

    /// Spanish (Spain), from Clerk's `esES`.
    pub fn es_es() -> Self {
        Self::of("es-ES", es_es::ES_ES)
    }

    /// Portuguese (Brazil), from Clerk's `ptBR`.
    pub fn pt_br() -> Self {
        Self::of("pt-BR", pt_br::PT_BR)
    }

    /// Japanese (Japan), from Clerk's `jaJP`.
    pub fn ja_jp() -> Self {
        Self::of("ja-JP", ja_jp::JA_JP)
    }

    /// The language for a BCP 47 tag (`fr`, `fr-CA`, `pt-BR`, `ja`), for a choice made
    /// at run time (the browser's `navigator.language`, a user setting); `None` for a
    /// language not shipped. This links every language into the app: a fixed choice
    /// (`Localization::fr_fr()`) carries only its own.
    ///
    /// ```
    /// use yew_clerk::Localization;
    /// assert_eq!(Localization::for_locale("de-AT").unwrap().locale(), "de-DE");
    /// assert_eq!(Localization::for_locale("pt").unwrap().locale(), "pt-BR");
    /// assert!(Localization::for_locale("xx").is_none());
    /// ```
    pub fn for_locale(tag: &str) -> Option<Self> {
        let language = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Some(match language.as_str() {
            "en" => Self::en_us(),
            "fr" => Self::fr_fr(),
            "de" => Self::de_de(),
            "es" => Self::es_es(),
            "pt" => Self::pt_br(),
            "ja" => Self::ja_jp(),
            _ => return None,
        })
    }

    /// The language's tag (`en-US`, `fr-FR`, ...): the components' `lang`.
    pub fn locale(&self) -> &'static str {
        self.locale
    }

    /// Overrides one key.
    pub fn with(mut self, key: &str, text: &str) -> Self {
        let overrides = Rc::make_mut(&mut self.overrides);
        overrides.retain(|(k, _)| k != key);
        overrides.push((key.to_owned(), text.to_owned()));
        self
    }

    /// An override, else the language's text, else the English one.
    fn lookup(&self, key: &str) -> Option<String> {
        let overridden = self.overrides.iter().find(|(k, _)| k == key);
        overridden.map(|(_, v)| v.clone()).or_else(|| {
            find(self.table, key)
                .or_else(|| english(key))
                .map(str::to_owned)
        })
    }

    /// The text of a key (an unknown key is shown as itself, so it is easy to spot).
    ///
    /// In a split build (feature `split`), English comes in parts: a key that only a
    /// chunk's components show (a later sign-in step, the profile, ...) has its English
    /// text once that chunk has drawn. An app that shows such a key itself before then
    /// gets the key back; give it the text with [`Localization::with`].
    pub fn t(&self, key: &str) -> String {
        self.lookup(key).unwrap_or_else(|| key.to_owned())
    }

    /// The text of a key with `{{name}}` placeholders filled.
    pub fn t_with(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.t(key);
        for (name, value) in values {
            text = text.replace(&format!("{{{{{name}}}}}"), value);
        }
        text
    }

    /// A server error in the user's words: the text for its code, else Clerk's own
    /// message (`fallback`).
    pub fn error(&self, code: &str, fallback: &str) -> String {
        self.error_for(code, None, fallback)
    }

    /// As [`Localization::error`], first for the field it names, as Clerk looks it
    /// up (`unstable__errors.form_identifier_exists__email_address`).
    pub fn error_for(&self, code: &str, param: Option<&str>, fallback: &str) -> String {
        param
            .and_then(|p| self.lookup(&format!("unstable__errors.{code}__{p}")))
            .or_else(|| self.lookup(&format!("unstable__errors.{code}")))
            .unwrap_or_else(|| fallback.to_owned())
    }

    /// A failed call in the user's words, as Clerk's components put it: a password
    /// length rule names its number (Clerk's `passwordComplexity` sentence, from the
    /// instance's `password`), a lockout its minutes, and anything else goes by
    /// [`Localization::error_for`]. Your override of the code's key wins.
    ///
    /// ```
    /// use yew_clerk::{ClerkError, Localization};
    /// use yew_clerk::types::{decode, PasswordSettings};
    /// let body = r#"{"errors":[{"code":"form_password_length_too_short","message":"",
    ///   "long_message":"Passwords must be 8 characters or more.","meta":{"param_name":"password"}}]}"#;
    /// let e = ClerkError::from_response(422, body, None);
    /// let settings: PasswordSettings = decode(r#"{"min_length":8,"max_length":72}"#).unwrap();
    /// assert_eq!(
    ///     Localization::fr_fr().api_error(e.api().unwrap(), Some(&settings)),
    ///     "Votre mot de passe doit contenir au moins 8 caractères."
    /// );
    /// ```
    pub fn api_error(&self, e: &ApiFailure, password: Option<&PasswordSettings>) -> String {
        let code = e.code.as_str();
        let key = format!("unstable__errors.{code}");
        let overridden = self.overrides.iter().any(|(k, _)| {
            k.strip_prefix(key.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("__"))
        });
        if overridden {
            return self.error_for(code, e.meta.param_name.as_deref(), &e.long_message);
        }
        let rule = match (code, password) {
            ("form_password_length_too_short", Some(p)) => Some(("minimumLength", p.min_length)),
            // Clerk's words are "less than {{length}}"; the server's limit is inclusive.
            ("form_password_length_too_long", Some(p)) => Some(("maximumLength", p.max_length + 1)),
            _ => None,
        };
        if let Some((rule, length)) = rule {
            let prefix = self.t("unstable__errors.passwordComplexity.sentencePrefix");
            let rule = self.t_with(
                &format!("unstable__errors.passwordComplexity.{rule}"),
                &[("length", &length.to_string())],
            );
            // Japanese's prefix ends in a full-width colon: no space after it.
            let space = if prefix.ends_with('：') { "" } else { " " };
            let sentence = format!("{prefix}{space}{rule}");
            return if sentence.ends_with(['.', '。']) {
                sentence
            } else {
                sentence + "."
            };
        }
        if let (true, Some(seconds)) = (code == "user_locked", e.meta.lockout_expires_in_seconds) {
            let minutes = ((seconds + 59) / 60).max(1).to_string();
            if let Some(text) = self.lookup("unstable__errors.user_locked_minutes") {
                return text.replace("{{minutes}}", &minutes);
            }
        }
        self.error_for(code, e.meta.param_name.as_deref(), &e.long_message)
    }
}

thread_local! {
    /// The English parts brought along so far, besides the first one.
    static BROUGHT: RefCell<Vec<Table>> = const { RefCell::new(Vec::new()) };
}

/// Makes a part of the English strings findable. A chunk brings its own part when it
/// draws, before anything in it asks for a key, so the part's strings travel with the
/// chunk instead of the first download. Bringing a part again changes nothing.
pub(crate) fn bring_english(part: Table) {
    BROUGHT.with_borrow_mut(|brought| {
        if !brought.iter().any(|t| std::ptr::eq(*t, part)) {
            brought.push(part);
        }
    });
}

/// The English text of a key. One bundle links every part anyway, so it has them all
/// from the start; a split build has the first part and those brought along.
fn english(key: &str) -> Option<&'static str> {
    if cfg!(feature = "split") {
        find(en_us::FIRST, key).or_else(|| brought(key))
    } else {
        find(EN_US, key)
    }
}

/// The English text of a key, from the parts brought along so far.
fn brought(key: &str) -> Option<&'static str> {
    BROUGHT.with_borrow(|brought| brought.iter().find_map(|t| find(t, key)))
}

fn find(table: Table, key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGUAGES: [fn() -> Localization; 5] = [
        Localization::fr_fr,
        Localization::de_de,
        Localization::es_es,
        Localization::pt_br,
        Localization::ja_jp,
    ];

    #[test]
    fn every_language_has_every_key_with_the_same_placeholders() {
        let placeholders = |s: &str| {
            let mut found: Vec<String> = s
                .split("{{")
                .skip(1)
                .filter_map(|p| p.split_once("}}").map(|(name, _)| name.trim().to_owned()))
                .collect();
            found.sort();
            found
        };
        for language in LANGUAGES {
            let l = language();
            for (key, english) in EN_US {
                let text = l.table.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
                let text = text.unwrap_or_else(|| panic!("{}: {key} is missing", l.locale()));
                // A translation never invents a placeholder the component does not
                // fill (the application's name is filled everywhere), nor drops one:
                // "sent to {{identifier}}" must not become Clerk's "sent to your phone".
                let (theirs, ours) = (placeholders(text), placeholders(english));
                for name in &theirs {
                    assert!(
                        name == "applicationName" || ours.contains(name),
                        "{}: {key} uses {{{{{name}}}}}",
                        l.locale()
                    );
                }
                for name in &ours {
                    assert!(
                        name == "applicationName" || theirs.contains(name),
                        "{}: {key} drops {{{{{name}}}}}",
                        l.locale()
                    );
                }
            }
        }
    }

    #[test]
    fn errors_are_looked_up_for_their_field_first() {
        let fr = Localization::fr_fr();
        assert_eq!(
            fr.error_for("form_identifier_exists", Some("email_address"), "x"),
            "Cette adresse e-mail existe déjà."
        );
        assert_eq!(
            fr.error_for("form_identifier_exists", Some("web3_wallet"), "x"),
            "Cet identifiant est déjà utilisé."
        );
        assert_eq!(fr.error("no_such_code", "Clerk's words"), "Clerk's words");
        // An override wins over the language.
        let custom = fr.with("formButtonPrimary", "Suivant");
        assert_eq!(custom.t("formButtonPrimary"), "Suivant");
    }

    fn failure(code: &str, meta: &str) -> ApiFailure {
        let body = format!(
            r#"{{"errors":[{{"code":"{code}","message":"m","long_message":"Clerk's words","meta":{meta}}}]}}"#
        );
        crate::ClerkError::from_response(422, &body, None)
            .api()
            .unwrap()
            .clone()
    }

    fn password(min: u32, max: u32) -> PasswordSettings {
        fapi_types::decode(&format!(r#"{{"min_length":{min},"max_length":{max}}}"#)).unwrap()
    }

    #[test]
    fn password_length_errors_name_the_instances_limit_in_every_language() {
        let short = failure(
            "form_password_length_too_short",
            r#"{"param_name":"password"}"#,
        );
        let long = failure(
            "form_password_length_too_long",
            r#"{"param_name":"password"}"#,
        );
        let limits = password(10, 72);
        let en = Localization::default();
        assert_eq!(
            en.api_error(&short, Some(&limits)),
            "Your password must contain 10 or more characters."
        );
        // The limit is inclusive; Clerk's words are "less than".
        assert_eq!(
            en.api_error(&long, Some(&limits)),
            "Your password must contain less than 73 characters."
        );
        assert_eq!(
            Localization::fr_fr().api_error(&short, Some(&limits)),
            "Votre mot de passe doit contenir au moins 10 caractères."
        );
        assert_eq!(
            Localization::ja_jp().api_error(&short, Some(&limits)),
            "パスワードは次の条件を満たす必要があります：10文字以上."
        );
        for language in LANGUAGES {
            let text = language().api_error(&short, Some(&limits));
            assert!(text.contains("10"), "{text}");
        }
        // Without the instance's settings: the code's text, as before.
        assert_eq!(
            Localization::fr_fr().api_error(&short, None),
            "Votre mot de passe est trop court."
        );
        // The app's override of the code wins.
        let custom = Localization::default().with(
            "unstable__errors.form_password_length_too_short",
            "Longer, please",
        );
        assert_eq!(custom.api_error(&short, Some(&limits)), "Longer, please");
    }

    #[test]
    fn a_lockout_names_its_minutes_in_every_language() {
        let locked = failure("user_locked", r#"{"lockout_expires_in_seconds":841}"#);
        assert_eq!(
            Localization::de_de().api_error(&locked, None),
            "Ihr Konto ist gesperrt. Sie können es in 15 Min. erneut versuchen. Weitere Informationen erhalten Sie vom Support."
        );
        for language in LANGUAGES {
            let text = language().api_error(&locked, None);
            assert!(text.contains("15"), "{text}");
        }
        // English has the server's own sentence, minutes included.
        assert_eq!(
            Localization::default().api_error(&locked, None),
            "Clerk's words"
        );
        // Locked by an administrator: no minutes to name.
        let by_admin = failure("user_locked", "{}");
        assert_eq!(
            Localization::fr_fr().api_error(&by_admin, None),
            "Votre compte est verrouillé. Réessayez plus tard ou contactez le support."
        );
    }

    #[test]
    fn a_chunks_english_is_found_once_the_chunk_brings_it() {
        let (key, text) = en_us::SIGN_IN_STEPS[0];
        // Each test runs on a thread of its own: nothing is brought yet.
        assert_eq!(brought(key), None);
        bring_english(en_us::SIGN_IN_STEPS);
        bring_english(en_us::SIGN_IN_STEPS);
        assert_eq!(brought(key), Some(text));
        assert_eq!(BROUGHT.with_borrow(Vec::len), 1);
        // One bundle (this build) has every part from the start, as before the parts.
        let (profile_key, profile_text) = en_us::PROFILE[0];
        assert_eq!(Localization::default().t(profile_key), profile_text);
        assert_eq!(Localization::default().t("formButtonPrimary"), "Continue");
        // Another language has every key itself.
        assert_ne!(Localization::fr_fr().t(profile_key), profile_key);
    }

    /// Errors are looked up by their code wherever they happen: always in the first part.
    #[test]
    fn every_error_text_is_in_the_first_part() {
        for part in [
            en_us::SIGN_IN_STEPS,
            en_us::SIGN_UP,
            en_us::VERIFICATION,
            en_us::PROFILE,
        ] {
            for (key, _) in part {
                assert!(!key.starts_with("unstable__errors."), "{key}");
            }
        }
    }

    /// A part's keys may be used only in the files of the chunk that brings it: a
    /// key from a part used anywhere else would show as itself until that chunk draws.
    #[test]
    fn a_part_is_used_only_where_it_is_brought() {
        let in_dir = |dir: &str, names: &str| -> Vec<String> {
            names
                .split(' ')
                .map(|n| format!("src/components/{dir}{n}.rs"))
                .collect()
        };
        let parts: [(Table, Vec<String>); 4] = [
            (
                en_us::SIGN_IN_STEPS,
                in_dir(
                    "sign_in/",
                    "alternatives factor_one factor_two forgot_password new_password passkey recovery",
                ),
            ),
            (en_us::SIGN_UP, in_dir("", "sign_up")),
            (en_us::VERIFICATION, in_dir("", "user_verification")),
            (
                en_us::PROFILE,
                [
                    in_dir(
                        "user_profile/",
                        "account connected_accounts delete_account identifications security \
                         two_step passkeys email_second_factor",
                    ),
                    in_dir("", "task_setup_mfa"),
                ]
                .concat(),
            ),
        ];
        fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path.to_string_lossy().replace('\\', "/"), text));
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        assert!(files.len() > 50);
        for (part, allowed) in &parts {
            for (key, _) in *part {
                let quoted = format!("\"{key}\"");
                for (path, text) in &files {
                    let path = path.strip_prefix(&format!("{}/", root.display())).unwrap();
                    if path.starts_with("src/localization/") || !text.contains(&quoted) {
                        continue;
                    }
                    assert!(allowed.iter().any(|a| a == path), "{key} is used in {path}");
                }
            }
        }
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = EN_US.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len());
    }

    #[test]
    fn unknown_keys_show_themselves_and_server_errors_fall_back() {
        let l = Localization::default();
        assert_eq!(l.t("no.such.key"), "no.such.key");
        assert_eq!(
            l.error("user_locked", "Your account is locked."),
            "Your account is locked."
        );
        assert_eq!(
            l.error("verification_expired", "x"),
            "The code has expired. Resend a new one."
        );
    }
}
