//! Memset batches: many typed calls sent as JSON-RPC 2.0 batches to `<base_url>/jsonrpc`, at
//! most [`MAX_CALLS`] per request as the API requires (larger batches are split), each answer
//! handed back to its own call.
//!
//! The shape of a JSON-RPC error is not documented by Memset; its `code` and `message` are kept,
//! and its `data.error_type`, when present, picks the error kind, else its `code` does (the
//! documentation gives each error type a unique code, the same for JSON-RPC errors).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::credentials::Redactor;
use crate::{
    ApiError, Body, Classify, Error, ErrorModel, InvalidArgument, Method, Request, Transport,
};

/// The most calls one JSON-RPC batch request may carry.
pub const MAX_CALLS: usize = 100;

/// Where a JSON-RPC error's details are read.
const JSONRPC_ERRORS: ErrorModel = ErrorModel {
    code: Some("/code"),
    message: Some("/message"),
    error_type: Some("/data/error_type"),
};

/// A call that can go into a batch: a request builder, unsent.
pub trait Prepared {
    /// The operation it calls.
    type Operation: crate::Operation;

    /// The operation's parameters.
    fn operation(&self) -> &Self::Operation;
}

/// Claims the answer of one call added to a [`Batch`].
#[derive(Debug)]
pub struct Ticket<T> {
    index: usize,
    output: PhantomData<fn() -> T>,
}

/// Calls collected to be sent together; `send` hands back a [`BatchResults`].
#[must_use = "a batch does nothing until it is sent"]
pub struct Batch<K> {
    transport: Transport,
    calls: Vec<(&'static str, Map<String, Value>)>,
    kind: PhantomData<fn() -> K>,
}

impl<K: Classify> Batch<K> {
    /// An empty batch sent through `transport`.
    pub fn new(transport: Transport) -> Self {
        Batch { transport, calls: Vec::new(), kind: PhantomData }
    }

    /// Adds a call, after checking its arguments; the ticket claims its answer.
    ///
    /// # Errors
    ///
    /// The first documented rule an argument breaks; the call is not added.
    pub fn add<P: Prepared>(
        &mut self,
        call: P,
    ) -> Result<Ticket<<P::Operation as crate::Operation>::Output>, InvalidArgument> {
        let info = <P::Operation as crate::Operation>::info();
        let params = match crate::Operation::request(call.operation())?.body {
            Body::Named(params) => params,
            _ => {
                let rule = "only calls with named parameters (Memset methods) can go into a batch";
                return Err(InvalidArgument::new(info.name, "call", rule));
            }
        };
        self.calls.push((info.name, params));
        Ok(Ticket { index: self.calls.len() - 1, output: PhantomData })
    }

    /// How many calls the batch holds.
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether the batch holds no call.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Sends the calls, [`MAX_CALLS`] per request, and collects every answer.
    ///
    /// # Errors
    ///
    /// A failed request (transport, HTTP error status or an answer that is not a JSON-RPC
    /// batch answer); the answers of single calls, errors included, are in the results.
    pub async fn send(self) -> Result<BatchResults<K>, Error<K>> {
        let mut results: Vec<Option<Result<Box<RawValue>, Error<K>>>> =
            (0..self.calls.len()).map(|_| None).collect();
        // keeps the client's secrets out of the errors built from the answers
        let mut redactor = Redactor::default();
        for (chunk_index, chunk) in self.calls.chunks(MAX_CALLS).enumerate() {
            let first = chunk_index * MAX_CALLS;
            let body: Vec<Call<'_>> = chunk
                .iter()
                .enumerate()
                .map(|(i, (method, params))| Call { id: first + i, jsonrpc: "2.0", method, params })
                .collect();
            let request = Request {
                operation: "batch",
                method: Method::POST,
                path: String::from("/jsonrpc"),
                query: Vec::new(),
                body: Body::json(&body).map_err(|e| e.in_operation("batch"))?,
                success: &[200],
                // a batch may hold writes: retried only when no connection could be made
                idempotent: false,
            };
            let response = self.transport.send::<K>(request).await?;
            redactor = response.redactor().clone();
            for answer in response.json::<Vec<Answer>, K>()? {
                let Some(index) = answer
                    .id
                    .as_ref()
                    .and_then(Value::as_u64)
                    .and_then(|id| usize::try_from(id).ok())
                else {
                    continue;
                };
                let Some((method, _)) = self.calls.get(index) else { continue };
                if index < first || index >= first + chunk.len() {
                    continue;
                }
                results[index] = Some(answer_of(method, answer, &redactor));
            }
        }
        let results = results
            .into_iter()
            .zip(&self.calls)
            .enumerate()
            .map(|(index, (result, (method, _)))| {
                result.unwrap_or_else(|| {
                    Err(Error::Decode {
                        operation: method,
                        status: 200,
                        body: String::new(),
                        message: format!("the batch answer has no result for call #{index}"),
                    })
                })
            })
            .map(Some)
            .collect();
        Ok(BatchResults { results, redactor })
    }
}

/// One call of a JSON-RPC batch request, serialized as it is: no `Value` is built for it.
/// The members are in the order `json!` gave them (serde_json's maps sort their keys), so the
/// bytes sent are the same as before.
#[derive(Serialize)]
struct Call<'a> {
    id: usize,
    jsonrpc: &'static str,
    method: &'static str,
    params: &'a Map<String, Value>,
}

