//! Languages (issue 13, point 6): the components speak the provider's language,
//! Clerk's server errors included, and say so with `lang`.

use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;
use yew_clerk::prelude::*;

use crate::{axe::audit, harness::*};

#[wasm_bindgen_test]
async fn french_sign_in_with_a_french_error_for_a_wrong_password() {
    fresh_browser().await;
    let email = unique_email("fr+clerk_test");
    create_account(&email, None).await;
    let (m, _) = mount_localized(html! { <SignIn /> }, Localization::fr_fr()).await;
    let root = &m.root;
    let card = wait_for(root, ".cl-rootBox").await;
    assert_eq!(card.get_attribute("lang").as_deref(), Some("fr-FR"));
    wait_for_text(root, ".cl-headerTitle", "Se connecter").await;
    // Clerk's French subtitle names the application, which English does not.
    wait_for_text(
        root,
        ".cl-headerSubtitle",
        "pour continuer vers yew-clerk demo",
    )
    .await;
    wait_for_text(root, "label", "Mot de passe").await;
    wait_for_text(root, "button.cl-formButtonPrimary", "Continuer").await;
    // The show-password eye is named in French, and says what it does next.
    let eye = wait_for(root, "button.cl-formFieldInputShowPasswordButton").await;
    assert_eq!(
        eye.get_attribute("aria-label").as_deref(),
        Some("Afficher le mot de passe")
    );
    click(root, "button.cl-formFieldInputShowPasswordButton").await;
    let shown = wait_for(root, "input[name=password][type=text]").await;
    assert_eq!(
        find(root, "button.cl-formFieldInputShowPasswordButton")
            .unwrap()
            .get_attribute("aria-label")
            .as_deref(),
        Some("Masquer le mot de passe")
    );
    drop(shown);
    fill(root, "input[name=identifier]", &email).await;
    fill(root, "input[name=password]", "pas mon mot de passe").await;
    click(root, "button.cl-formButtonPrimary").await;
    let error = wait_for(root, "#cl-field-password-error").await;
    assert_eq!(error.text_content().unwrap(), "Mot de passe incorrect");
    audit(root, "<SignIn/> in French, a wrong password").await;
    reset_location();
}

#[wasm_bindgen_test]
async fn japanese_sms_step_and_code_error() {
    fresh_browser().await;
    let email = unique_email("ja+clerk_test");
    create_account(&email, Some(&unique_test_phone())).await;
    let (m, clerk) = mount_localized(html! { <SignIn /> }, Localization::ja_jp()).await;
    let root = &m.root;
    wait_for_text(root, "button.cl-formButtonPrimary", "続ける").await;
    submit_sign_in(root, &email, PASSWORD).await;
    wait_for_text(root, ".cl-headerTitle", "電話を確認してください").await;
    wait_for_text(root, ".cl-headerSubtitle", "にコードを送信しました").await;
    fill(root, "input[name=code]", "000000").await;
    wait_for_text(
        root,
        "#cl-field-code-error",
        "入力されたコードが正しくありません。",
    )
    .await;
    audit(root, "<SignIn/> in Japanese, a wrong SMS code").await;
    fill(root, "input[name=code]", "424242").await;
    wait_signed_in(root, &clerk).await;
    reset_location();
}

#[wasm_bindgen_test]
async fn german_spanish_and_portuguese_sign_up_name_a_taken_email_in_their_words() {
    fresh_browser().await;
    let email = unique_email("taken+clerk_test");
    create_account(&email, None).await;
    for (language, title, taken) in [
        (
            Localization::de_de(),
            "Erstellen Sie Ihr Konto",
            "Diese E-Mail-Adresse ist bereits vergeben.",
        ),
        (
            Localization::es_es(),
            "Crea tu cuenta",
            "Ya existe una cuenta con esta dirección de correo electrónico.",
        ),
        (
            Localization::for_locale("pt-BR").unwrap(),
            "Criar sua conta",
            "E-mail já está em uso.",
        ),
    ] {
        fresh_browser().await;
        let locale = language.locale();
        let (m, _) = mount_localized(html! { <SignUp /> }, language).await;
        let root = &m.root;
        wait_for_text(root, ".cl-headerTitle", title).await;
        fill(root, "input[name=email_address]", &email).await;
        fill(root, "input[name=password]", PASSWORD).await;
        click(root, "button.cl-formButtonPrimary").await;
        wait_for_text(root, "#cl-field-email_address-error", taken).await;
        let card = wait_for(root, ".cl-rootBox").await;
        assert_eq!(card.get_attribute("lang").as_deref(), Some(locale));
    }
    reset_location();
}

/// A too-short password names the instance's minimum in the user's language, as
/// Clerk words it (`passwordComplexity`), not a bare "too short"; the code step
/// names the address the code went to.
#[wasm_bindgen_test]
async fn french_sign_up_names_the_minimum_length_and_where_the_code_went() {
    fresh_browser().await;
    let (m, clerk) = mount_localized(html! { <SignUp /> }, Localization::fr_fr()).await;
    let root = &m.root;
    let min = clerk
        .state()
        .environment
        .as_deref()
        .unwrap()
        .user_settings
        .password_settings
        .min_length;
    let email = unique_email("court+clerk_test");
    fill(root, "input[name=email_address]", &email).await;
    fill(root, "input[name=password]", "court").await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(
        root,
        "#cl-field-password-error",
        &format!("Votre mot de passe doit contenir au moins {min} caractères."),
    )
    .await;
    // With a long enough one, the code step says where the code went, in French.
    fill(root, "input[name=password]", PASSWORD).await;
    click(root, "button.cl-formButtonPrimary").await;
    wait_for_text(
        root,
        ".cl-headerSubtitle",
        &format!("Saisissez le code de vérification envoyé à {email}"),
    )
    .await;
    reset_location();
}
