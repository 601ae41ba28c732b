//! The shapes every generated crate repeats per type, written once: the serde impls of a
//! struct read through [`MapOnly`](crate::MapOnly) or [`KeyPriority`](crate::KeyPriority),
//! a union's `Deserialize`, and the forwarding `IntoPyObject` impls between `T` and `&T`.

/// `Serialize` and `Deserialize` for a struct deriving them with `#[serde(remote = "Self")]`:
/// written by the derive, read from a JSON object only (pydantic refuses an array of the
/// fields), in pydantic's lax mode ([`lax::Fields`](crate::lax::Fields)), and checked by the
/// struct's `validate` when given `validate`.
///
/// `map_only T`: keys as serde reads them. `key_priority T, groups = .., forbid = ..`: fields
/// with several keys are read as pydantic reads them ([`KeyPriority`](crate::KeyPriority)).
/// Then, optionally, `strict = &["key", ..]` (the keys of the fields read strictly:
/// `Field(strict=True)`, `Strict*` types) or `strict` (a `strict=True` model), then `validate`.
#[macro_export]
macro_rules! struct_serde {
    (map_only $ty:ty $(, $($rest:tt)+)?) => {
        $crate::struct_serde!(@reading $ty, (|d| $crate::MapOnly(d)), $($($rest)+)?);
    };
    (key_priority $ty:ty, groups = $groups:expr, forbid = $forbid:expr $(, $($rest:tt)+)?) => {
        $crate::struct_serde!(
            @reading $ty,
            (|d| $crate::KeyPriority { inner: d, groups: $groups, forbid: $forbid }),
            $($($rest)+)?
        );
    };
    (@reading $ty:ty, $make:tt, strict = $keys:expr $(, $validate:ident)?) => {
        $crate::struct_serde!(@impl $ty, $make, $crate::lax::Reading::Lax($keys) $(, $validate)?);
    };
    (@reading $ty:ty, $make:tt, strict $(, $validate:ident)?) => {
        $crate::struct_serde!(@impl $ty, $make, $crate::lax::Reading::Strict $(, $validate)?);
    };
    (@reading $ty:ty, $make:tt, $($validate:ident)?) => {
        $crate::struct_serde!(@impl $ty, $make, $crate::lax::Reading::Lax(&[]) $(, $validate)?);
    };
    (@impl $ty:ty, $make:tt, $reading:expr $(, $validate:ident)?) => {
        impl $crate::serde::Serialize for $ty {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                Self::serialize(self, serializer)
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let reader = $crate::lax::Fields { inner: $make(deserializer), reading: $reading };
                $crate::struct_serde!(@finish D, Self::deserialize(reader) $(, $validate)?)
            }
        }
    };
    // Without `validate` the value read is returned as it is, not taken apart by `?` and
    // rebuilt: a struct is then not copied once more on its way out.
    (@finish $d:ident, $read:expr) => {
        $read
    };
    (@finish $d:ident, $read:expr, $validate:ident) => {{
        let mut value = $read?;
        value.$validate().map_err(<$d::Error as $crate::serde::de::Error>::custom)?;
        ::std::result::Result::Ok(value)
    }};
}

/// `Deserialize` for a RootModel's struct (`Serialize` is derived, `transparent`): its one field
/// `root`, read in pydantic's lax mode ([`lax::root`](crate::lax::root)), or strictly when
/// given `strict` (`strict=True` on the RootModel).
#[macro_export]
macro_rules! root_deserialize {
    ($ty:ty) => {
        $crate::root_deserialize!(@impl $ty, false);
    };
    ($ty:ty, strict) => {
        $crate::root_deserialize!(@impl $ty, true);
    };
    (@impl $ty:ty, $strict:expr) => {
        impl<'de> $crate::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::lax::root(deserializer, $strict).map(|root| Self { root })
            }
        }
    };
}

/// `Deserialize` for a generated union enum: its JSON text is read first, then its
/// `from_json` (generated: pydantic's choice of arm) reads the arm
/// ([`unions::deserialize`](crate::unions::deserialize), feature `unions`).
#[macro_export]
macro_rules! union_deserialize {
    ($ty:ty) => {
        impl<'de> $crate::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::unions::deserialize(deserializer, Self::from_json)
            }
        }
    };
}

