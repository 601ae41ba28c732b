//! pydantic's URL types (feature `url`): `AnyUrl`, `AnyHttpUrl`, `HttpUrl`, `FileUrl`, `FtpUrl`,
//! `AnyWebsocketUrl`, `WebsocketUrl`. pydantic-core parses a URL with the `url` crate (2.5) and
//! writes the crate's serialisation (`"http://Example.COM"` -> `"http://example.com/"`, default
//! ports dropped, IDNA hosts in punycode, spaces percent-encoded); so does this module, with the
//! same crate, after the same checks in pydantic-core's order: a string (nothing else is a URL in
//! JSON), no longer than the type's `max_length` in UTF-8 bytes, not empty, parsed (lax mode:
//! syntax violations are fixed, not refused), then the scheme among the type's own.
use pyo3::prelude::*;

/// How one of pydantic's URL types constrains a URL (its `UrlConstraints`).
struct Kind {
    /// The class, in `pydantic`.
    class: &'static str,
    max_length: Option<usize>,
    /// None: any scheme.
    schemes: Option<&'static [&'static str]>,
}

fn parse(kind: &Kind, text: &str) -> Result<url::Url, String> {
    if let Some(max) = kind.max_length {
        if text.len() > max {
            return Err(format!("URL should have at most {max} characters"));
        }
    }
    if text.is_empty() {
        return Err("input should be a valid URL, input is empty".to_owned());
    }
    let parsed = url::Url::parse(text).map_err(|e| format!("input should be a valid URL, {e}"))?;
    if let Some(schemes) = kind.schemes {
        if !schemes.contains(&parsed.scheme()) {
            return Err(format!("URL scheme should be one of {schemes:?}"));
        }
    }
    Ok(parsed)
}

macro_rules! url_types {
    ($($(#[$doc:meta])* $name:ident: $max:expr, $schemes:expr;)*) => {$(
        impl $name {
            const KIND: Kind = Kind { class: stringify!($name), max_length: $max, schemes: $schemes };

            /// The URL `text` names, checked and normalised as pydantic does; an error says why not.
            pub fn parse(text: &str) -> Result<Self, String> {
                parse(&Self::KIND, text).map(Self)
            }

            /// The URL as pydantic writes it.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                Self::parse(text)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.0.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a URL as a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        $name::parse(v).map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }

        impl<'a, 'py> FromPyObject<'a, 'py> for $name {
            type Error = PyErr;

            /// A pydantic URL (or a `str`), by its text. Not checked against `max_length`: a
            /// pydantic URL is valid, and its text may be longer than the input it was read from
            /// (`"é"` is written `"%C3%A9"`), which pydantic checked.
            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                let text = obj.str()?;
                let kind = Kind { max_length: None, ..Self::KIND };
                parse(&kind, text.to_str()?)
                    .map(Self)
                    .map_err(pyo3::exceptions::PyValueError::new_err)
            }
        }

        crate::into_py_by_class!($name, "pydantic", $name::KIND.class, |value, py| value.0.as_str());
    )*};
}

/// `pydantic.AnyUrl`: any scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnyUrl(pub url::Url);

/// `pydantic.AnyHttpUrl`: `http` or `https`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnyHttpUrl(pub url::Url);

/// `pydantic.HttpUrl`: `http` or `https`, at most 2083 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HttpUrl(pub url::Url);

/// `pydantic.FileUrl`: `file`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileUrl(pub url::Url);

/// `pydantic.FtpUrl`: `ftp`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FtpUrl(pub url::Url);

/// `pydantic.AnyWebsocketUrl`: `ws` or `wss`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnyWebsocketUrl(pub url::Url);

/// `pydantic.WebsocketUrl`: `ws` or `wss`, at most 2083 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebsocketUrl(pub url::Url);

url_types! {
    AnyUrl: None, None;
    AnyHttpUrl: None, Some(&["http", "https"]);
    HttpUrl: Some(2083), Some(&["http", "https"]);
    FileUrl: None, Some(&["file"]);
    FtpUrl: None, Some(&["ftp"]);
    AnyWebsocketUrl: None, Some(&["ws", "wss"]);
    WebsocketUrl: Some(2083), Some(&["ws", "wss"]);
}

#[cfg(test)]
mod tests {
    use super::{AnyUrl, HttpUrl};

    #[test]
    fn normalised_as_pydantic_core_does() {
        let http = |text: &str| HttpUrl::parse(text).map(|u| u.as_str().to_owned());
        assert_eq!(http("http://Example.COM").unwrap(), "http://example.com/");
        assert_eq!(http(" http://a.com:80 ").unwrap(), "http://a.com/");
        assert_eq!(
            http("http://münchen.de").unwrap(),
            "http://xn--mnchen-3ya.de/"
        );
        assert_eq!(
            http("https://a.com:443/a b?q=1#f").unwrap(),
            "https://a.com/a%20b?q=1#f"
        );
        assert!(http("ftp://a.com").is_err());
        assert!(http("").is_err());
        assert!(http(&format!("http://a.com/{}", "a".repeat(2070))).is_ok()); // 2083 bytes
        assert!(http(&format!("http://a.com/{}", "a".repeat(2071))).is_err());
        assert_eq!(
            AnyUrl::parse("postgres://u@h/db").unwrap().as_str(),
            "postgres://u@h/db"
        );
        assert!(serde_json::from_str::<AnyUrl>("1").is_err());
    }
}
