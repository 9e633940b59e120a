//! The account's resources in memory: one ordered collection of records per path prefix
//! (`servers`, `load_balancers`, `servers/fixed_instance_sizes`, ...), and what lists do with
//! them (paging, search, sorting, field selection).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::account;
use super::lifecycle::Pending;

/// One resource: the JSON record a `GET` shows, and its change in progress.
#[derive(Debug, Clone)]
pub(super) struct Record {
    pub value: Value,
    pub pending: Option<Pending>,
}

impl Record {
    pub fn new(value: Value) -> Self {
        Record { value, pending: None }
    }

    pub fn id(&self) -> &str {
        self.value.get("id").and_then(Value::as_str).unwrap_or_default()
    }
}

/// Everything the simulator holds.
#[derive(Debug, Default)]
pub(super) struct State {
    /// Records by collection, oldest first.
    collections: BTreeMap<String, Vec<Record>>,
    /// The shared storages' access credentials (`/shared_storages/access`).
    pub credentials: Value,
    /// Counts the IP addresses handed out.
    pub next_ip: u32,
}

impl State {
    /// The starting account, or a blank one.
    pub fn new(empty: bool) -> Self {
        let mut state =
            State { collections: BTreeMap::new(), credentials: account::credentials(), next_ip: 0 };
        if !empty {
            for (collection, items) in account::starting() {
                for item in items {
                    state.insert(&collection, item);
                }
            }
        }
        state
    }

    /// The record `id` of `collection`.
    pub fn get(&self, collection: &str, id: &str) -> Option<&Record> {
        self.collections.get(collection)?.iter().find(|r| r.id() == id)
    }

    /// The record `id` of `collection`, to change.
    pub fn get_mut(&mut self, collection: &str, id: &str) -> Option<&mut Record> {
        self.collections.get_mut(collection)?.iter_mut().find(|r| r.id() == id)
    }

    /// The records of `collection`, oldest first.
    pub fn all(&self, collection: &str) -> &[Record] {
        self.collections.get(collection).map_or(&[], Vec::as_slice)
    }

    /// Every record of every collection, to change.
    pub fn records_mut(&mut self) -> impl Iterator<Item = &mut Record> {
        self.collections.values_mut().flatten()
    }

    /// Adds `value` to `collection`; the new record.
    pub fn insert(&mut self, collection: &str, value: Value) -> &mut Record {
        let records = self.collections.entry(collection.to_owned()).or_default();
        records.push(Record::new(value));
        let last = records.len() - 1;
        &mut records[last]
    }

    /// Removes the record `id` of `collection`.
    pub fn remove(&mut self, collection: &str, id: &str) -> Option<Record> {
        let records = self.collections.get_mut(collection)?;
        let at = records.iter().position(|r| r.id() == id)?;
        Some(records.remove(at))
    }

    /// Which collection holds a record with this id, if any.
    pub fn collection_of(&self, id: &str) -> Option<&str> {
        self.collections
            .iter()
            .find(|(_, records)| records.iter().any(|r| r.id() == id))
            .map(|(name, _)| name.as_str())
    }

    /// Removes every reference to `id` from every record: list items with that id go, and
    /// members that are a reference to it become `null`.
    pub fn unlink(&mut self, id: &str) {
        for record in self.records_mut() {
            if let Some(object) = record.value.as_object_mut() {
                for (_, member) in object.iter_mut() {
                    unlink_value(member, id);
                }
            }
        }
    }

    /// Everything, as [`Running::snapshot`](super::Running::snapshot) shows it.
    pub fn snapshot(&self) -> Value {
        let mut all: Map<String, Value> = self
            .collections
            .iter()
            .map(|(name, records)| {
                (name.clone(), Value::Array(records.iter().map(|r| r.value.clone()).collect()))
            })
            .collect();
        all.insert("shared_storages/access".to_owned(), self.credentials.clone());
        Value::Object(all)
    }
}

fn unlink_value(value: &mut Value, id: &str) {
    match value {
        Value::Array(items) => {
            items.retain(|item| item.get("id").and_then(Value::as_str) != Some(id));
            for item in items {
                unlink_value(item, id);
            }
        }
        Value::Object(object) => {
            if object.get("id").and_then(Value::as_str) == Some(id) {
                *value = Value::Null;
                return;
            }
            for (_, member) in object.iter_mut() {
                unlink_value(member, id);
            }
        }
        _ => {}
    }
}

