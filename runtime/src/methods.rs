//! The traits whose methods the generated code calls, imported without their names:
//! `use ::dspygen_runtime::methods::*;` puts `obj.getattr(..)`, `.extract()`, `.iter()`, ...
//! in scope and no name at all, so a user's type called `Iterator` or `Python` shadows nothing
//! the generated code needs.
pub use pyo3::prelude::{
    PyAnyMethods as _, PyDictMethods as _, PyListMethods as _, PyStringMethods as _,
    PyTupleMethods as _, PyTypeMethods as _,
};
pub use pyo3::{BoundObject as _, IntoPyObject as _, IntoPyObjectExt as _};
pub use std::borrow::ToOwned as _;
pub use std::clone::Clone as _;
pub use std::iter::Iterator as _;
pub use std::string::ToString as _;
