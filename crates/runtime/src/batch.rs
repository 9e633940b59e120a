//! Memset batches: many typed calls sent as JSON-RPC 2.0 batches to `<base_url>/jsonrpc`, at
//! most [`MAX_CALLS`] per request as the API requires (larger batches are split), each answer
//! handed back to its own call.
//!
//! The shape of a JSON-RPC error is not documented by Memset; its `code` and `message` are kept,
//! and its `data.error_type`, when present, picks the error kind, else its `code` does (the
//! documentation gives each error type a unique code, the same for JSON-RPC errors).

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

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
        let mut results: Vec<Option<Result<Value, Error<K>>>> =
            (0..self.calls.len()).map(|_| None).collect();
        // keeps the client's secrets out of the errors built from the answers
        let mut redactor = Redactor::default();
        for (chunk_index, chunk) in self.calls.chunks(MAX_CALLS).enumerate() {
            let first = chunk_index * MAX_CALLS;
            let body: Vec<Value> = chunk
                .iter()
                .enumerate()
                .map(|(i, (method, params))| json!({"jsonrpc": "2.0", "method": method, "params": params, "id": first + i}))
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
            for answer in response.json::<Vec<Value>, K>()? {
                let Some(index) = answer
                    .get("id")
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

/// One JSON-RPC answer as a result.
fn answer_of<K: Classify>(
    method: &'static str,
    mut answer: Value,
    redactor: &Redactor,
) -> Result<Value, Error<K>> {
    if let Some(error) = answer.get("error") {
        let body = error.to_string();
        let mut api =
            ApiError::from_parts(method, 200, Vec::new(), body.as_bytes(), &JSONRPC_ERRORS);
        api.reported_as = Some("JSON-RPC error");
        api.redact(redactor);
        return Err(Error::Api { kind: K::classify(&api), error: Box::new(api) });
    }
    // taken out of the answer, not copied (BENCHMARKS.md, "At scale", Memset batches)
    match answer.get_mut("result").map(Value::take) {
        Some(result) => Ok(result),
        None => Err(Error::Decode {
            operation: method,
            status: 200,
            body: redactor.scrub(&answer.to_string()).into_owned(),
            message: "a JSON-RPC answer with neither result nor error".to_owned(),
        }),
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
    results: Vec<Option<Result<Value, Error<K>>>>,
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
        // decoded from a borrow: the value is kept only for the error message
        T::deserialize(&value).map_err(|e| Error::Decode {
            operation: "batch",
            status: 200,
            body: self.redactor.scrub(&value.to_string()).into_owned(),
            message: self.redactor.scrub(&e.to_string()).into_owned(),
        })
    }
}

impl<K> std::fmt::Debug for BatchResults<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchResults").field("answers", &self.results.len()).finish()
    }
}
