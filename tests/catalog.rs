//! The generated catalogs describe every operation the clients have, consistently: every
//! name `Client::call` takes resolves, every path template names exactly its path parameters,
//! and every model a parameter or field names is described too.

use cloud_sdks_runtime::catalog::{Catalog, Location, Type};

fn models_named(ty: &Type) -> Vec<&'static str> {
    match ty {
        Type::Model(name) => vec![name],
        Type::List(item) | Type::Map(item) => models_named(item),
        _ => Vec::new(),
    }
}

fn check(catalog: &Catalog, names: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for name in names {
        if catalog.operation(name).is_none() {
            problems.push(format!("{name}: not in the catalog"));
        }
    }
    for op in catalog.operations {
        let in_template: Vec<&str> = op
            .path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let path_params: Vec<&str> =
            op.params.iter().filter(|p| p.location == Location::Path).map(|p| p.name).collect();
        if in_template != path_params {
            problems.push(format!(
                "{}: template {} but path parameters {path_params:?}",
                op.name, op.path
            ));
        }
        for param in op.params {
            for model in models_named(&param.ty) {
                if catalog.model(model).is_none() {
                    problems.push(format!(
                        "{}.{}: model {model} is not described",
                        op.name, param.name
                    ));
                }
            }
        }
    }
    for op in catalog.operations {
        if let Some(pages) = &op.pages {
            for name in [pages.page, pages.per_page] {
                if op.param(name).is_none() {
                    problems
                        .push(format!("{}: pages by '{name}', which it does not take", op.name));
                }
            }
        }
    }
    for wait in catalog.waits {
        match catalog.operation(wait.operation) {
            Some(op) if op.param(wait.id).is_some_and(|p| p.location == Location::Path) => {}
            _ => problems.push(format!(
                "a wait looks with {}, which does not take {} in its path",
                wait.operation, wait.id
            )),
        }
        if wait.state.is_empty() || wait.done.is_empty() {
            problems
                .push(format!("the wait with {} has no state or no done states", wait.operation));
        }
    }
    for model in catalog.models {
        for field in model.fields {
            for named in models_named(&field.ty) {
                if catalog.model(named).is_none() {
                    problems.push(format!(
                        "{}.{}: model {named} is not described",
                        model.name, field.name
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn every_catalog_is_complete_and_consistent() {
    let mut problems = check(&profitbricks::CATALOG, profitbricks::Client::OPERATIONS);
    problems.extend(check(&oneandone::CATALOG, oneandone::Client::OPERATIONS));
    problems.extend(check(&memset::CATALOG, memset::Client::OPERATIONS));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let counts = [
        profitbricks::CATALOG.operations.len(),
        oneandone::CATALOG.operations.len(),
        memset::CATALOG.operations.len(),
    ];
    assert_eq!(counts, [67, 136, 152], "every operation of the specs");
    // 1&1 is the only provider with paged lists and handle waits
    let paged = oneandone::CATALOG.operations.iter().filter(|op| op.pages.is_some()).count();
    assert!(paged >= 10, "{paged} paged 1&1 lists");
    assert!(oneandone::CATALOG.waits.iter().any(|w| w.operation == "get_server_status"));
    assert!(profitbricks::CATALOG.operations.iter().all(|op| op.pages.is_none()));
}

#[test]
fn the_catalog_is_what_requests_are_built_from() {
    let op = profitbricks::CATALOG.operation("get_datacenter").expect("described");
    assert_eq!((op.method.as_str(), op.path), ("GET", "/datacenters/{datacenter_id}"));
    let depth = op.param("depth").expect("has depth");
    assert_eq!((depth.location, depth.required), (Location::Query, false));
    let alias = oneandone::CATALOG.operation("Server.hardware").expect("a class helper");
    assert_eq!(alias.name, "get_server_hardware");
    let info = memset::CATALOG.operation("server.info").expect("described");
    assert_eq!(info.path, "/json/server.info");
}

/// Every runtime type in the clients' signatures is reachable through the client crates
/// themselves (this compiles only while each crate re-exports them).
#[allow(dead_code)]
fn types_users_name(pb: &profitbricks::Client, oa: &oneandone::Client, ms: &memset::Client) {
    let call: profitbricks::CallFuture<_, profitbricks::ErrorKind> = pb.list_datacenters().send();
    drop(call);
    let _: profitbricks::Wait<_, profitbricks::ErrorKind> = pb.wait_for("0f3c");
    let _: Option<&profitbricks::catalog::OperationInfo> = profitbricks::CATALOG.operation("x");
    let _: oneandone::Pages<_, oneandone::ErrorKind> = oa.list_servers().pages();
    let _: memset::Batch<memset::ErrorKind> = ms.batch();
    let _: memset::Wait<_, memset::ErrorKind> = ms.wait_for_job("job");
    let _: fn(memset::Date, memset::RetryPolicy, memset::reqwest::Client) = |_, _, _| {};
    let _: fn(Option<memset::Ticket<()>>, Option<memset::BatchResults<memset::ErrorKind>>) =
        |_, _| {};
    let _: fn(oneandone::WaitError, profitbricks::RetryBudget) = |_, _| {};
}
