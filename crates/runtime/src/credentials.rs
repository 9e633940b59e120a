//! API credentials and the authentication header built from them.
//!
//! [`Credentials`] never reveal their secret: `Debug` redacts it, and the header value built
//! from it is marked sensitive so that `http`'s own `Debug` output hides it as well.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};

use crate::error::ConfigError;
use crate::provider::AuthScheme;

/// The secret used to authenticate requests, of one [`Kind`]: each client crate's
/// `Credentials` is this type with the kind its API takes, so a credential of the wrong kind
/// does not compile.
///
/// | kind | made with | used by |
/// | --- | --- | --- |
/// | [`Basic`] | [`Credentials::basic`]`(user, password)` | ProfitBricks ([`AuthScheme::Basic`]) |
/// | [`Token`] | [`Credentials::token`]`(token)` | 1&1 ([`AuthScheme::Header`]) |
/// | [`ApiKey`] | [`Credentials::api_key`]`(key)` | Memset ([`AuthScheme::BasicUsername`]) |
///
/// Nothing is checked when they are made; [`TransportBuilder::build`](crate::TransportBuilder::build)
/// (each crate's `ClientBuilder::build` and `Client::new`) refuses an empty user name,
/// password, token or key, one holding a line break or another control character, and a
/// Memset API key that is not 32 hexadecimal digits, naming what is wrong without showing it.
pub struct Credentials<K: Kind> {
    secret: Secret,
    kind: PhantomData<fn() -> K>,
}

impl<K: Kind> Clone for Credentials<K> {
    fn clone(&self) -> Self {
        Credentials { secret: self.secret.clone(), kind: PhantomData }
    }
}

#[derive(Clone)]
pub(crate) enum Secret {
    Basic { username: String, password: String },
    Token(String),
}

/// The kind of a [`Credentials`]: [`Basic`], [`Token`] or [`ApiKey`].
pub trait Kind: sealed::Sealed + Send + Sync + 'static {
    /// What the secret is called in messages (`"API key"`).
    #[doc(hidden)]
    const WHAT: &'static str;
    /// Checks a token or key of this kind (beyond not empty, no control characters).
    #[doc(hidden)]
    fn check_token(_token: &str) -> Result<(), String> {
        Ok(())
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Basic {}
    impl Sealed for super::Token {}
    impl Sealed for super::ApiKey {}
}

/// A user name and password for HTTP Basic authentication (ProfitBricks).
#[derive(Debug, Clone, Copy)]
pub enum Basic {}

/// An API token sent in a header (1&1's `X-TOKEN`).
#[derive(Debug, Clone, Copy)]
pub enum Token {}

/// A Memset API key: 32 hexadecimal digits, sent as the Basic authentication user name.
#[derive(Debug, Clone, Copy)]
pub enum ApiKey {}

impl Kind for Basic {
    const WHAT: &'static str = "password";
}

impl Kind for Token {
    const WHAT: &'static str = "API token";
}

impl Kind for ApiKey {
    const WHAT: &'static str = "API key";

    fn check_token(key: &str) -> Result<(), String> {
        let length = key.chars().count();
        if length == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(());
        }
        let not_hex = key.chars().filter(|c| !c.is_ascii_hexdigit()).count();
        let mut problem = format!("{length} characters");
        if not_hex > 0 {
            problem.push_str(&format!(", {not_hex} of them not hexadecimal digits"));
        }
        Err(format!(
            "the API key must be 32 hexadecimal digits, as Memset's control panel shows it; the \
             one given has {problem} (check for a truncated or mistyped key)"
        ))
    }
}

impl Credentials<Basic> {
    /// User name and password for HTTP Basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::of(Secret::Basic { username: username.into(), password: password.into() })
    }
}

impl Credentials<Token> {
    /// An API token, sent in the provider's header.
    pub fn token(token: impl Into<String>) -> Self {
        Self::of(Secret::Token(token.into()))
    }
}

impl Credentials<ApiKey> {
    /// A Memset API key (32 hexadecimal digits), sent as the Basic authentication user name.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::of(Secret::Token(key.into()))
    }
}

impl<K: Kind> Credentials<K> {
    pub(crate) fn of(secret: Secret) -> Self {
        Credentials { secret, kind: PhantomData }
    }

