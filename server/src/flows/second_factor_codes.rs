//! Sending a second-factor code — by SMS to a phone or by email to an address — only
//! to a factor the offered list names, whether for a sign-in or a step-up.

use fapi_types::{SignInFactor, Strategy};

use super::codes::{self, Link, Requester};
use crate::{
    error::{ApiError, ApiResult},
    state::AppState,
    store::identifications::IdentificationRow,
};

/// Which offered factor a prepare asks for: the one with the given id, else the
/// default one of that kind, else the first.
pub struct Wanted<'a> {
    pub strategy: &'a Strategy,
    pub email_address_id: Option<&'a str>,
    pub phone_number_id: Option<&'a str>,
}

/// Sends a code for `wanted`, chosen among `offered`, to its phone or address
/// (`idents`: the user's). `owner`: the sign-in or verification the code belongs to.
pub async fn send(
    state: &AppState,
    owner: &str,
    offered: &[SignInFactor],
    wanted: Wanted<'_>,
    idents: &[IdentificationRow],
    link: Link<'_>,
    requester: Requester<'_>,
) -> ApiResult<()> {
    let strategy = wanted.strategy;
    let factor = choose(offered, &wanted)?;
    let target_id = factor
        .email_address_id
        .as_deref()
        .or(factor.phone_number_id.as_deref());
    let target = idents
        .iter()
        .find(|i| Some(i.id.as_str()) == target_id)
        .ok_or_else(ApiError::internal)?;
    codes::send(
        state,
        owner,
        strategy.as_str(),
        &target.value,
        link,
        requester,
    )
    .await
}

fn choose<'a>(offered: &'a [SignInFactor], wanted: &Wanted<'_>) -> ApiResult<&'a SignInFactor> {
    let strategy = wanted.strategy;
    let same: Vec<&SignInFactor> = offered.iter().filter(|f| f.strategy == *strategy).collect();
    match (strategy, wanted.email_address_id, wanted.phone_number_id) {
        (Strategy::EmailCode, _, Some(_)) => Err(ApiError::param_unknown("phone_number_id")),
        (Strategy::PhoneCode, Some(_), _) => Err(ApiError::param_unknown("email_address_id")),
        (Strategy::EmailCode, Some(id), _) => same
            .into_iter()
            .find(|f| f.email_address_id.as_deref() == Some(id))
            .ok_or_else(|| ApiError::param_value_invalid("email_address_id", id)),
        (Strategy::PhoneCode, _, Some(id)) => same
            .into_iter()
            .find(|f| f.phone_number_id.as_deref() == Some(id))
            .ok_or_else(|| ApiError::param_value_invalid("phone_number_id", id)),
        (Strategy::EmailCode | Strategy::PhoneCode, _, _) => same
            .iter()
            .find(|f| f.default == Some(true))
            .or(same.first())
            .copied()
            .ok_or_else(|| ApiError::no_second_factors(strategy.as_str())),
        _ => Err(ApiError::verification_strategy_invalid()),
    }
}