/// One answer of a JSON-RPC batch answer: its `id` and `error` as values, its `result` as the
/// JSON text it is, decoded only when its ticket is taken, into the call's own type (once,
/// where a `Value` would be built and then decoded again).
///
/// It reads what a `Value` would have given: any element of the answer array (one that is
/// not an object has no id, and is skipped), members present even when `null`, the last of
/// repeated members, unknown members ignored.
#[derive(Default)]
struct Answer {
    id: Option<Value>,
    result: Option<Box<RawValue>>,
    error: Option<Value>,
    /// The other members (`jsonrpc`), for the message about an answer without a result.
    others: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswerVisitor;

        impl<'de> Visitor<'de> for AnswerVisitor {
            type Value = Answer;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON-RPC answer")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Answer, A::Error> {
                let mut answer = Answer::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Id => answer.id = Some(map.next_value()?),
                        Key::Result => answer.result = Some(map.next_value()?),
                        Key::Error => answer.error = Some(map.next_value()?),
                        Key::Other(key) => drop(answer.others.insert(key, map.next_value()?)),
                    }
                }
                Ok(answer)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answer, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Answer::default())
            }

            fn visit_bool<E>(self, _: bool) -> Result<Answer, E> {
                Ok(Answer::default())
            }

            fn visit_i64<E>(self, _: i64) -> Result<Answer, E> {
                Ok(Answer::default())
            }

            fn visit_u64<E>(self, _: u64) -> Result<Answer, E> {
                Ok(Answer::default())
            }

            fn visit_f64<E>(self, _: f64) -> Result<Answer, E> {
                Ok(Answer::default())
            }

            fn visit_str<E>(self, _: &str) -> Result<Answer, E> {
                Ok(Answer::default())
            }

            fn visit_unit<E>(self) -> Result<Answer, E> {
                Ok(Answer::default())
            }
        }

        deserializer.deserialize_any(AnswerVisitor)
    }
}

/// A member name of a JSON-RPC answer, read without a copy unless it is another one.
enum Key {
    Id,
    Result,
    Error,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl Visitor<'_> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_str<E>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "id" => Key::Id,
                    "result" => Key::Result,
                    "error" => Key::Error,
                    other => Key::Other(other.to_owned()),
                })
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// One JSON-RPC answer as a result.
fn answer_of<K: Classify>(
    method: &'static str,
    answer: Answer,
    redactor: &Redactor,
) -> Result<Box<RawValue>, Error<K>> {
    if let Some(error) = &answer.error {
        let body = error.to_string();
        let mut api =
            ApiError::from_parts(method, 200, Vec::new(), body.as_bytes(), &JSONRPC_ERRORS);
        api.reported_as = Some("JSON-RPC error");
        api.redact(redactor);
        return Err(Error::Api { kind: K::classify(&api), error: Box::new(api) });
    }
    match answer.result {
        Some(result) => Ok(result),
        None => {
            // the answer as a `Value` showed it: its members in key order
            let mut shown = answer.others;
            if let Some(id) = answer.id {
                shown.insert("id".to_owned(), id);
            }
            Err(Error::Decode {
                operation: method,
                status: 200,
                body: redactor.scrub(&Value::Object(shown).to_string()).into_owned(),
                message: "a JSON-RPC answer with neither result nor error".to_owned(),
            })
        }
    }
}

impl<K> std::fmt::Debug for Batch<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let methods: Vec<&str> = self.calls.iter().map(|(method, _)| *method).collect();
        f.debug_struct("Batch").field("calls", &methods).finish_non_exhaustive()
    }
}

/// The answers of a sent batch, claimed with the tickets [`Batch::add`] gave.
pub struct BatchResults<K> {
    results: Vec<Option<Result<Box<RawValue>, Error<K>>>>,
    redactor: Redactor,
}

impl<K> BatchResults<K> {
    /// The answer of the call `ticket` stands for, decoded (each answer can be taken once).
    ///
    /// # Errors
    ///
    /// The call's own error, a decode error if its answer does not fit, or an error if the
    /// answer was already taken.
    pub fn take<T: DeserializeOwned>(&mut self, ticket: Ticket<T>) -> Result<T, Error<K>> {
        let taken = self.results.get_mut(ticket.index).and_then(Option::take);
        let value = taken.unwrap_or_else(|| {
            Err(Error::InvalidArgument(InvalidArgument::new(
                "batch",
                "ticket",
                "this answer was already taken, or the ticket is from another batch",
            )))
        })?;
        serde_json::from_str(value.get()).map_err(|e| {
            // the message as decoding a `Value` gave it: without the place in the result's
            // text, which is not the answer's
            let message = e.to_string();
            let place = format!(" at line {} column {}", e.line(), e.column());
            let message = message.strip_suffix(&place).unwrap_or(&message);
            Error::Decode {
                operation: "batch",
                status: 200,
                body: self.redactor.scrub(&compact(value.get())).into_owned(),
                message: self.redactor.scrub(message).into_owned(),
            }
        })
    }
}