    /// The same secret, of no particular kind, as the transport keeps it.
    pub(crate) fn erase(self) -> AnyCredentials {
        AnyCredentials { secret: self.secret, check_token: K::check_token, what: K::WHAT }
    }
}

/// Refuses an empty `value`, or one holding a line break or another control character; `what`
/// names it in the error (`"password"`), which never shows the value.
pub(crate) fn check_plain(what: &str, value: &str) -> Result<(), ConfigError> {
    if value.is_empty() {
        return Err(ConfigError::new(format!("the {what} is empty")));
    }
    if value.contains(char::is_control) {
        let what_break =
            if value.contains(['\n', '\r']) { "a line break" } else { "a control character" };
        return Err(ConfigError::new(format!(
            "the {what} contains {what_break} (check for a trailing newline, e.g. from a file \
             or an environment variable)"
        )));
    }
    Ok(())
}

/// [`Credentials`] of any kind, as a [`TransportBuilder`](crate::TransportBuilder) holds them.
#[derive(Clone)]
pub(crate) struct AnyCredentials {
    secret: Secret,
    check_token: fn(&str) -> Result<(), String>,
    what: &'static str,
}

impl AnyCredentials {
    /// Refuses an empty or line-broken secret, and a token its kind does not accept.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        match &self.secret {
            Secret::Basic { username, password } => {
                check_plain("user name", username)?;
                check_plain("password", password)
            }
            Secret::Token(token) => {
                check_plain(self.what, token)?;
                (self.check_token)(token).map_err(ConfigError::new)
            }
        }
    }

    /// The API key or token, for [`Credentials::token`]; `None` for Basic credentials.
    pub(crate) fn api_key(&self) -> Option<&str> {
        match &self.secret {
            Secret::Token(token) => Some(token),
            Secret::Basic { .. } => None,
        }
    }

    /// Builds the authentication header for `scheme`; the value is marked sensitive.
    pub(crate) fn header_for(
        &self,
        scheme: &AuthScheme,
    ) -> Result<(HeaderName, HeaderValue), ConfigError> {
        match (scheme, &self.secret) {
            (AuthScheme::Basic, Secret::Basic { username, password }) => {
                if username.contains(':') {
                    return Err(ConfigError::new(
                        "the Basic authentication user name must not contain ':'",
                    ));
                }
                Ok((AUTHORIZATION, basic_value(username, password)?))
            }
            (AuthScheme::BasicUsername, Secret::Token(token)) => {
                if token.contains(':') {
                    return Err(ConfigError::new("the API key must not contain ':'"));
                }
                Ok((AUTHORIZATION, basic_value(token, "x")?))
            }
            (AuthScheme::Header(name), Secret::Token(token)) => {
                let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    ConfigError::new(format!("invalid authentication header name {name:?}"))
                })?;
                let mut value = HeaderValue::from_str(token).map_err(|_| {
                    ConfigError::new(
                        "the API token contains characters that are not allowed in an HTTP \
                         header (for example a trailing newline)",
                    )
                })?;
                value.set_sensitive(true);
                Ok((name, value))
            }
            (AuthScheme::Basic, Secret::Token(_)) => Err(ConfigError::new(
                "this provider uses a user name and password: use Credentials::basic, \
                 not Credentials::token",
            )),
            (AuthScheme::Header(_) | AuthScheme::BasicUsername, Secret::Basic { .. }) => {
                Err(ConfigError::new(
                    "this provider uses an API token: use Credentials::token, \
                     not Credentials::basic",
                ))
            }
        }
    }
}

impl AnyCredentials {
    /// What must never appear in error texts: the password or token, its Base64 form, and the
    /// Base64 form the Authorization header carries (`user:password`, Memset's `key:x`).
    pub(crate) fn redactor(&self) -> Redactor {
        let (raw, header) = match &self.secret {
            Secret::Basic { username, password } => (password, format!("{username}:{password}")),
            Secret::Token(token) => (token, format!("{token}:x")),
        };
        let mut secrets = vec![raw.clone()];
        let mut base64 = |text: &str| {
            for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
                secrets.push(engine.encode(text));
            }
        };
        // a secret too short to search for is not searched for in Base64 either
        if raw.chars().count() >= Redactor::MIN_LEN {
            base64(raw);
        }
        base64(&header);
        Redactor::new(secrets)
    }
}

