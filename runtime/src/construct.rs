//! Rust -> Python without validating again (or validating a tree of models once), and
//! Python -> Rust from an instance's `__dict__`.
//!
//! A generated model whose every field Rust holds exactly as pydantic would store it after
//! validation (str, int, float, bool, an Enum member, a string Literal, a nested non-generic
//! model, and lists, dicts and `Optional`s of those; no constraint, no validator: dspygen's
//! `lower/routes.py` decides) is built as pydantic's own `model_construct` builds an instance:
//! the class's `tp_alloc`, then `__dict__`, `__pydantic_fields_set__`, `__pydantic_extra__` and
//! `__pydantic_private__` set with `object.__setattr__`. Whether the *live* class still allows
//! that is checked once per process ([`ModelRoute`]): a class edited after generation (a
//! validator, a new field, a private attribute, `use_enum_values`, ...) is given to
//! `model_validate` instead, as every other model is; a tree of such models is validated once,
//! by the outermost ([`validated_tree`]). `tests/types/test_every_model_differential.py` proves
//! the results equal to validating each model alone ([`validating`]).
use std::cell::Cell;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFrozenSet, PyList, PySet, PyString, PyType};

use crate::python::model_validate;

/// How one generated model crosses into Python: its fields (the keys of the dict the generated
/// conversion builds, field names) and the keys `model_validate(..., by_name=True)` reads them
/// under (an alias where the field has one), decided once per process from the live class.
pub struct ModelRoute {
    fields: &'static [&'static str],
    keys: &'static [&'static str],
    // The field names as a frozenset (copied into `__pydantic_fields_set__`) when the class
    // can be built without validation; None: it is validated.
    built: PyOnceLock<Option<Py<PyFrozenSet>>>,
}

impl ModelRoute {
    /// A model's route: `fields` its field names in pydantic's order, `keys` the keys
    /// `model_validate` reads them under, in the same order.
    pub const fn new(fields: &'static [&'static str], keys: &'static [&'static str]) -> Self {
        Self {
            fields,
            keys,
            built: PyOnceLock::new(),
        }
    }

    /// Whether the live class is built without validation (checked once per process).
    pub fn constructs(&self, class: &Bound<'_, PyType>) -> PyResult<bool> {
        Ok(self.fields_set(class)?.is_some())
    }

    fn fields_set<'a>(
        &'a self,
        class: &Bound<'_, PyType>,
    ) -> PyResult<Option<&'a Py<PyFrozenSet>>> {
        let built = self.built.get_or_try_init(class.py(), || -> PyResult<_> {
            if !constructible(class, self.fields)? {
                return Ok(None);
            }
            Ok(Some(PyFrozenSet::new(class.py(), self.fields)?.unbind()))
        })?;
        Ok(built.as_ref())
    }
}

thread_local! {
    static VALIDATING: Cell<bool> = const { Cell::new(false) };
    // Building the data of a validated model that nests: a validated model inside gives its
    // data (a dict, a RootModel's bare value) for the outer validation instead of validating.
    static TREE: Cell<bool> = const { Cell::new(false) };
}

fn with<R>(flag: &'static std::thread::LocalKey<Cell<bool>>, on: bool, f: impl FnOnce() -> R) -> R {
    struct Restore(&'static std::thread::LocalKey<Cell<bool>>, bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            self.0.with(|v| v.set(self.1));
        }
    }
    let _restore = Restore(flag, flag.with(|v| v.replace(on)));
    f()
}

/// Runs `f` (building a model built directly, or a union's arm) with every model inside it
/// converted into an instance: the class of such a value is decided here, not by a validation
/// around it.
pub fn instances<R>(f: impl FnOnce() -> R) -> R {
    with(&TREE, false, f)
}

/// A validated model into Python: `build` gives its data, `validate` validates it. The outermost
/// validated model validates the whole tree once: inside it, a model that `nests` gives its data
/// itself (pydantic validates a nested model's dict as it validates the model alone). A model
/// that does not nest (`strict`, whose nested models must be instances) validates alone.
pub fn validated_tree<'py>(
    nests: bool,
    build: impl FnOnce() -> PyResult<Bound<'py, PyAny>>,
    validate: impl FnOnce(Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let nests = nests && !VALIDATING.with(Cell::get);
    if nests && TREE.with(Cell::get) {
        return build();
    }
    let data = with(&TREE, nests, build)?;
    validate(data)
}

/// Runs `f` with every model conversion inside it going through `model_validate`, as they all
/// did before the construct route: the oracle the differential tests compare that route with.
pub fn validating<R>(f: impl FnOnce() -> R) -> R {
    with(&VALIDATING, true, || instances(f))
}

