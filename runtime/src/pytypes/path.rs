//! `pathlib.Path` (and `PurePath`, `PosixPath`, `PurePosixPath`), feature `path`: pydantic reads a
//! JSON string as `Path(text)` and writes `str(path)`, which pathlib has normalised. So the
//! text is normalised on the way in, by pathlib's POSIX rules (CPython 3.11): empty parts and
//! `.` parts dropped, `..` kept, a trailing `/` dropped, a root of exactly two slashes kept
//! (`//a`, as POSIX allows) and of three or more made one; nothing left is `.`.
use pyo3::prelude::*;

/// A Python `pathlib.Path`, held as the text `str(path)` gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(String);

impl Path {
    /// The path `text` names, normalised as `pathlib.PurePosixPath(text)` normalises it.
    pub fn new(text: &str) -> Self {
        let rest = text.trim_start_matches('/');
        let root = match text.len() - rest.len() {
            0 => "",
            2 => "//",
            _ => "/",
        };
        let parts: Vec<&str> = rest
            .split('/')
            .filter(|part| !part.is_empty() && *part != ".")
            .collect();
        let out = format!("{root}{}", parts.join("/"));
        Self(if out.is_empty() { ".".to_owned() } else { out })
    }

    /// The normalised text, as `str(path)` writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&Path> for std::path::PathBuf {
    fn from(path: &Path) -> Self {
        Self::from(&path.0)
    }
}

impl serde::Serialize for Path {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Path {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Path;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a path as a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Path, E> {
                Ok(Path::new(v))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Path {
    type Error = PyErr;

    /// A `pathlib` path (or a `str`), through `os.fspath`.
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let path: std::path::PathBuf = obj.extract()?;
        path.to_str()
            .map(Self::new)
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("the path is not valid UTF-8"))
    }
}

crate::into_py_by_class!(Path, "pathlib", "Path", |value, py| value.0.as_str());

#[cfg(test)]
mod tests {
    use super::Path;

    #[test]
    fn normalised_as_pathlib_does() {
        for (given, written) in [
            ("", "."),
            (".", "."),
            ("./", "."),
            ("a//b/./c/", "a/b/c"),
            ("//a", "//a"),
            ("///a", "/a"),
            ("/./a/../b", "/a/../b"),
            ("/", "/"),
            ("//", "//"),
            ("a/.", "a"),
            (" a /~", " a /~"),
        ] {
            assert_eq!(Path::new(given).as_str(), written, "{given:?}");
        }
        assert!(serde_json::from_str::<Path>("1").is_err());
        assert_eq!(
            serde_json::to_string(&serde_json::from_str::<Path>(r#""a/./b/""#).unwrap()).unwrap(),
            r#""a/b""#
        );
    }
}