/// `IntoPyObject` for `&T`, by copying the value into `T`'s impl (`T: Copy`).
#[macro_export]
macro_rules! into_py_by_value {
    ($($ty:ty),* $(,)?) => {$(
        impl<'py> $crate::pyo3::IntoPyObject<'py> for &$ty {
            type Target = $crate::pyo3::PyAny;
            type Output = $crate::pyo3::Bound<'py, $crate::pyo3::PyAny>;
            type Error = $crate::pyo3::PyErr;

            fn into_pyobject(self, py: $crate::pyo3::Python<'py>) -> $crate::pyo3::PyResult<$crate::pyo3::Bound<'py, $crate::pyo3::PyAny>> {
                <$ty as $crate::pyo3::IntoPyObject<'py>>::into_pyobject(*self, py)
            }
        }
    )*};
}

/// `IntoPyObject` for `T` and `&T`: an instance of the Python class `module.class` (imported
/// once), built from one argument, `$arg`, an expression of `$value: &T` and `$py`.
#[macro_export]
macro_rules! into_py_by_class {
    ($ty:ty, $module:expr, $class:expr, |$value:ident, $py:ident| $arg:expr) => {
        impl<'py> $crate::pyo3::IntoPyObject<'py> for &$ty {
            type Target = $crate::pyo3::PyAny;
            type Output = $crate::pyo3::Bound<'py, $crate::pyo3::PyAny>;
            type Error = $crate::pyo3::PyErr;

            fn into_pyobject(
                self,
                $py: $crate::pyo3::Python<'py>,
            ) -> $crate::pyo3::PyResult<$crate::pyo3::Bound<'py, $crate::pyo3::PyAny>> {
                static CLASS: $crate::pyo3::sync::PyOnceLock<
                    $crate::pyo3::Py<$crate::pyo3::types::PyType>,
                > = $crate::pyo3::sync::PyOnceLock::new();
                let $value = self;
                CLASS.import($py, $module, $class)?.call1(($arg,))
            }
        }

        $crate::into_py_by_ref!($ty);
    };
}

/// `IntoPyObject` for `T`, through `&T`'s impl.
#[macro_export]
macro_rules! into_py_by_ref {
    ($($ty:ty),* $(,)?) => {$(
        impl<'py> $crate::pyo3::IntoPyObject<'py> for $ty {
            type Target = $crate::pyo3::PyAny;
            type Output = $crate::pyo3::Bound<'py, $crate::pyo3::PyAny>;
            type Error = $crate::pyo3::PyErr;

            fn into_pyobject(self, py: $crate::pyo3::Python<'py>) -> $crate::pyo3::PyResult<$crate::pyo3::Bound<'py, $crate::pyo3::PyAny>> {
                <&$ty as $crate::pyo3::IntoPyObject<'py>>::into_pyobject(&self, py)
            }
        }
    )*};
}

/// `FromPyObject` for a generated type: `from_py!(T, |obj| { .. })`, the block reading `obj`
/// (a `Borrowed<PyAny>`) into a `PyResult<T>`.
#[macro_export]
macro_rules! from_py {
    ($ty:ty, |$obj:ident| $body:block) => {
        impl<'a, 'py> $crate::pyo3::FromPyObject<'a, 'py> for $ty {
            type Error = $crate::pyo3::PyErr;

            fn extract(
                $obj: $crate::pyo3::Borrowed<'a, 'py, $crate::pyo3::PyAny>,
            ) -> $crate::pyo3::PyResult<Self> {
                $body
            }
        }
    };
}

/// `IntoPyObject` for a generated type (or a reference to one): `into_py!(&T, |value, py| { .. })`,
/// the block turning `value` into a `PyResult<Bound<PyAny>>` given `py`.
#[macro_export]
macro_rules! into_py {
    ($ty:ty, |$value:ident, $py:ident| $body:block) => {
        impl<'py> $crate::pyo3::IntoPyObject<'py> for $ty {
            type Target = $crate::pyo3::PyAny;
            type Output = $crate::pyo3::Bound<'py, $crate::pyo3::PyAny>;
            type Error = $crate::pyo3::PyErr;

            fn into_pyobject(
                self,
                $py: $crate::pyo3::Python<'py>,
            ) -> $crate::pyo3::PyResult<$crate::pyo3::Bound<'py, $crate::pyo3::PyAny>> {
                let $value = self;
                $body
            }
        }
    };
}

/// `Signature::python_class` for a generated signature, inside its `impl Signature`: the
/// class is imported (or built from the text) once per process, from `Self::PYTHON`.
#[macro_export]
macro_rules! signature_class {
    () => {
        fn python_class(
            py: $crate::pyo3::Python<'_>,
        ) -> $crate::pyo3::PyResult<$crate::pyo3::Bound<'_, $crate::pyo3::types::PyType>> {
            static CLASS: $crate::pyo3::sync::PyOnceLock<
                $crate::pyo3::Py<$crate::pyo3::types::PyType>,
            > = $crate::pyo3::sync::PyOnceLock::new();
            $crate::load_signature(py, &CLASS, &Self::PYTHON, Self::INSTRUCTIONS, Self::NAME)
        }
    };
}