/// A pydantic instance of `class` from `data` (its fields by name, in pydantic's order, values
/// already of the types pydantic stores): built directly when `route` allows it, else
/// `class.model_validate(data, by_name=True)`, the dict keyed as `model_validate` reads it.
pub fn model_into_py<'py>(
    route: &'static ModelRoute,
    class: &Bound<'py, PyType>,
    data: Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    if !VALIDATING.with(Cell::get) {
        if let Some(fields_set) = route.fields_set(class)? {
            return construct(class, data, fields_set.bind(class.py()));
        }
    }
    if route.keys == route.fields {
        return model_validate(class, data);
    }
    let py = class.py();
    let keyed = PyDict::new(py);
    for (field, key) in route.fields.iter().zip(route.keys) {
        if let Some(value) = data.get_item(PyString::new(py, field))? {
            keyed.set_item(key, value)?;
        }
    }
    model_validate(class, keyed)
}

/// What `Model.model_construct(**data)` does when `data` holds every field, without its Python
/// frame: `__dict__` is `data`, every field is marked set, no extras, no private attributes.
fn construct<'py>(
    class: &Bound<'py, PyType>,
    data: Bound<'py, PyDict>,
    fields_set: &Bound<'py, PyFrozenSet>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    // SAFETY: `class` is a live type object; `tp_alloc` is what `object.__new__` calls, with the
    // same arguments, and returns a new reference or NULL with an exception set.
    let obj = unsafe {
        let alloc = pyo3::ffi::PyType_GetSlot(class.as_type_ptr(), pyo3::ffi::Py_tp_alloc);
        if alloc.is_null() {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "the class has no tp_alloc",
            ));
        }
        let alloc: pyo3::ffi::allocfunc = std::mem::transmute(alloc);
        Bound::from_owned_ptr_or_err(py, alloc(class.as_type_ptr(), 0))?
    };
    // SAFETY: a new reference to a new set, or NULL with an exception set.
    let set =
        unsafe { Bound::from_owned_ptr_or_err(py, pyo3::ffi::PySet_New(fields_set.as_ptr()))? }
            .cast_into::<PySet>()?;
    let none = py.None().into_bound(py);
    object_setattr(&obj, pyo3::intern!(py, "__dict__"), data.as_any())?;
    object_setattr(
        &obj,
        pyo3::intern!(py, "__pydantic_fields_set__"),
        set.as_any(),
    )?;
    object_setattr(&obj, pyo3::intern!(py, "__pydantic_extra__"), &none)?;
    object_setattr(&obj, pyo3::intern!(py, "__pydantic_private__"), &none)?;
    Ok(obj)
}

/// `object.__setattr__(obj, name, value)`, as pydantic's `_object_setattr` (a frozen model's own
/// `__setattr__` refuses).
fn object_setattr(
    obj: &Bound<'_, PyAny>,
    name: &Bound<'_, PyString>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    // SAFETY: the three are live references held for the duration of the call.
    let rc =
        unsafe { pyo3::ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), value.as_ptr()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(PyErr::fetch(obj.py()))
    }
}

/// Whether validating a dict of `fields` (each of the type the field declares) would store it
/// unchanged: the live class has exactly these fields, in this order, no field metadata
/// (constraints, validators), no validator, `model_post_init` or private attribute, is no
/// RootModel, and has no setting that changes a stored value.
fn constructible(class: &Bound<'_, PyType>, fields: &[&str]) -> PyResult<bool> {
    let py = class.py();
    let attr = |name: &str| class.getattr(PyString::new(py, name));
    if !attr("__pydantic_complete__")?.is_truthy()?
        || attr("__pydantic_root_model__")?.is_truthy()?
        || !attr("__pydantic_post_init__")?.is_none()
        || attr("__private_attributes__")?.len()? != 0
        || !attr("__new__")?.is(&py.get_type::<pyo3::types::PyAny>().getattr("__new__")?)
    {
        return Ok(false);
    }
    let decorators = attr("__pydantic_decorators__")?;
    for kind in [
        "validators",
        "field_validators",
        "root_validators",
        "model_validators",
    ] {
        if decorators.getattr(kind)?.len()? != 0 {
            return Ok(false);
        }
    }
    let config = attr("model_config")?.cast_into::<PyDict>()?;
    let setting = |key: &str| -> PyResult<Option<Bound<'_, PyAny>>> { config.get_item(key) };
    if let Some(extra) = setting("extra")? {
        if extra.extract::<Option<String>>()?.as_deref() == Some("allow") {
            return Ok(false);
        }
    }
    for key in [
        "use_enum_values",
        "str_strip_whitespace",
        "str_to_lower",
        "str_to_upper",
    ] {
        if let Some(value) = setting(key)? {
            if value.is_truthy()? {
                return Ok(false);
            }
        }
    }
    for key in ["str_min_length", "str_max_length"] {
        if setting(key)?.is_some_and(|value| !value.is_none()) {
            return Ok(false);
        }
    }
    if let Some(value) = setting("allow_inf_nan")? {
        if !value.is_truthy()? {
            return Ok(false);
        }
    }
    let declared = attr("__pydantic_fields__")?.cast_into::<PyDict>()?;
    if declared.len() != fields.len() {
        return Ok(false);
    }
    for ((name, info), field) in declared.iter().zip(fields) {
        if name.cast::<PyString>()?.to_str()? != *field || info.getattr("metadata")?.len()? != 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The cell keeping a Python Enum's members (or a Literal's values), in the order of the Rust
/// enum's `ALL`, looked up once per process.
pub type MemberCell = PyOnceLock<Vec<Py<PyAny>>>;

/// The members in `cell`, made by `make` the first time.
pub fn members<'a>(
    py: Python<'_>,
    cell: &'a MemberCell,
    make: impl FnOnce() -> PyResult<Vec<Py<PyAny>>>,
) -> PyResult<&'a [Py<PyAny>]> {
    Ok(cell.get_or_try_init(py, make)?.as_slice())
}

