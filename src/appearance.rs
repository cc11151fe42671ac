//! Theming: `variables` become CSS custom properties of the stylesheet; `elements`
//! add your classes to the element with that key (every element already carries
//! `cl-<key>`).

use std::collections::BTreeMap;

use yew::{AttrValue, Classes};

/// The look of every component.
///
/// ```
/// use yew_clerk::{Appearance, Variables};
/// let a = Appearance {
///     variables: Variables { color_primary: Some("#0f766e".into()), ..Default::default() },
///     ..Default::default()
/// }
/// .element("formButtonPrimary", "btn btn-lg");
/// assert!(a.css_variables().contains("--cl-color-primary: #0f766e;"));
/// assert_eq!(a.classes("formButtonPrimary").to_string(), "cl-formButtonPrimary btn btn-lg");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Appearance {
    pub variables: Variables,
    /// Extra classes by element key (`card`, `formButtonPrimary`, `otpCodeFieldInput`, ...).
    pub elements: BTreeMap<String, String>,
}

/// Clerk's appearance variables (any left `None` keeps the stylesheet's default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variables {
    pub color_primary: Option<AttrValue>,
    pub color_danger: Option<AttrValue>,
    pub color_success: Option<AttrValue>,
    pub color_warning: Option<AttrValue>,
    pub color_background: Option<AttrValue>,
    pub color_text: Option<AttrValue>,
    pub color_text_secondary: Option<AttrValue>,
    pub color_text_on_primary_background: Option<AttrValue>,
    pub color_input_background: Option<AttrValue>,
    pub color_input_text: Option<AttrValue>,
    pub color_border: Option<AttrValue>,
    pub font_family: Option<AttrValue>,
    pub font_size: Option<AttrValue>,
    pub border_radius: Option<AttrValue>,
    pub spacing_unit: Option<AttrValue>,
}

impl Appearance {
    /// Adds classes to an element key.
    pub fn element(mut self, key: &str, classes: &str) -> Self {
        self.elements.insert(key.to_owned(), classes.to_owned());
        self
    }

    /// `cl-<key>` plus any classes the app gave that key.
    pub fn classes(&self, key: &str) -> Classes {
        let mut c = Classes::from(format!("cl-{key}"));
        if let Some(extra) = self.elements.get(key) {
            c.push(extra.clone());
        }
        c
    }

    /// The `:root { --cl-…: … }` rule for the variables that are set.
    pub fn css_variables(&self) -> String {
        let v = &self.variables;
        let pairs: [(&str, &Option<AttrValue>); 15] = [
            ("color-primary", &v.color_primary),
            ("color-danger", &v.color_danger),
            ("color-success", &v.color_success),
            ("color-warning", &v.color_warning),
            ("color-background", &v.color_background),
            ("color-text", &v.color_text),
            ("color-text-secondary", &v.color_text_secondary),
            ("color-text-on-primary", &v.color_text_on_primary_background),
            ("color-input-background", &v.color_input_background),
            ("color-input-text", &v.color_input_text),
            ("color-border", &v.color_border),
            ("font-family", &v.font_family),
            ("font-size", &v.font_size),
            ("border-radius", &v.border_radius),
            ("spacing-unit", &v.spacing_unit),
        ];
        let body: String = pairs
            .iter()
            .filter_map(|(name, value)| {
                value
                    .as_ref()
                    .map(|v| format!("  --cl-{name}: {};\n", sanitize(v)))
            })
            .collect();
        if body.is_empty() {
            String::new()
        } else {
            format!(":root {{\n{body}}}\n")
        }
    }
}

/// A CSS value may not close the rule it sits in.
fn sanitize(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, ';' | '{' | '}' | '<' | '>'))
        .collect()
}

/// The stylesheet, themed by the `--cl-*` custom properties.
pub const STYLESHEET: &str = include_str!("../styles/clerk.css");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_escape_their_rule() {
        let a = Appearance {
            variables: Variables {
                color_primary: Some("red;} body{display:none".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(!a.css_variables().contains("body{"));
        assert_eq!(Appearance::default().css_variables(), "");
    }
}