/// Replaces the client's secrets with `<redacted>` in text that came from a server (error
/// bodies, headers, decode messages), in case a server or proxy echoes them back.
///
/// A secret is found in every form a server plausibly echoes it in, and in any mix of them:
/// as it is; JSON- or Rust-escaped (`\"`, `\\`, `\/`, `\n`, `\u00e4`, `\u{e4}`, surrogate
/// pairs, as serde's error messages quote strings); percent-encoded (any case, any subset of
/// the characters, `+` for a space); HTML-escaped (`&amp;`, `&quot;`, `&#39;`, `&#xE4;`). Its
/// Base64 forms (standard and URL-safe alphabets, with and without padding) are secrets of
/// their own, found the same ways.
///
/// Secrets shorter than [`Redactor::MIN_LEN`] characters are not searched for: replacing
/// every `a` of a message would destroy it, and such a secret offers no protection anyway.
#[derive(Clone)]
pub(crate) struct Redactor {
    secrets: std::sync::Arc<[String]>,
    /// The bytes an occurrence can start with: the first byte of a secret, or one that starts
    /// an escape (`\`, `%`, `&`, and `+` for a secret that starts with a space).
    starts: std::sync::Arc<[bool; 256]>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new(Vec::new())
    }
}

impl Redactor {
    /// Secrets shorter than this are not redacted.
    pub(crate) const MIN_LEN: usize = 4;

    pub(crate) fn new(secrets: Vec<String>) -> Self {
        let mut secrets: Vec<String> =
            secrets.into_iter().filter(|s| s.chars().count() >= Self::MIN_LEN).collect();
        // longest first, so that a secret inside another is not replaced half-way
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        let mut starts = [false; 256];
        for secret in &secrets {
            if let Some(&first) = secret.as_bytes().first() {
                starts[usize::from(first)] = true;
                if first == b' ' {
                    starts[usize::from(b'+')] = true;
                }
                for escape in [b'\\', b'%', b'&'] {
                    starts[usize::from(escape)] = true;
                }
            }
        }
        Redactor { secrets: secrets.into(), starts: std::sync::Arc::new(starts) }
    }

    /// `text` with every secret replaced by `<redacted>`; borrowed when there is none.
    pub(crate) fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let bytes = text.as_bytes();
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut index = 0;
        while index < bytes.len() {
            if self.starts[usize::from(bytes[index])] {
                let found = self.secrets.iter().find_map(|secret| {
                    let length = encoded_at(&bytes[index..], secret)?;
                    text.is_char_boundary(index + length).then_some(length)
                });
                if let Some(length) = found {
                    let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                    out.push_str(&text[copied..index]);
                    out.push_str("<redacted>");
                    index += length;
                    copied = index;
                    continue;
                }
            }
            index += 1;
        }
        match out {
            None => Cow::Borrowed(text),
            Some(mut out) => {
                out.push_str(&text[copied..]);
                Cow::Owned(out)
            }
        }
    }

    /// Scrubs `text` in place.
    pub(crate) fn scrub_in_place(&self, text: &mut String) {
        if let Cow::Owned(scrubbed) = self.scrub(text) {
            *text = scrubbed;
        }
    }
}

/// The length in bytes of an occurrence of `secret` at the start of `text`, in any of the
/// encodings [`Redactor`] knows (mixed freely, character by character).
fn encoded_at(text: &[u8], secret: &str) -> Option<usize> {
    let mut at = 0;
    for c in secret.chars() {
        at += encoded_char_at(&text[at..], c)?;
    }
    Some(at)
}

/// The length of one encoding of `c` at the start of `text`.
fn encoded_char_at(text: &[u8], c: char) -> Option<usize> {
    let escaped = match text.first()? {
        b'\\' => backslash_escape(text).filter(|(decoded, _)| *decoded == c),
        b'&' => html_entity(text).filter(|(decoded, _)| *decoded == c),
        _ => None,
    };
    if let Some((_, length)) = escaped {
        return Some(length);
    }
    // the UTF-8 bytes of `c`, each as it is, percent-encoded, or `+` for a space
    let mut buffer = [0; 4];
    let mut at = 0;
    for &byte in c.encode_utf8(&mut buffer).as_bytes() {
        at += match text.get(at..)? {
            [first, ..] if *first == byte => 1,
            [b'+', ..] if byte == b' ' => 1,
            [b'%', high, low, ..] if hex(*high)? << 4 | hex(*low)? == byte => 3,
            _ => return None,
        };
    }
    Some(at)
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|value| u8::try_from(value).ok())
}