/// How a list is cut and ordered: the query of a list operation.
#[derive(Debug, Default)]
pub(super) struct ListQuery<'a> {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    pub q: Option<&'a str>,
    pub sort: Option<&'a str>,
    pub fields: Option<&'a str>,
}

/// Items per page when only `page` is given.
const PER_PAGE: i64 = 100;

/// `items` searched, sorted, paged and trimmed to the fields asked for.
pub(super) fn list(items: Vec<Value>, query: &ListQuery<'_>) -> Vec<Value> {
    let mut items = items;
    if let Some(q) = query.q.filter(|q| !q.is_empty()) {
        let q = q.to_lowercase();
        items.retain(|item| mentions(item, &q));
    }
    if let Some(sort) = query.sort.filter(|s| !s.is_empty()) {
        let (member, descending) = match sort.strip_prefix('-') {
            Some(member) => (member, true),
            None => (sort, false),
        };
        items.sort_by(|a, b| {
            let order = compare(a.get(member), b.get(member));
            if descending {
                order.reverse()
            } else {
                order
            }
        });
    }
    if query.page.is_some() || query.per_page.is_some() {
        let per_page = query.per_page.unwrap_or(PER_PAGE).max(1);
        let page = query.page.unwrap_or(1).max(1);
        let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
        let take = usize::try_from(per_page).unwrap_or(usize::MAX);
        items = items.into_iter().skip(start).take(take).collect();
    }
    if let Some(fields) = query.fields.filter(|f| !f.is_empty()) {
        let keep: Vec<&str> = fields.split(',').map(str::trim).collect();
        for item in &mut items {
            if let Some(object) = item.as_object_mut() {
                object.retain(|k, _| k == "id" || keep.contains(&k.as_str()));
            }
        }
    }
    items
}

/// Whether any text member of `value`, at any depth, contains `q` (lower case).
fn mentions(value: &Value, q: &str) -> bool {
    match value {
        Value::String(text) => text.to_lowercase().contains(q),
        Value::Array(items) => items.iter().any(|v| mentions(v, q)),
        Value::Object(members) => members.values().any(|v| mentions(v, q)),
        _ => false,
    }
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(Value::Null) | None, Some(Value::Null) | None) => Ordering::Equal,
        (Some(Value::Null) | None, _) => Ordering::Less,
        (_, Some(Value::Null) | None) => Ordering::Greater,
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_search_sort_and_page() {
        let items: Vec<Value> = ["b-web", "a-db", "c-web"]
            .iter()
            .enumerate()
            .map(|(i, n)| json!({"id": i.to_string(), "name": n, "size": 3 - i}))
            .collect();
        let names = |items: Vec<Value>| -> Vec<String> {
            items.iter().map(|i| i["name"].as_str().unwrap_or_default().to_owned()).collect()
        };
        let q = ListQuery { q: Some("WEB"), ..ListQuery::default() };
        assert_eq!(names(list(items.clone(), &q)), ["b-web", "c-web"]);
        let q = ListQuery { sort: Some("-name"), ..ListQuery::default() };
        assert_eq!(names(list(items.clone(), &q)), ["c-web", "b-web", "a-db"]);
        let q = ListQuery {
            sort: Some("size"),
            page: Some(2),
            per_page: Some(2),
            ..ListQuery::default()
        };
        assert_eq!(names(list(items.clone(), &q)), ["b-web"]);
        let q = ListQuery { fields: Some("name"), ..ListQuery::default() };
        assert_eq!(list(items, &q)[0], json!({"id": "0", "name": "b-web"}));
    }

    #[test]
    fn unlinking_drops_references() {
        let mut value = json!({"ips": [{"id": "I", "load_balancers": [{"id": "L"}, {"id": "M"}]}], "firewall_policy": {"id": "L"}});
        unlink_value(&mut value, "L");
        assert_eq!(
            value,
            json!({"ips": [{"id": "I", "load_balancers": [{"id": "M"}]}], "firewall_policy": null})
        );
    }
}
