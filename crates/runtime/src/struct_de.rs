//! Decoding the generated structs (models and operation arguments) from JSON objects.
//!
//! serde's `Deserialize` derive writes a field enum, its visitor and a sequence visitor into
//! every struct: most of a client crate's expanded code and of its build time. The generated
//! structs instead implement [`Members`] (an `index` match of their member names and one
//! `visit` with one match arm per member), and share the visitor, the key seed and the error
//! messages here. The messages are serde's own (`missing field`, `duplicate field`, `unknown
//! field ..., expected one of ...`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess};

/// A generated struct decoded from a map of its members.
pub trait Members: Sized {
    /// The struct's name, for errors (`expected struct Server`).
    const NAME: &'static str;
    /// Every name a member is read by, in member order (a member read by two names has both,
    /// sorted, as serde lists them); the keys of the `visit` match index this list.
    const NAMES: &'static [&'static str];
    /// Whether a key no member has is refused (callers' JSON, where a misspelt name must not
    /// be lost) rather than skipped (answers, which may carry members this crate lacks).
    const STRICT: bool = false;

    /// The index in [`NAMES`](Self::NAMES) of `key`, or [`OTHER`]: a `match`, which is
    /// faster than searching the list.
    fn index(key: &str) -> usize;

    /// Reads the members from `map`, with [`Keys`] and [`field`].
    ///
    /// # Errors
    ///
    /// The map's error for a member of the wrong type, a missing, repeated or (when
    /// [`STRICT`](Self::STRICT)) unknown one.
    fn visit<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The runtime's `serde`, for [`members!`](crate::members) expansions in crates that name
/// it otherwise or not at all.
#[doc(hidden)]
pub use serde as __serde;

/// Implements [`Members`] and (unless told otherwise) `Deserialize` for generated structs,
/// from a list of their members; the generated files end with one such list.
///
/// Each struct is `Name(unknown)` or `Name(unknown, own_deserialize)` and its members, where
/// `unknown` is `skip_unknown` (answers) or `refuse_unknown` (callers' JSON), and
/// `own_deserialize` leaves `Deserialize` to the struct (which then calls [`deserialize`]
/// itself). Each member is `required` or `optional` (left at its default when missing), its
/// field, the name errors give, and every name it is read by with its index in
/// [`Members::NAMES`]; `with` names a [`Decode`] marker for a member its type does not read
/// alone:
///
/// ```
/// use cloud_sdks_runtime as rt;
///
/// #[derive(Debug, PartialEq)]
/// struct Disk {
///     id: String,
///     size: Option<i64>,
/// }
///
/// rt::members! {
///     Disk(refuse_unknown) {
///         required id "id" [0 "disk_id", 1 "id"],
///         optional size "size" [2 "size"] with rt::lenient::OptionInteger,
///     }
/// }
///
/// let disk: Disk = rt::serde_json::from_str(r#"{"disk_id": "d1", "size": "20"}"#).unwrap();
/// assert_eq!(disk, Disk { id: "d1".into(), size: Some(20) });
/// let unknown = rt::serde_json::from_str::<Disk>(r#"{"id": "d1", "name": "x"}"#);
/// assert!(unknown.unwrap_err().to_string().starts_with("unknown field `name`"));
/// ```
///
/// A macro rather than written-out impls: the generated files stay short, and so does
/// regenerating them, while the compiled code is what the impls would be.
#[macro_export]
macro_rules! members {
    ($($ty:ident ($unknown:ident $(, $own:ident)?) { $($members:tt)* })*) => {
        $($crate::members!(@struct $ty $unknown { $($members)* });
        $crate::members!(@deserialize $ty $($own)?);)*
    };
    (@struct $ty:ident $unknown:ident {
        $($kind:ident $field:ident $wire:literal [$($index:literal $name:literal),+]
            $(with $decoder:expr)?),* $(,)?
    }) => {
        impl $crate::struct_de::Members for $ty {
            const NAME: &'static str = ::core::stringify!($ty);
            const NAMES: &'static [&'static str] = &[$($($name),+),*];
            const STRICT: bool = $crate::members!(@strict $unknown);

            fn index(key: &str) -> usize {
                match key {
                    $($($name => $index,)+)*
                    _ => $crate::struct_de::OTHER,
                }
            }

            // a deprecated field is still read
            #[allow(deprecated)]
            fn visit<'de, A: $crate::struct_de::__serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::core::result::Result<Self, A::Error> {
                $(let mut $field = ::core::option::Option::None;)*
                let keys = $crate::struct_de::Keys::of::<Self>();
                while let ::core::option::Option::Some(key) = keys.next(&mut map)? {
                    match key {
                        $($($index)|+ => $crate::members!(@read map $field $wire $($decoder)?),)*
                        _ => $crate::struct_de::skip(&mut map)?,
                    }
                }
                ::core::result::Result::Ok(Self {
                    $($field: $crate::members!(@init $kind $field $wire),)*
                })
            }
        }
    };
    (@strict refuse_unknown) => { true };
    (@strict skip_unknown) => { false };
    (@read $map:ident $field:ident $wire:literal) => {
        $crate::struct_de::field(&mut $map, &mut $field, $wire)?
    };
    (@read $map:ident $field:ident $wire:literal $decoder:expr) => {
        $crate::struct_de::field_with(&mut $map, &mut $field, $wire, $decoder)?
    };
    (@init required $field:ident $wire:literal) => {
        $crate::struct_de::required($field, $wire)?
    };
    (@init optional $field:ident $wire:literal) => {
        $field.unwrap_or_default()
    };
    (@deserialize $ty:ident own_deserialize) => {};
    (@deserialize $ty:ident) => {
        impl<'de> $crate::struct_de::__serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::struct_de::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::struct_de::deserialize(deserializer)
            }
        }
    };
}