/// JSON text as a `Value` prints it: compact, members in key order.
fn compact(json: &str) -> String {
    serde_json::from_str::<Value>(json).map_or_else(|_| json.to_owned(), |value| value.to_string())
}

impl<K> std::fmt::Debug for BatchResults<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchResults").field("answers", &self.results.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Kind;

    impl Classify for Kind {
        fn classify(_: &ApiError) -> Self {
            Kind
        }
    }

    /// What the answers decode to, as `answer_of` gives it: the result's text, or the error.
    fn results(answers: &str) -> Vec<(Option<Value>, Result<String, String>)> {
        let answers: Vec<Answer> = serde_json::from_str(answers).expect("an array");
        answers
            .into_iter()
            .map(|answer| {
                let id = answer.id.clone();
                let result = answer_of::<Kind>("service.info", answer, &Redactor::default());
                let shown = result.map(|raw| raw.get().to_owned()).map_err(|error| match error {
                    Error::Api { error, .. } => format!("api {:?}", error.code),
                    Error::Decode { body, message, .. } => format!("decode {body} {message}"),
                    other => format!("{other:?}"),
                });
                (id, shown)
            })
            .collect()
    }

    /// Each answer reads as it did through a `Value`: elements that are not objects have no
    /// id, members count when `null`, the last of repeated members wins, others are kept for
    /// the message of an answer with neither result nor error.
    #[test]
    fn answers_read_as_values_did() {
        let got = results(
            r#"[1, "x", null, [1, {"id": 9}], true, 2.5,
                {"id": 0, "result": null},
                {"id": 1, "result": {"a": 1}, "result": {"a": 2}},
                {"jsonrpc": "2.0", "id": 2, "extra": [1]},
                {"id": 3, "error": null},
                {"id": 4, "error": {"code": 5, "message": "no"}, "result": 1},
                {"id": 5, "result": "a\"b", "id": 6}]"#,
        );
        let no_id = |got: &(Option<Value>, Result<String, String>)| got.0.is_none();
        assert!(got[..6].iter().all(no_id), "{got:?}");
        assert_eq!(got[6], (Some(0.into()), Ok("null".to_owned())));
        assert_eq!(got[7], (Some(1.into()), Ok(r#"{"a": 2}"#.to_owned())));
        assert_eq!(
            got[8].1,
            Err(r#"decode {"extra":[1],"id":2,"jsonrpc":"2.0"} a JSON-RPC answer with neither result nor error"#.to_owned())
        );
        assert_eq!(got[9].1, Err("api None".to_owned()));
        assert_eq!(got[10].1, Err(r#"api Some("5")"#.to_owned()));
        assert_eq!(got[11], (Some(6.into()), Ok(r#""a\"b""#.to_owned())));
    }

    /// A result is decoded from its text as it was from a `Value`: the same value, and on
    /// failure the same message (without a place in the text) and the result shown compact.
    #[test]
    fn results_decode_from_their_text_as_from_a_value() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Service {
            name: String,
            price: Option<f64>,
        }
        let text = r#"{ "price": 21, "name": "a\u00e9", "other": [1, {"x": null}] }"#;
        let from_value: Service =
            serde_json::from_value(serde_json::from_str(text).expect("json")).expect("a service");
        let mut results = BatchResults::<Kind> {
            results: vec![
                Some(Ok(serde_json::from_str(text).expect("raw"))),
                Some(Ok(serde_json::from_str(r#"{ "name": 5 }"#).expect("raw"))),
            ],
            redactor: Redactor::default(),
        };
        let ticket = |index| Ticket::<Service> { index, output: PhantomData };
        assert_eq!(results.take(ticket(0)).expect("decodes"), from_value);
        let value_error = serde_json::from_value::<Service>(serde_json::json!({"name": 5}))
            .expect_err("a number is no name")
            .to_string();
        match results.take(ticket(1)) {
            Err(Error::Decode { body, message, .. }) => {
                assert_eq!(body, r#"{"name":5}"#);
                assert_eq!(message, value_error);
            }
            other => panic!("{other:?}"),
        }
    }

    /// The calls go out with their members in the order `json!` gave them.
    #[test]
    fn calls_serialize_as_json_did() {
        let mut params = Map::new();
        params.insert("name".to_owned(), "myserver1".into());
        let call = Call { id: 7, jsonrpc: "2.0", method: "service.info", params: &params };
        let before = serde_json::json!({"jsonrpc": "2.0", "method": "service.info", "params": params, "id": 7});
        assert_eq!(serde_json::to_string(&[call]).expect("json"), format!("[{before}]"));
    }
}
