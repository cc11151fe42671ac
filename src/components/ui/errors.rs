use std::collections::BTreeMap;

use crate::{context::ClerkContext, ClerkError};

/// A failed submit split the way the form shows it: errors of a field go under that
/// field, the rest above the form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormErrors {
    pub fields: BTreeMap<String, String>,
    pub global: Option<String>,
}

impl FormErrors {
    /// `fields` are the params this form shows; an error naming another goes on top.
    pub fn from_error(ctx: &ClerkContext, e: &ClerkError, fields: &[&str]) -> FormErrors {
        let text = ctx.error_text(e);
        match e.param_name() {
            Some(p) if fields.contains(&p) => FormErrors {
                fields: {
                    let mut one = BTreeMap::new();
                    one.insert(p.to_owned(), text);
                    one
                },
                global: None,
            },
            _ => FormErrors {
                fields: BTreeMap::new(),
                global: Some(text),
            },
        }
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }
}