/// Hex digits at the start of `text` (at most `max`) and their value.
fn hex_number(text: &[u8], max: usize) -> (usize, u32) {
    let digits = text.iter().take(max).take_while(|b| b.is_ascii_hexdigit()).count();
    let value = text[..digits].iter().fold(0u32, |value, &b| {
        value.wrapping_mul(16).wrapping_add(u32::from(hex(b).unwrap_or(0)))
    });
    (digits, value)
}

/// A JSON or Rust escape at the start of `text` (which starts with `\`): the character it
/// stands for and its length.
fn backslash_escape(text: &[u8]) -> Option<(char, usize)> {
    let simple = match *text.get(1)? {
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'0' => Some('\0'),
        quoted @ (b'"' | b'\\' | b'/' | b'\'') => Some(char::from(quoted)),
        _ => None,
    };
    if let Some(c) = simple {
        return Some((c, 2));
    }
    match *text.get(1)? {
        // Rust: \u{e4}
        b'u' if text.get(2) == Some(&b'{') => {
            let (digits, value) = hex_number(&text[3..], 6);
            (digits > 0 && text.get(3 + digits) == Some(&b'}'))
                .then(|| char::from_u32(value).map(|c| (c, digits + 4)))
                .flatten()
        }
        // JSON: \u00e4, or a surrogate pair \ud83d\ude00
        b'u' => {
            let (4, unit) = hex_number(&text[2..], 4) else { return None };
            if (0xD800..0xDC00).contains(&unit) {
                let rest = text.get(6..)?;
                let (b'\\', Some(b'u')) = (*rest.first()?, rest.get(1)) else { return None };
                let (4, low) = hex_number(&rest[2..], 4) else { return None };
                let c = char::decode_utf16([unit as u16, low as u16]).next()?.ok()?;
                Some((c, 12))
            } else {
                char::from_u32(unit).map(|c| (c, 6))
            }
        }
        // Python and JavaScript: \xe4
        b'x' => {
            let (2, value) = hex_number(&text[2..], 2) else { return None };
            char::from_u32(value).map(|c| (c, 4))
        }
        _ => None,
    }
}

/// An HTML character reference at the start of `text` (which starts with `&`): the character
/// it stands for and its length.
fn html_entity(text: &[u8]) -> Option<(char, usize)> {
    let end = text.iter().take(12).position(|&b| b == b';')?;
    let name = &text[1..end];
    let c = match name {
        b"amp" => '&',
        b"lt" => '<',
        b"gt" => '>',
        b"quot" => '"',
        b"apos" => '\'',
        [b'#', b'x' | b'X', digits @ ..] => {
            let (length, value) = hex_number(digits, 8);
            if length != digits.len() || length == 0 {
                return None;
            }
            char::from_u32(value)?
        }
        [b'#', digits @ ..] => {
            let text = std::str::from_utf8(digits).ok()?;
            char::from_u32(text.parse().ok()?)?
        }
        _ => return None,
    };
    Some((c, end + 1))
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor(<{} secrets>)", self.secrets.len())
    }
}

impl<K: Kind> fmt::Debug for Credentials<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_secret(&self.secret, f)
    }
}

impl fmt::Debug for AnyCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_secret(&self.secret, f)
    }
}

fn debug_secret(secret: &Secret, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match secret {
        Secret::Basic { username, .. } => f
            .debug_struct("Credentials::Basic")
            .field("username", username)
            .field("password", &"<redacted>")
            .finish(),
        Secret::Token(_) => f.debug_tuple("Credentials::Token").field(&"<redacted>").finish(),
    }
}

