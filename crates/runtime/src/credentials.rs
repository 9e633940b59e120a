//! API credentials and the authentication header built from them.
//!
//! [`Credentials`] never reveal their secret: `Debug` redacts it, and the header value built
//! from it is marked sensitive so that `http`'s own `Debug` output hides it as well.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
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
    /// What must never appear in error texts: the password or token, and the Base64 form the
    /// Authorization header carries.
    pub(crate) fn redactor(&self) -> Redactor {
        let secrets = match &self.secret {
            Secret::Basic { username, password } => {
                vec![password.clone(), STANDARD.encode(format!("{username}:{password}"))]
            }
            Secret::Token(token) => vec![token.clone(), STANDARD.encode(format!("{token}:x"))],
        };
        Redactor::new(secrets)
    }
}

/// Replaces the client's secrets with `<redacted>` in text that came from a server (error
/// bodies, headers, decode messages), in case a server or proxy echoes them back.
///
/// Secrets shorter than [`Redactor::MIN_LEN`] characters are not searched for: replacing
/// every `a` of a message would destroy it, and such a secret offers no protection anyway.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: std::sync::Arc<[String]>,
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
        Redactor { secrets: secrets.into() }
    }

    /// `text` with every secret replaced by `<redacted>`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "<redacted>");
            }
        }
        out
    }

    /// Scrubs `text` in place.
    pub(crate) fn scrub_in_place(&self, text: &mut String) {
        if self.secrets.iter().any(|secret| text.contains(secret.as_str())) {
            *text = self.scrub(text);
        }
    }
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
        assert_eq!(format!("{token:?}"), "Redactor(<2 secrets>)");

        // a secret too short to search for is left alone (and its Base64 form still redacted)
        let short = Credentials::basic("u", "pw").redactor();
        assert_eq!(short.scrub("pw dT pw"), "pw dT pw");
        assert_eq!(short.scrub("dTpwdw=="), "<redacted>");
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
