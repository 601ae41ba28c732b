//! `set[T]` and `frozenset[T]`: an `IndexSet`, the order read kept and duplicates dropped.
use pyo3::prelude::*;

/// `set[T]`: an `IndexSet`, the order read kept and duplicates dropped as pydantic drops them.
/// pydantic writes a set in Python's iteration order, which is hash-seeded: the same items,
/// perhaps in another order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Set<T: std::hash::Hash + Eq>(pub indexmap::IndexSet<T>);

/// `frozenset[T]`: as `Set`, a Python `frozenset` on the way back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct FrozenSet<T: std::hash::Hash + Eq>(pub indexmap::IndexSet<T>);

macro_rules! set_conversions {
    ($name:ident, $py:ident) => {
        impl<T: std::hash::Hash + Eq> Default for $name<T> {
            fn default() -> Self {
                Self(indexmap::IndexSet::new())
            }
        }

        impl<'a, 'py, T> FromPyObject<'a, 'py> for $name<T>
        where
            T: pyo3::conversion::FromPyObjectOwned<'py> + std::hash::Hash + Eq,
        {
            type Error = PyErr;

            fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
                let mut out = indexmap::IndexSet::new();
                for item in obj.try_iter()? {
                    out.insert(item?.extract::<T>().map_err(Into::into)?);
                }
                Ok(Self(out))
            }
        }

        impl<'py, T> IntoPyObject<'py> for $name<T>
        where
            T: IntoPyObject<'py> + std::hash::Hash + Eq,
        {
            type Target = PyAny;
            type Output = Bound<'py, PyAny>;
            type Error = PyErr;

            fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(pyo3::types::$py::new(py, self.0)?.into_any())
            }
        }

        impl<'a, 'py, T> IntoPyObject<'py> for &'a $name<T>
        where
            &'a T: IntoPyObject<'py>,
            T: std::hash::Hash + Eq,
        {
            type Target = PyAny;
            type Output = Bound<'py, PyAny>;
            type Error = PyErr;

            fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok(pyo3::types::$py::new(py, self.0.iter())?.into_any())
            }
        }
    };
}

set_conversions!(Set, PySet);
set_conversions!(FrozenSet, PyFrozenSet);