/// The index of the member `obj` is (by identity), if it is one: reading an Enum member
/// without a Python call.
pub fn member_index(members: &[Py<PyAny>], obj: &Bound<'_, PyAny>) -> Option<usize> {
    members.iter().position(|m| m.as_ptr() == obj.as_ptr())
}

/// A model's field values by name, read from the instance's `__dict__` where it holds the
/// field, else by `getattr` (computed fields, instances without a `__dict__`). pydantic keeps a
/// `__dict__` in field order, under the interned names: the fields, asked for in that order,
/// are read by walking the dict once and comparing pointers, without hashing or probing; the
/// first key out of step ends the walk, and the rest are looked up by key.
pub struct Fields<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    dict: Option<Bound<'py, PyDict>>,
    pos: Cell<pyo3::ffi::Py_ssize_t>, // of the walk through `dict`; -1: the walk has ended
}

impl<'a, 'py> Fields<'a, 'py> {
    /// The fields of `obj`.
    pub fn of(obj: &'a Bound<'py, PyAny>) -> Self {
        // The instance's own dict, as `object.__dict__` gives it, without the attribute lookup
        // (through pydantic's `__getattr__` hook); an object without one falls back to getattr.
        // SAFETY: `obj` is live; the call returns a new reference, or NULL with an exception set
        // (taken and dropped here).
        let dict = unsafe {
            Bound::from_owned_ptr_or_err(
                obj.py(),
                pyo3::ffi::PyObject_GenericGetDict(obj.as_ptr(), std::ptr::null_mut()),
            )
        }
        .ok()
        .and_then(|d| d.cast_into::<PyDict>().ok());
        Self {
            obj,
            dict,
            pos: Cell::new(0),
        }
    }

    /// The field `name` (an interned string).
    pub fn get(&self, name: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(dict) = &self.dict {
            if let Some(value) = self.next_if(dict, name) {
                return Ok(value);
            }
            if let Some(value) = dict.get_item(name)? {
                return Ok(value);
            }
        }
        self.obj.getattr(name)
    }

    /// The next item of the walk, if its key is `name` (the same object); else the walk ends.
    fn next_if(
        &self,
        dict: &Bound<'py, PyDict>,
        name: &Bound<'py, PyString>,
    ) -> Option<Bound<'py, PyAny>> {
        let mut pos = self.pos.get();
        if pos < 0 {
            return None;
        }
        let py = dict.py();
        let found = pyo3::sync::critical_section::with_critical_section(dict.as_any(), || {
            let mut key = std::ptr::null_mut();
            let mut value = std::ptr::null_mut();
            // SAFETY: `dict` is a live dict, locked on free-threaded builds; `PyDict_Next` checks
            // `pos` against the dict's current entries and gives borrowed references, the value
            // taken as a new reference before the lock is released.
            unsafe {
                if pyo3::ffi::PyDict_Next(dict.as_ptr(), &mut pos, &mut key, &mut value) != 0
                    && key == name.as_ptr()
                {
                    Some(Bound::from_borrowed_ptr(py, value))
                } else {
                    None
                }
            }
        });
        self.pos.set(if found.is_some() { pos } else { -1 });
        found
    }

    /// The interpreter the instance lives in.
    pub fn py(&self) -> Python<'py> {
        self.obj.py()
    }
}

/// A list field's items: a `list` read by index (no iterator object, one type check), anything
/// else (a tuple, for `tuple[T, ...]`) as PyO3 reads a `Vec`.
pub fn extract_vec<'py, T>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<T>>
where
    T: pyo3::conversion::FromPyObjectOwned<'py>,
{
    if let Ok(list) = obj.cast::<PyList>() {
        let mut out = Vec::with_capacity(list.len());
        for item in list.iter() {
            out.push(item.extract::<T>().map_err(Into::into)?);
        }
        return Ok(out);
    }
    obj.extract()
}

/// A model field by name, the name interned once per call site: `field!(fields, "name")`, a
/// `PyResult<Bound<PyAny>>` (see [`Fields`]).
#[macro_export]
macro_rules! field {
    ($fields:expr, $name:literal) => {{
        let fields = &$fields;
        fields.get($crate::pyo3::intern!(fields.py(), $name))
    }};
}
