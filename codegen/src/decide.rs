//! Decisions made once, after validation, so that the emitters only print: how each
//! operation's answer is read and which lists are walked page by page.

use crate::ir::{Answer, Handle, Location, Operation, Paging, Provider, Ty};

pub fn provider(p: &mut Provider) {
    let answers: Vec<Answer> = p.operations.iter().map(|op| answer(p, op)).collect();
    let pagings: Vec<Option<Paging>> = p.operations.iter().map(|op| paging(p, op)).collect();
    for ((op, answer), paging) in p.operations.iter_mut().zip(answers).zip(pagings) {
        op.answer = answer;
        op.paging = paging;
    }
}

fn answer(p: &Provider, op: &Operation) -> Answer {
    match (op.handle, &op.returns) {
        (Handle::Request, returns) => Answer::Accepted(returns.clone()),
        (Handle::Job, Some(ty)) => Answer::Job { ty: ty.clone(), id_field: job_id_field(p, ty) },
        (Handle::JobWhenChanged, Some(ty)) => Answer::JobOrState(ty.clone()),
        (_, Some(ty)) => Answer::Value(ty.clone()),
        (_, None) => Answer::Nothing,
    }
}

/// The job's required string `id` field, which the call's tracing span records.
fn job_id_field(p: &Provider, ty: &Ty) -> Option<String> {
    let Ty::Model(name) = ty else { return None };
    let model = p.model(name)?;
    let field = model.fields.iter().find(|f| f.rust == "id" && f.required && f.ty == Ty::String)?;
    Some(field.rust.clone())
}

/// A paged list: the provider pages, the operation has both paging parameters (optional
/// integers in the query) and returns a plain list.
fn paging(p: &Provider, op: &Operation) -> Option<Paging> {
    let spec = p.pages.as_ref()?;
    let is_paging = |name: &str| {
        op.params.iter().any(|param| {
            param.name == name
                && !param.required
                && param.ty == Ty::Integer
                && param.location == Location::Query
        })
    };
    let item = match &op.returns {
        Some(Ty::List(item)) if op.handle == Handle::None => (**item).clone(),
        _ => return None,
    };
    (is_paging(&spec.page) && is_paging(&spec.per_page)).then(|| Paging {
        page: spec.page.clone(),
        per_page: spec.per_page.clone(),
        first: spec.first,
        size: spec.size,
        item,
    })
}
