//! API credentials and the authentication header built from them.
//!
//! [`Credentials`] never reveal their secret: `Debug` redacts it, and the header value built
//! from it is marked sensitive so that `http`'s own `Debug` output hides it as well.

use std::borrow::Cow;
use std::fmt;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};

use crate::error::ConfigError;
use crate::provider::AuthScheme;

/// The secret used to authenticate requests.
///
/// Use [`Credentials::basic`] for [`AuthScheme::Basic`] and [`Credentials::token`] for
/// [`AuthScheme::Header`] and [`AuthScheme::BasicUsername`]; a mismatch is reported by
/// [`TransportBuilder::build`](crate::TransportBuilder::build).
#[derive(Clone)]
pub struct Credentials {
    secret: Secret,
}

#[derive(Clone)]
enum Secret {
    Basic { username: String, password: String },
    Token(String),
}

impl Credentials {
    /// User name and password for HTTP Basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials {
            secret: Secret::Basic { username: username.into(), password: password.into() },
        }
    }

    /// An API key or token, sent in a header ([`AuthScheme::Header`]) or as the Basic
    /// authentication user name ([`AuthScheme::BasicUsername`]).
    pub fn token(token: impl Into<String>) -> Self {
        Credentials { secret: Secret::Token(token.into()) }
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

impl Credentials {
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

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.secret {
            Secret::Basic { username, .. } => f
                .debug_struct("Credentials::Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Secret::Token(_) => f.debug_tuple("Credentials::Token").field(&"<redacted>").finish(),
        }
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
        let basic = Credentials::basic("Aladdin", "open sesame").redactor();
        let echoed = "bad password 'open sesame' in Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
        assert_eq!(basic.scrub(echoed), "bad password '<redacted>' in Basic <redacted>");
        let mut text = String::from("no secret here");
        basic.scrub_in_place(&mut text);
        assert_eq!(text, "no secret here");

        let token = Credentials::token("0123456789abcdef").redactor();
        assert_eq!(token.scrub("key=0123456789abcdef!"), "key=<redacted>!");
        // the token, its Base64 forms and those of `token:x` (padded ones equal unpadded ones)
        assert_eq!(format!("{token:?}"), "Redactor(<4 secrets>)");

        // a secret too short to search for is left alone (and its Base64 form still redacted)
        let short = Credentials::basic("u", "pw").redactor();
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
            let redactor = credentials.redactor();
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
        let redactor = Credentials::basic("user", "p\u{e4}ss&word").redactor();
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
            .header_for(&AuthScheme::Header("X-TOKEN"))
            .expect("valid credentials");
        assert_eq!(name.as_str(), "x-token");
        assert_eq!(value, "abc123");
        assert!(value.is_sensitive());
    }

    #[test]
    fn mismatches_and_bad_values_are_config_errors_without_secrets() {
        let cases = [
            (Credentials::token("tok-secret"), AuthScheme::Basic),
            (Credentials::basic("u", "pw-secret"), AuthScheme::Header("X-TOKEN")),
            (Credentials::basic("u", "pw-secret"), AuthScheme::BasicUsername),
            (Credentials::token("tok-secret\n"), AuthScheme::Header("X-TOKEN")),
            (Credentials::token("tok-secret"), AuthScheme::Header("bad header")),
            (Credentials::basic("a:b", "pw-secret"), AuthScheme::Basic),
            (Credentials::token("tok:secret"), AuthScheme::BasicUsername),
        ];
        for (credentials, scheme) in cases {
            let error = credentials.header_for(&scheme).expect_err("should be rejected");
            let text = format!("{error} {error:?}");
            assert!(!text.contains("secret"), "{text}");
        }
    }
}