/// `obj.getattr(name)`, the name interned once per call site: how the generated conversions
/// read a pydantic instance's field. A `PyResult<Bound<PyAny>>`.
#[macro_export]
macro_rules! getattr {
    ($obj:expr, $name:literal) => {{
        use $crate::pyo3::types::PyAnyMethods as _;
        let obj = &$obj;
        obj.getattr($crate::pyo3::intern!(obj.py(), $name))
    }};
}

/// `dict.set_item(key, value)`, the key interned once per call site: how the generated
/// conversions build the keyword arguments of a model or a signature. A `PyResult<()>`.
#[macro_export]
macro_rules! set_item {
    ($dict:expr, $key:literal, $value:expr) => {{
        use $crate::pyo3::types::PyDictMethods as _;
        let dict = &$dict;
        dict.set_item($crate::pyo3::intern!(dict.py(), $key), $value)
    }};
}

/// `FromPyObject` and `IntoPyObject` (for `T` and `&T`) of a generated enum of strings (its
/// `ALL`, `value` and `from_value`). The Python objects of its variants are looked up once per
/// process: crossing into Python is then no call, and reading one back a pointer comparison.
///
/// - `str_enum_py!(T, "T", class "module", "Qualname")`: a Python `Enum` of strings, whose
///   members are the objects; a member's value given as a plain `str` is read too (pydantic
///   keeps a default such as `kind: Color = "red"` as the plain str, unvalidated);
/// - `str_enum_py!(T, "T", literal)`: a `Literal` of strings, whose values are interned.
///
/// The name, `"T"`, is the one a refused value's error shows.
#[macro_export]
macro_rules! str_enum_py {
    ($ty:ty, $name:literal, class $module:literal, $qualname:literal) => {
        $crate::str_enum_py!(@members $ty, |py| {
            static CLASS: $crate::ClassCell = $crate::ClassCell::new();
            let class = $crate::import_class(py, &CLASS, $module, $qualname)?;
            Self::ALL
                .iter()
                .map(|variant| ::std::result::Result::Ok(class.call1((variant.value(),))?.unbind()))
                .collect()
        });

        $crate::str_enum_py!(@from $ty, $name, |obj| {
            if obj.is_exact_instance_of::<$crate::pyo3::types::PyString>() {
                obj.to_owned()
            } else {
                $crate::getattr!(obj, "value")?
            }
        });
    };
    ($ty:ty, $name:literal, literal) => {
        $crate::str_enum_py!(@members $ty, |py| {
            Self::ALL
                .iter()
                .map(|variant| {
                    ::std::result::Result::Ok(
                        $crate::pyo3::types::PyString::intern(py, variant.value()).into_any().unbind(),
                    )
                })
                .collect()
        });

        $crate::str_enum_py!(@from $ty, $name, |obj| { obj.to_owned() });
    };
    // The objects of the variants, in the order of `ALL`, made by `$make` once per process.
    (@members $ty:ty, |$py:ident| $make:block) => {
        impl $ty {
            fn py_members(
                $py: $crate::pyo3::Python<'_>,
            ) -> $crate::pyo3::PyResult<&'static [$crate::pyo3::Py<$crate::pyo3::PyAny>]> {
                use $crate::methods::*;
                static MEMBERS: $crate::MemberCell = $crate::MemberCell::new();
                $crate::members($py, &MEMBERS, || $make)
            }
        }
    };
    // `$text` is the Python str holding the value, given `$obj` that is none of the objects.
    (@from $ty:ty, $name:literal, |$obj:ident| $text:block) => {
        $crate::from_py!($ty, |$obj| {
            use $crate::methods::*;
            // One of the objects this crate gives Python (a member; an interned string): no call.
            if let ::std::result::Result::Ok(members) = Self::py_members($obj.py()) {
                if let ::std::option::Option::Some(index) = $crate::member_index(members, &$obj) {
                    return ::std::result::Result::Ok(Self::ALL[index]);
                }
            }
            let value = $text;
            let text = value.cast::<$crate::pyo3::types::PyString>()?.to_str()?;
            Self::from_value(text).ok_or_else(|| {
                $crate::pyo3::exceptions::PyValueError::new_err(::std::format!(
                    "{:?} is not a value of {}",
                    text,
                    $name
                ))
            })
        });

        $crate::into_py!($ty, |value, py| {
            ::std::result::Result::Ok(Self::py_members(py)?[value as usize].bind(py).clone())
        });

        $crate::into_py_by_value!($ty);
    };
}
