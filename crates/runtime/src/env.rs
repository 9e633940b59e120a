//! Credentials and a base URL from environment variables: each client crate's
//! `Client::from_env()` and `ClientBuilder::from_env()` read its documented variables
//! (`PROFITBRICKS_USERNAME`, `ONEANDONE_TOKEN`, `MEMSET_API_KEY`, ...) through the functions
//! here, and `ClientBuilder::from_lookup` reads them from anywhere else.
//!
//! The variables are read through a lookup function of the shape of [`std::env::var`], so
//! tests and programs with a configuration of their own need not touch the process
//! environment.

use std::env::VarError;
use std::fmt;

use crate::credentials::{check_plain, ApiKey, Basic, Credentials, Kind, Secret, Token};
use crate::error::ConfigError;

/// Reads one variable, as [`std::env::var`] does.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Result<String, VarError>;

/// Why a client could not be made from environment variables. Never shows a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvError {
    /// A variable the client needs is not set.
    Missing {
        /// The variable, e.g. `"MEMSET_API_KEY"`.
        variable: &'static str,
    },
    /// A variable the client needs is set to the empty string.
    Empty {
        /// The variable.
        variable: &'static str,
    },
    /// A variable is set, but its value cannot be used: not Unicode, a line break, a key of
    /// the wrong form, a URL that does not parse.
    Invalid {
        /// The variable.
        variable: &'static str,
        /// What is wrong with it (without its value when it is a secret).
        reason: String,
    },
    /// The variables were fine, but the client could not be built.
    Config(ConfigError),
}

impl EnvError {
    /// The variable that is missing, empty or invalid.
    pub fn variable(&self) -> Option<&'static str> {
        match self {
            EnvError::Missing { variable }
            | EnvError::Empty { variable }
            | EnvError::Invalid { variable, .. } => Some(variable),
            EnvError::Config(_) => None,
        }
    }
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvError::Missing { variable } => write!(
                f,
                "the environment variable {variable} is not set; set it, or make the client \
                 with Client::new"
            ),
            EnvError::Empty { variable } => {
                write!(f, "the environment variable {variable} is empty; give it a value")
            }
            EnvError::Invalid { variable, reason } => {
                write!(f, "the environment variable {variable} cannot be used: {reason}")
            }
            EnvError::Config(error) => fmt::Display::fmt(error, f),
        }
    }
}

impl std::error::Error for EnvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EnvError::Config(error) => Some(error),
            _ => None,
        }
    }
}

impl From<ConfigError> for EnvError {
    fn from(error: ConfigError) -> Self {
        EnvError::Config(error)
    }
}

impl<K> From<EnvError> for crate::Error<K> {
    fn from(error: EnvError) -> Self {
        match error {
            EnvError::Config(error) => crate::Error::Config(error),
            other => crate::Error::Config(ConfigError::new(other.to_string())),
        }
    }
}

/// The value of a required variable holding a secret called `what`.
fn secret(lookup: Lookup<'_>, variable: &'static str, what: &str) -> Result<String, EnvError> {
    let value = match lookup(variable) {
        Ok(value) => value,
        Err(VarError::NotPresent) => return Err(EnvError::Missing { variable }),
        Err(VarError::NotUnicode(_)) => {
            let reason = "its value is not valid Unicode".to_owned();
            return Err(EnvError::Invalid { variable, reason });
        }
    };
    if value.is_empty() {
        return Err(EnvError::Empty { variable });
    }
    check_plain(what, &value)
        .map_err(|error| EnvError::Invalid { variable, reason: error.message().to_owned() })?;
    Ok(value)
}

/// A token or key of kind `K` from `variable`.
fn token<K: Kind>(lookup: Lookup<'_>, variable: &'static str) -> Result<String, EnvError> {
    let value = secret(lookup, variable, K::WHAT)?;
    K::check_token(&value).map_err(|reason| EnvError::Invalid { variable, reason })?;
    Ok(value)
}

impl Credentials<Basic> {
    /// The user name from `user` and the password from `password`, read with `lookup`.
    ///
    /// # Errors
    ///
    /// [`EnvError`] naming the variable that is not set, empty, not Unicode or holds a line
    /// break.
    pub fn from_lookup(
        lookup: Lookup<'_>,
        user: &'static str,
        password: &'static str,
    ) -> Result<Self, EnvError> {
        let username = secret(lookup, user, "user name")?;
        let password = secret(lookup, password, "password")?;
        Ok(Credentials::of(Secret::Basic { username, password }))
    }
}

impl Credentials<Token> {
    /// The API token from `variable`, read with `lookup`.
    ///
    /// # Errors
    ///
    /// [`EnvError`] naming the variable if it is not set, empty, not Unicode or holds a line
    /// break.
    pub fn from_lookup(lookup: Lookup<'_>, variable: &'static str) -> Result<Self, EnvError> {
        token::<Token>(lookup, variable).map(|t| Credentials::of(Secret::Token(t)))
    }
}

