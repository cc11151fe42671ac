//! The browser's decoder (`FromJson`) and serde read the same JSON the same way:
//! every fixture both ways, then the edge cases where the two could part
//! (absent, null, unknown and wrongly typed fields, unknown enum values).
//! `server/tests/wire_decoders.rs` does the same for every answer of a real journey.

use fapi_types::*;
use serde::de::DeserializeOwned;

/// Decodes `json` both ways; both must succeed alike or fail alike.
fn both<T: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug>(json: &str) -> Option<T> {
    let by_serde = serde_json::from_str::<T>(json);
    let by_us = decode::<T>(json);
    match (by_serde, by_us) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "the decoders disagree on {json}");
            Some(b)
        }
        (Err(_), Err(_)) => None,
        (a, b) => panic!("serde: {a:?}\nFromJson: {b:?}\non {json}"),
    }
}

#[test]
fn every_fixture_decodes_the_same_both_ways() {
    both::<Environment>(include_str!("fixtures/environment.json")).unwrap();
    both::<Envelope<SignIn>>(include_str!("fixtures/sign_in_needs_second_factor.json")).unwrap();
    both::<ErrorEnvelope>(include_str!("fixtures/error_code_incorrect.json")).unwrap();
    both::<User>(include_str!("fixtures/user.json")).unwrap();
}

/// Every object-typed field of a fixture removed, nulled, or given the wrong type, one
/// at a time: both decoders accept or refuse each variant alike.
fn mutate_everywhere<T: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug>(
    json: &str,
) -> usize {
    let root: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut paths = Vec::new();
    collect_paths(&root, &mut Vec::new(), &mut paths);
    let mut checked = 0;
    for path in &paths {
        for replacement in [
            None,
            Some(serde_json::Value::Null),
            Some(serde_json::json!(7)),
            Some(serde_json::json!("x")),
            Some(serde_json::json!(true)),
            Some(serde_json::json!([])),
            Some(serde_json::json!({})),
        ] {
            // serde also reads a struct from a positional array (`[]` is a struct whose
            // fields all have defaults), a form no FAPI server sends; FromJson refuses it.
            if replacement == Some(serde_json::json!([])) && lookup(&root, path).is_object() {
                continue;
            }
            let mut v = root.clone();
            replace(&mut v, path, replacement);
            both::<T>(&v.to_string());
            checked += 1;
        }
    }
    checked
}

fn collect_paths(v: &serde_json::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                at.push(k.clone());
                out.push(at.clone());
                collect_paths(child, at, out);
                at.pop();
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(i.to_string());
                collect_paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn lookup<'a>(root: &'a serde_json::Value, path: &[String]) -> &'a serde_json::Value {
    path.iter().fold(root, |v, p| match v {
        serde_json::Value::Array(items) => &items[p.parse::<usize>().unwrap()],
        other => &other[p.as_str()],
    })
}

fn replace(root: &mut serde_json::Value, path: &[String], with: Option<serde_json::Value>) {
    let (last, parents) = path.split_last().unwrap();
    let mut v = root;
    for p in parents {
        v = match v {
            serde_json::Value::Array(items) => &mut items[p.parse::<usize>().unwrap()],
            other => &mut other[p.as_str()],
        };
    }
    let map = v.as_object_mut().unwrap();
    match with {
        None => {
            map.remove(last);
        }
        Some(x) => {
            map.insert(last.clone(), x);
        }
    }
}

#[test]
fn absent_null_and_mistyped_fields_are_judged_alike() {
    let n = mutate_everywhere::<Environment>(include_str!("fixtures/environment.json"))
        + mutate_everywhere::<Envelope<SignIn>>(include_str!(
            "fixtures/sign_in_needs_second_factor.json"
        ))
        + mutate_everywhere::<ErrorEnvelope>(include_str!("fixtures/error_code_incorrect.json"))
        + mutate_everywhere::<User>(include_str!("fixtures/user.json"));
    assert!(n > 1000, "{n} variants");
}

#[test]
fn unknown_fields_and_values_are_accepted_alike() {
    let s: SignInStatus = both(r#""needs_something_new""#).unwrap();
    assert_eq!(s, SignInStatus::Unknown);
    let n: NextAction = both(r#""""#).unwrap();
    assert_eq!(n, NextAction::None);
    let s: Strategy = both(r#""web3_metamask_signature""#).unwrap();
    assert_eq!(s, Strategy::Other("web3_metamask_signature".into()));
    assert!(both::<SessionVerificationLevel>(r#""third_factor""#).is_none());
    let f: SignInFactor = both(r#"{"strategy":"totp","brand_new":{"nested":[1,2]}}"#).unwrap();
    assert_eq!(f, SignInFactor::bare(Strategy::Totp));
    assert!(both::<SignInFactor>(r#"{"safe_identifier":"x"}"#).is_none());
    assert!(both::<SignInFactor>("[]").is_none());
    assert!(both::<SignInFactor>("not json").is_none());
    let t: Token = both(r#"{"object":"token","jwt":"a.b.c","extra":null}"#).unwrap();
    assert_eq!(t.jwt, "a.b.c");
    assert!(both::<PasswordSettings>(r#"{"min_length":-1,"max_length":72}"#).is_none());
    assert!(both::<PasswordSettings>(r#"{"min_length":8.5,"max_length":72}"#).is_none());
    assert!(both::<PasswordSettings>(r#"{"min_length":8,"max_length":4294967296}"#).is_none());
    let d: DeletedObject = both(r#"{"object":"phone_number","deleted":true}"#).unwrap();
    assert_eq!(d.id, None);
    let e: Envelope<Option<Client>> = both(r#"{"response":null}"#).unwrap();
    assert!(e.response.is_none() && e.client.is_none());
    assert!(both::<Envelope<SignIn>>(r#"{"client":null}"#).is_none());
}