/// `Basic base64(user:password)`, marked sensitive.
fn basic_value(username: &str, password: &str) -> Result<HeaderValue, ConfigError> {
    let text = format!("Basic {}", STANDARD.encode(format!("{username}:{password}")));
    // Base64 output is always a valid header value; the error branch is defensive only.
    let mut value = HeaderValue::from_str(&text)
        .map_err(|_| ConfigError::new("could not build the Authorization header"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let basic = Credentials::basic("bob", "hunter2");
        let text = format!("{basic:?}");
        assert_eq!(text, r#"Credentials::Basic { username: "bob", password: "<redacted>" }"#);
        assert!(!format!("{basic:#?}").contains("hunter2"));

        let token = Credentials::token("s3cr3t-token");
        assert_eq!(format!("{token:?}"), r#"Credentials::Token("<redacted>")"#);
        assert!(!format!("{token:#?}").contains("s3cr3t"));
    }

    #[test]
    fn redactor_scrubs_passwords_tokens_and_their_base64() {
        let basic = Credentials::basic("Aladdin", "open sesame").erase().redactor();
        let echoed = "bad password 'open sesame' in Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
        assert_eq!(basic.scrub(echoed), "bad password '<redacted>' in Basic <redacted>");
        let mut text = String::from("no secret here");
        basic.scrub_in_place(&mut text);
        assert_eq!(text, "no secret here");

        let token = Credentials::token("0123456789abcdef").erase().redactor();
        assert_eq!(token.scrub("key=0123456789abcdef!"), "key=<redacted>!");
        // the token, its Base64 forms and those of `token:x` (padded ones equal unpadded ones)
        assert_eq!(format!("{token:?}"), "Redactor(<4 secrets>)");

        // a secret too short to search for is left alone (and its Base64 form still redacted)
        let short = Credentials::basic("u", "pw").erase().redactor();
        assert_eq!(short.scrub("pw dT pw"), "pw dT pw");
        assert_eq!(short.scrub("dTpwdw=="), "<redacted>");
    }

    /// Encodings of `text` a server may echo, as the tests build them (independently of the
    /// matcher): JSON with and without `\/` and `\uXXXX`, Rust `Debug`, percent-encoding in
    /// both cases and as a form, HTML.
    fn echoes(text: &str) -> Vec<String> {
        let json = serde_json::to_string(text).expect("a string");
        let json = json[1..json.len() - 1].to_owned();
        let ascii_json = |upper: bool| -> String {
            json.chars()
                .map(|c| match c {
                    '/' => r"\/".to_owned(),
                    c if !c.is_ascii() => {
                        let mut units = [0; 2];
                        let units = c.encode_utf16(&mut units).iter();
                        if upper {
                            units.map(|u| format!("\\u{u:04X}")).collect()
                        } else {
                            units.map(|u| format!("\\u{u:04x}")).collect()
                        }
                    }
                    c => c.to_string(),
                })
                .collect()
        };
        let debug = format!("{text:?}");
        let percent = |upper: bool| -> String {
            text.bytes()
                .map(|b| match b {
                    b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => {
                        char::from(b).to_string()
                    }
                    b if upper => format!("%{b:02X}"),
                    b => format!("%{b:02x}"),
                })
                .collect()
        };
        let html = text
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
            .replace('<', "&lt;");
        vec![
            text.to_owned(),
            ascii_json(true),
            ascii_json(false),
            json,
            debug[1..debug.len() - 1].to_owned(),
            percent(true),
            percent(false),
            percent(true).replace("%20", "+"),
            html,
        ]
    }

    #[test]
    fn redactor_finds_secrets_in_every_encoding_a_server_echoes() {
        for password in ["p\u{e4}\"ss\\w/rd&1 +x<y>'z", "pass\u{1F600}word", "sp ace\ttab\nline"] {
            let credentials = Credentials::basic("user@example.com", password);
            let redactor = credentials.clone().erase().redactor();
            let header = format!("user@example.com:{password}");
            let mut forms = echoes(password);
            for text in [password, header.as_str()] {
                for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
                    forms.extend(echoes(&engine.encode(text)));
                }
            }
            for form in forms {
                let echoed = format!("{{\"message\":\"bad password '{form}' for Basic x\"}}");
                let scrubbed = redactor.scrub(&echoed);
                assert_eq!(
                    scrubbed, "{\"message\":\"bad password '<redacted>' for Basic x\"}",
                    "{password:?} echoed as {form:?}"
                );
            }
        }
    }

    #[test]
    fn redactor_leaves_other_text_alone() {
        let redactor = Credentials::basic("user", "p\u{e4}ss&word").erase().redactor();
        for text in [
            "",
            "no secret here",
            "p\u{e4}ss&wor",
            "p%C3%A4ss%26wor%",
            "p\\u00e4ss&amp;wor\\",
            "%",
            "\\",
            "&",
            "&#xffffffffff;",
            "&#99999999999;",
            "\\u{110000}",
            "\\ud800\\u0041",
            "\\u{",
            "%e",
            "\u{e4}\u{1F600}",
        ] {
            assert_eq!(redactor.scrub(text), text, "{text:?}");
            assert!(matches!(redactor.scrub(text), Cow::Borrowed(_)));
        }
        // around a match, the text is kept exactly
        assert_eq!(
            redactor.scrub("ä>p%C3%a4ss\\u0026word<ä p\u{e4}ss&word"),
            "ä><redacted><ä <redacted>"
        );
    }

    #[test]
    fn basic_header_is_sensitive() {
        let (name, value) = Credentials::basic("Aladdin", "open sesame")
            .erase()
            .header_for(&AuthScheme::Basic)
            .expect("valid credentials");
        assert_eq!(name, AUTHORIZATION);
        assert_eq!(value, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("QWxh"));
    }

    #[test]
    fn basic_username_header_uses_x_password() {
        let (name, value) = Credentials::token("key")
            .erase()
            .header_for(&AuthScheme::BasicUsername)
            .expect("valid credentials");
        assert_eq!(name, AUTHORIZATION);
        // base64("key:x")
        assert_eq!(value, "Basic a2V5Ong=");
        assert!(value.is_sensitive());
    }

    #[test]
    fn token_header_is_sensitive() {
        let (name, value) = Credentials::token("abc123")
            .erase()
            .header_for(&AuthScheme::Header("X-TOKEN"))
            .expect("valid credentials");
        assert_eq!(name.as_str(), "x-token");
        assert_eq!(value, "abc123");
        assert!(value.is_sensitive());
    }

    #[test]
    fn mismatches_and_bad_values_are_config_errors_without_secrets() {
        let cases = [
            (Credentials::token("tok-secret").erase(), AuthScheme::Basic),
            (Credentials::basic("u", "pw-secret").erase(), AuthScheme::Header("X-TOKEN")),
            (Credentials::basic("u", "pw-secret").erase(), AuthScheme::BasicUsername),
            (Credentials::token("tok-secret\n").erase(), AuthScheme::Header("X-TOKEN")),
            (Credentials::token("tok-secret").erase(), AuthScheme::Header("bad header")),
            (Credentials::basic("a:b", "pw-secret").erase(), AuthScheme::Basic),
            (Credentials::api_key("tok:secret").erase(), AuthScheme::BasicUsername),
        ];
        for (credentials, scheme) in cases {
            let error = credentials.header_for(&scheme).expect_err("should be rejected");
            let text = format!("{error} {error:?}");
            assert!(!text.contains("secret"), "{text}");
        }
    }

    #[test]
    fn empty_line_broken_and_malformed_secrets_are_refused_without_showing_them() {
        let refused = |credentials: AnyCredentials| -> String {
            let error = credentials.check().expect_err("refused");
            error.message().to_owned()
        };
        assert_eq!(refused(Credentials::basic("", "secret-pw").erase()), "the user name is empty");
        assert_eq!(refused(Credentials::basic("bob", "").erase()), "the password is empty");
        assert_eq!(refused(Credentials::token("").erase()), "the API token is empty");
        assert_eq!(refused(Credentials::api_key("").erase()), "the API key is empty");
        let broken = refused(Credentials::basic("bob", "secret-pw\n").erase());
        assert!(broken.starts_with("the password contains a line break"), "{broken}");
        let broken = refused(Credentials::token("secret-tok\r\n").erase());
        assert!(broken.starts_with("the API token contains a line break"), "{broken}");
        let control = refused(Credentials::basic("bob\u{7}", "secret-pw").erase());
        assert!(control.starts_with("the user name contains a control character"), "{control}");
        let short = refused(Credentials::api_key("5ecre7").erase());
        assert!(
            short.contains("must be 32 hexadecimal digits") && short.contains("has 6 characters"),
            "{short}"
        );
        let not_hex = refused(Credentials::api_key("0123456789abcdef0123456789abcdeZ").erase());
        assert!(not_hex.contains("32 characters, 1 of them not hexadecimal"), "{not_hex}");
        assert!(!not_hex.contains("0123456789abcdef"), "{not_hex}");

        assert!(Credentials::basic("bob", "pw").erase().check().is_ok());
        assert!(Credentials::token("any token").erase().check().is_ok());
        assert!(Credentials::api_key("0123456789ABCDEF0123456789abcdef").erase().check().is_ok());
    }
}