impl Credentials<ApiKey> {
    /// The Memset API key from `variable`, read with `lookup`.
    ///
    /// # Errors
    ///
    /// [`EnvError`] naming the variable if it is not set, empty, not Unicode, holds a line
    /// break or is not 32 hexadecimal digits.
    pub fn from_lookup(lookup: Lookup<'_>, variable: &'static str) -> Result<Self, EnvError> {
        token::<ApiKey>(lookup, variable).map(|t| Credentials::of(Secret::Token(t)))
    }
}

/// The base URL in `variable`, if it is set and not empty.
///
/// # Errors
///
/// [`EnvError::Invalid`] naming the variable when it is not Unicode or not an `http(s)` URL
/// without user name, password, query or fragment. (Whether plain `http` is allowed is
/// checked when the client is built.)
pub fn base_url(lookup: Lookup<'_>, variable: &'static str) -> Result<Option<String>, EnvError> {
    let url = match lookup(variable) {
        Ok(url) if url.trim().is_empty() => return Ok(None),
        Ok(url) => url,
        Err(VarError::NotPresent) => return Ok(None),
        Err(VarError::NotUnicode(_)) => {
            let reason = "its value is not valid Unicode".to_owned();
            return Err(EnvError::Invalid { variable, reason });
        }
    };
    crate::transport::validate_base_url(&url, true)
        .map(Some)
        .map_err(|error| EnvError::Invalid { variable, reason: error.message().to_owned() })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::credentials::AnyCredentials;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Result<String, VarError> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| map.get(name).cloned().ok_or(VarError::NotPresent)
    }

    fn debug(credentials: AnyCredentials) -> String {
        format!("{credentials:?}")
    }

    #[test]
    fn basic_credentials_name_the_variable_that_is_missing_empty_or_broken() {
        let lookup = vars(&[("U", "bob"), ("P", "secret-pw")]);
        let ok = Credentials::<Basic>::from_lookup(&lookup, "U", "P").expect("both set");
        assert_eq!(
            debug(ok.erase()),
            r#"Credentials::Basic { username: "bob", password: "<redacted>" }"#
        );

        let missing = Credentials::<Basic>::from_lookup(&vars(&[("U", "bob")]), "U", "P");
        assert_eq!(missing.expect_err("no password"), EnvError::Missing { variable: "P" });
        let empty = Credentials::<Basic>::from_lookup(&vars(&[("U", ""), ("P", "x")]), "U", "P");
        assert_eq!(empty.expect_err("empty user").variable(), Some("U"));
        let broken = Credentials::<Basic>::from_lookup(
            &vars(&[("U", "bob"), ("P", "secret-pw\n")]),
            "U",
            "P",
        )
        .expect_err("line break");
        let text = broken.to_string();
        assert_eq!(broken.variable(), Some("P"));
        assert!(text.contains("P cannot be used: the password contains a line break"), "{text}");
        assert!(!text.contains("secret-pw"), "{text}");
    }

    #[test]
    fn tokens_and_api_keys_are_checked_as_they_are_read() {
        let token = Credentials::<Token>::from_lookup(&vars(&[("T", "tok")]), "T");
        assert!(token.is_ok());
        let not_unicode = |_: &str| Err(VarError::NotUnicode(std::ffi::OsString::from("x")));
        let error = Credentials::<Token>::from_lookup(&not_unicode, "T").expect_err("not unicode");
        assert_eq!(error.variable(), Some("T"));
        assert!(error.to_string().contains("not valid Unicode"), "{error}");

        let key = "0123456789abcdef0123456789abcdef";
        assert!(Credentials::<ApiKey>::from_lookup(&vars(&[("K", key)]), "K").is_ok());
        let error = Credentials::<ApiKey>::from_lookup(&vars(&[("K", "s3cret-key")]), "K")
            .expect_err("not a key");
        let text = error.to_string();
        assert!(matches!(error, EnvError::Invalid { variable: "K", .. }), "{error:?}");
        assert!(text.contains("32 hexadecimal digits") && !text.contains("s3cret"), "{text}");
        assert_eq!(
            Credentials::<ApiKey>::from_lookup(&vars(&[]), "K").expect_err("unset").to_string(),
            "the environment variable K is not set; set it, or make the client with Client::new"
        );
        assert_eq!(
            Credentials::<ApiKey>::from_lookup(&vars(&[("K", "")]), "K").expect_err("empty"),
            EnvError::Empty { variable: "K" }
        );
    }

    #[test]
    fn the_base_url_is_optional_but_must_be_a_url() {
        assert_eq!(base_url(&vars(&[]), "URL"), Ok(None));
        assert_eq!(base_url(&vars(&[("URL", " ")]), "URL"), Ok(None));
        assert_eq!(
            base_url(&vars(&[("URL", "https://api.example.com/v1/")]), "URL"),
            Ok(Some("https://api.example.com/v1".to_owned()))
        );
        for bad in ["not a url", "ftp://x", "https://user:pw@x", "https://x/?q=1"] {
            let error = base_url(&vars(&[("URL", bad)]), "URL").expect_err(bad);
            assert_eq!(error.variable(), Some("URL"), "{bad}");
        }
        // plain http is the builder's to judge (allow_insecure_http)
        assert!(base_url(&vars(&[("URL", "http://proxy.internal")]), "URL").is_ok());
    }
}