/// What the generated `Deserialize` impls call: decodes a map into `T`.
///
/// # Errors
///
/// The deserializer's error when the value is not a map, or as [`Members::visit`].
pub fn deserialize<'de, T: Members, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, T::NAMES, StructVisitor(PhantomData))
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Members> de::Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit(map)
    }
}

/// Reads the keys of one map: each gives the index in a struct's [`Members::NAMES`] of the
/// member it names, or [`OTHER`]. It is also the seed each key is read with.
#[derive(Clone, Copy)]
pub struct Keys {
    names: &'static [&'static str],
    strict: bool,
    index: fn(&str) -> usize,
}

impl Keys {
    /// The keys of the struct `T`.
    pub fn of<T: Members>() -> Self {
        Keys { names: T::NAMES, strict: T::STRICT, index: T::index }
    }

    /// The index of the next key, [`OTHER`] for a key no member has (its value still to be
    /// [`skip`]ped), or `None` at the end of the map.
    ///
    /// # Errors
    ///
    /// A key that is not a string, or (when strict) an unknown one.
    pub fn next<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<Option<usize>, A::Error> {
        map.next_key_seed(*self)
    }

    fn known<E: de::Error>(&self, key: &str) -> Result<usize, E> {
        match (self.index)(key) {
            OTHER if self.strict => Err(E::unknown_field(key, self.names)),
            index => Ok(index),
        }
    }
}

/// [`Keys::next`]'s answer for a key no member has.
pub const OTHER: usize = usize::MAX;

/// Reads the value of a member into its `slot`, refusing a second one.
///
/// # Errors
///
/// The value's own error, or `duplicate field` when the member was already read.
pub fn field<'de, T: DeserializeOwned, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    field_with(map, slot, name, ByType)
}

/// [`field`] for a member read by its own decoder rather than its type's `Deserialize`.
///
/// # Errors
///
/// As [`field`].
pub fn field_with<'de, T, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
    decoder: impl Decode<T>,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value_seed(With(decoder, PhantomData))?);
    Ok(())
}

/// Skips the value of a key no member has.
///
/// # Errors
///
/// The map's error when the value is malformed.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// A required member's value, or `missing field` when the map had none.
///
/// # Errors
///
/// `missing field` naming the member.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// A decoder of one member's value, for members whose wire form their type does not read
/// alone (numbers sent as text, a `null` that clears).
pub trait Decode<T> {
    /// Decodes the value.
    ///
    /// # Errors
    ///
    /// The deserializer's error for a value the decoder does not accept.
    fn decode<'de, D: Deserializer<'de>>(&self, deserializer: D) -> Result<T, D::Error>;
}

/// The member type's own `Deserialize`, for [`field`].
struct ByType;

impl<T: DeserializeOwned> Decode<T> for ByType {
    fn decode<'de, D: Deserializer<'de>>(&self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

struct With<C, T>(C, PhantomData<T>);

impl<'de, T, C: Decode<T>> DeserializeSeed<'de> for With<C, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        self.0.decode(deserializer)
    }
}

impl<'de> DeserializeSeed<'de> for Keys {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl de::Visitor<'_> for Keys {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        self.known(key)
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        self.known(&String::from_utf8_lossy(key))
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<usize, E> {
        match usize::try_from(index) {
            Ok(index) if index < self.names.len() => Ok(index),
            _ if self.strict => Err(E::invalid_value(
                de::Unexpected::Unsigned(index),
                &format!("field index 0 <= i < {}", self.names.len()).as_str(),
            )),
            _ => Ok(OTHER),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Disk {
        id: String,
        size: Option<i64>,
    }

    crate::members! {
        Disk(refuse_unknown) {
            required id "id" [0 "disk_id", 1 "id"],
            optional size "size" [2 "size"],
        }
    }

    fn decode(value: serde_json::Value) -> Result<Disk, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn members_are_read_by_every_name_and_optional_ones_may_be_missing_or_null() {
        let disk = Disk { id: "d1".into(), size: Some(20) };
        assert_eq!(decode(json!({"id": "d1", "size": 20})), Ok(disk));
        let bare = Disk { id: "d1".into(), size: None };
        assert_eq!(decode(json!({"disk_id": "d1"})), Ok(bare));
        assert_eq!(
            decode(json!({"id": "d1", "size": null})),
            Ok(Disk { id: "d1".into(), size: None })
        );
        let text = r#"{"size": 5, "id": "d\u0031"}"#;
        assert_eq!(
            serde_json::from_str::<Disk>(text).map_err(|e| e.to_string()),
            Ok(Disk { id: "d1".into(), size: Some(5) })
        );
    }

    /// The same struct as serde's derive reads it, to compare with.
    mod derived {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Disk {
            #[serde(rename = "id", alias = "disk_id")]
            pub id: String,
            #[serde(default)]
            pub size: Option<i64>,
        }
    }

    #[test]
    fn answers_and_errors_are_the_ones_serde_derive_gives() {
        // serde's derive also reads a struct from a sequence of its members in order; no
        // generated struct is ever sent that way, so that form is left out here
        let texts = [
            r#"{"id": "d1", "size": 20}"#,
            r#"{"disk_id": "d1"}"#,
            r#"{"size": 1}"#,
            r#"{"id": "a", "name": "b"}"#,
            r#"{"id": 4}"#,
            r#""d1""#,
            r#"{"id": "a", "disk_id": "b"}"#,
            r#"{"id": "a", "size": 1, "size": 2}"#,
            r#"{"id": "a", "size": "2"}"#,
            r#"{"id": "a""#,
            "null",
        ];
        for text in texts {
            let ours = serde_json::from_str::<Disk>(text)
                .map(|d| (d.id, d.size))
                .map_err(|e| e.to_string());
            let derived = serde_json::from_str::<derived::Disk>(text)
                .map(|d| (d.id, d.size))
                .map_err(|e| e.to_string());
            assert_eq!(ours, derived, "{text}");
        }
        assert_eq!(decode(json!({"size": 1})), Err("missing field `id`".into()));
        assert_eq!(
            decode(json!({"id": "a", "name": "b"})),
            Err("unknown field `name`, expected one of `disk_id`, `id`, `size`".into())
        );
    }
}
