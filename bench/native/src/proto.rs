//! Hand-written conversions of the bench types, written as one would by hand with PyO3: the
//! yardsticks the generated conversions are measured against.
//!
//! - Python -> Rust (`order_from_py`, the bench's "limit" row): each model's `__dict__` read
//!   once and its fields looked up in it by interned keys, a `str` Enum member read as the `str`
//!   it is; the generated extraction must stay within 1.2x of it (issue 18, item 6).
//! - Rust -> Python: build one tree of plain dicts, lists and strings and validate it with a
//!   single `Order.model_validate(..., by_name=True)`, instead of one `model_validate` per
//!   nested model and one `Enum(value)` call per enum value.

use bench_rs::{Address, Category, Customer, Item, ItemKind, Order, OrderChannel, Status};
use indexmap::IndexMap;
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

fn fields<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    Ok(obj
        .getattr(intern!(obj.py(), "__dict__"))?
        .cast_into::<PyDict>()?)
}

fn get<'py>(dict: &Bound<'py, PyDict>, key: &Bound<'py, PyString>) -> PyResult<Bound<'py, PyAny>> {
    dict.get_item(key)?
        .ok_or_else(|| PyKeyError::new_err(key.to_string()))
}

fn text<T>(value: &Bound<'_, PyAny>, from_value: fn(&str) -> Option<T>) -> PyResult<T> {
    let text = value.cast::<PyString>()?.to_str()?;
    from_value(text).ok_or_else(|| PyValueError::new_err(format!("{text:?} is not a valid value")))
}

fn optional<'py, T>(
    value: Bound<'py, PyAny>,
    f: impl FnOnce(&Bound<'py, PyAny>) -> PyResult<T>,
) -> PyResult<Option<T>> {
    if value.is_none() {
        Ok(None)
    } else {
        f(&value).map(Some)
    }
}

fn address_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Address> {
    let py = obj.py();
    let d = fields(obj)?;
    Ok(Address {
        street: get(&d, intern!(py, "street"))?.extract()?,
        city: get(&d, intern!(py, "city"))?.extract()?,
        postcode: get(&d, intern!(py, "postcode"))?.extract()?,
        country: get(&d, intern!(py, "country"))?.extract()?,
        line_2: get(&d, intern!(py, "line2"))?.extract()?,
    })
}

fn customer_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Customer> {
    let py = obj.py();
    let d = fields(obj)?;
    Ok(Customer {
        id: get(&d, intern!(py, "id"))?.extract()?,
        name: get(&d, intern!(py, "name"))?.extract()?,
        email: get(&d, intern!(py, "email"))?.extract()?,
        vip: get(&d, intern!(py, "vip"))?.extract()?,
        phone: get(&d, intern!(py, "phone"))?.extract()?,
        address: address_from_py(&get(&d, intern!(py, "address"))?)?,
    })
}

fn item_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Item> {
    let py = obj.py();
    let d = fields(obj)?;
    Ok(Item {
        sku: get(&d, intern!(py, "sku"))?.extract()?,
        name: get(&d, intern!(py, "name"))?.extract()?,
        quantity: get(&d, intern!(py, "quantity"))?.extract()?,
        unit_price: get(&d, intern!(py, "unit_price"))?.extract()?,
        category: text(&get(&d, intern!(py, "category"))?, Category::from_value)?,
        kind: text(&get(&d, intern!(py, "kind"))?, ItemKind::from_value)?,
        tags: get(&d, intern!(py, "tags"))?.extract()?,
        discount: get(&d, intern!(py, "discount"))?.extract()?,
        gift_note: get(&d, intern!(py, "gift_note"))?.extract()?,
        attributes: get(&d, intern!(py, "attributes"))?.extract::<IndexMap<String, String>>()?,
    })
}

pub fn order_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Order> {
    let py = obj.py();
    let d = fields(obj)?;
    let items = get(&d, intern!(py, "items"))?;
    let items = items.cast::<PyList>()?;
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter() {
        out.push(item_from_py(&item)?);
    }
    Ok(Order {
        id: get(&d, intern!(py, "id"))?.extract()?,
        customer: customer_from_py(&get(&d, intern!(py, "customer"))?)?,
        shipping: address_from_py(&get(&d, intern!(py, "shipping"))?)?,
        billing: optional(get(&d, intern!(py, "billing"))?, address_from_py)?,
        items: out,
        status: text(&get(&d, intern!(py, "status"))?, Status::from_value)?,
        channel: text(&get(&d, intern!(py, "channel"))?, OrderChannel::from_value)?,
        notes: get(&d, intern!(py, "notes"))?.extract()?,
        totals: get(&d, intern!(py, "totals"))?.extract()?,
        metadata: get(&d, intern!(py, "metadata"))?.extract()?,
    })
}

fn address_dict<'py>(py: Python<'py>, a: &Address) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "street"), &a.street)?;
    d.set_item(intern!(py, "city"), &a.city)?;
    d.set_item(intern!(py, "postcode"), &a.postcode)?;
    d.set_item(intern!(py, "country"), &a.country)?;
    d.set_item(intern!(py, "line2"), &a.line_2)?;
    Ok(d)
}

fn customer_dict<'py>(py: Python<'py>, c: &Customer) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "id"), c.id)?;
    d.set_item(intern!(py, "name"), &c.name)?;
    d.set_item(intern!(py, "email"), &c.email)?;
    d.set_item(intern!(py, "vip"), c.vip)?;
    d.set_item(intern!(py, "phone"), &c.phone)?;
    d.set_item(intern!(py, "address"), address_dict(py, &c.address)?)?;
    Ok(d)
}

fn item_dict<'py>(py: Python<'py>, i: &Item) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "sku"), &i.sku)?;
    d.set_item(intern!(py, "name"), &i.name)?;
    d.set_item(intern!(py, "quantity"), i.quantity)?;
    d.set_item(intern!(py, "unit_price"), i.unit_price)?;
    d.set_item(intern!(py, "category"), i.category.value())?;
    d.set_item(intern!(py, "kind"), i.kind.value())?;
    d.set_item(intern!(py, "tags"), &i.tags)?;
    d.set_item(intern!(py, "discount"), i.discount)?;
    d.set_item(intern!(py, "gift_note"), &i.gift_note)?;
    d.set_item(intern!(py, "attributes"), &i.attributes)?;
    Ok(d)
}

/// `validate` is `Order.model_validate` or `Order.__pydantic_validator__.validate_python`.
pub fn order_into_py<'py>(validate: &Bound<'py, PyAny>, o: &Order) -> PyResult<Bound<'py, PyAny>> {
    let py = validate.py();
    let d = PyDict::new(py);
    d.set_item(intern!(py, "id"), &o.id)?;
    d.set_item(intern!(py, "customer"), customer_dict(py, &o.customer)?)?;
    d.set_item(intern!(py, "shipping"), address_dict(py, &o.shipping)?)?;
    match &o.billing {
        Some(a) => d.set_item(intern!(py, "billing"), address_dict(py, a)?)?,
        None => d.set_item(intern!(py, "billing"), py.None())?,
    }
    let items = PyList::empty(py);
    for item in &o.items {
        items.append(item_dict(py, item)?)?;
    }
    d.set_item(intern!(py, "items"), items)?;
    d.set_item(intern!(py, "status"), o.status.value())?;
    d.set_item(intern!(py, "channel"), o.channel.value())?;
    d.set_item(intern!(py, "notes"), &o.notes)?;
    d.set_item(intern!(py, "totals"), &o.totals)?;
    d.set_item(intern!(py, "metadata"), &o.metadata)?;
    let options = PyDict::new(py);
    options.set_item(intern!(py, "by_name"), true)?;
    validate.call((d,), Some(&options))
}

const ADDRESS: &[&str] = &["street", "city", "postcode", "country", "line2"];
const CUSTOMER: &[&str] = &["id", "name", "email", "vip", "phone"];
const ITEM: &[&str] = &[
    "sku",
    "name",
    "quantity",
    "unit_price",
    "kind",
    "tags",
    "discount",
    "gift_note",
    "attributes",
];
const ORDER: &[&str] = &["id", "channel", "notes", "totals", "metadata"];

/// The attribute names the walk reads, interned once (as `intern!` does in the generated code).
pub struct Names {
    address: Vec<Py<PyString>>,
    customer: Vec<Py<PyString>>,
    item: Vec<Py<PyString>>,
    order: Vec<Py<PyString>>,
}

impl Names {
    pub fn new(py: Python<'_>) -> Self {
        let interned = |names: &[&str]| {
            names
                .iter()
                .map(|n| PyString::intern(py, n).unbind())
                .collect()
        };
        Self {
            address: interned(ADDRESS),
            customer: interned(CUSTOMER),
            item: interned(ITEM),
            order: interned(ORDER),
        }
    }
}

fn touch(obj: &Bound<'_, PyAny>, names: &[Py<PyString>]) -> PyResult<()> {
    for name in names {
        std::hint::black_box(obj.getattr(name.bind(obj.py()))?);
    }
    Ok(())
}

/// Decomposition of the attribute path: every `getattr` it makes and, with `enum_value`, the
/// Enums' `.value`, but no conversion to Rust values.
pub fn walk_getattr(order: &Bound<'_, PyAny>, names: &Names, enum_value: bool) -> PyResult<()> {
    let py = order.py();
    let member = |obj: &Bound<'_, PyAny>, name| -> PyResult<()> {
        let member = obj.getattr(name)?;
        if enum_value {
            std::hint::black_box(member.getattr(intern!(py, "value"))?);
        }
        Ok(())
    };
    touch(order, &names.order)?;
    member(order, intern!(py, "status"))?;
    let customer = order.getattr(intern!(py, "customer"))?;
    touch(&customer, &names.customer)?;
    touch(&customer.getattr(intern!(py, "address"))?, &names.address)?;
    touch(&order.getattr(intern!(py, "shipping"))?, &names.address)?;
    let billing = order.getattr(intern!(py, "billing"))?;
    if !billing.is_none() {
        touch(&billing, &names.address)?;
    }
    for item in order
        .getattr(intern!(py, "items"))?
        .cast::<PyList>()?
        .iter()
    {
        touch(&item, &names.item)?;
        member(&item, intern!(py, "category"))?;
    }
    Ok(())
}

/// The bench classes and Enum members, looked up once, for `order_construct`.
pub struct Classes {
    order: Py<PyAny>,
    customer: Py<PyAny>,
    address: Py<PyAny>,
    item: Py<PyAny>,
    categories: Vec<Py<PyAny>>,
    statuses: Vec<Py<PyAny>>,
}

impl Classes {
    pub fn new(py: Python<'_>) -> PyResult<Self> {
        let module = py.import("bench.models")?;
        let members = |name: &str, values: Vec<&str>| -> PyResult<Vec<Py<PyAny>>> {
            let cls = module.getattr(name)?;
            values
                .into_iter()
                .map(|v| Ok(cls.call1((v,))?.unbind()))
                .collect()
        };
        Ok(Self {
            order: module.getattr("Order")?.unbind(),
            customer: module.getattr("Customer")?.unbind(),
            address: module.getattr("Address")?.unbind(),
            item: module.getattr("Item")?.unbind(),
            categories: members(
                "Category",
                Category::ALL.iter().map(|c| c.value()).collect(),
            )?,
            statuses: members("Status", Status::ALL.iter().map(|s| s.value()).collect())?,
        })
    }
}

/// What `Model.model_construct(**all_fields)` does, without its Python frame: a new instance
/// whose `__dict__` is `fields`, with every field marked as set, no extra and no private.
fn construct<'py>(cls: &Py<PyAny>, fields: Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let py = fields.py();
    let cls = cls.bind(py);
    let obj = cls.call_method1(intern!(py, "__new__"), (cls,))?;
    let set = pyo3::types::PySet::new(py, fields.keys())?;
    let put = |name: &Bound<'py, PyString>, value: &Bound<'py, PyAny>| -> PyResult<()> {
        // SAFETY: obj, name and value are valid references held for the duration of the call.
        let rc = unsafe {
            pyo3::ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), value.as_ptr())
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(PyErr::fetch(py))
        }
    };
    put(intern!(py, "__dict__"), fields.as_any())?;
    put(intern!(py, "__pydantic_fields_set__"), set.as_any())?;
    put(intern!(py, "__pydantic_extra__"), &py.None().into_bound(py))?;
    put(
        intern!(py, "__pydantic_private__"),
        &py.None().into_bound(py),
    )?;
    Ok(obj)
}

fn index_of<T: PartialEq + Copy>(all: &[T], value: T) -> usize {
    all.iter().position(|v| *v == value).unwrap_or(0)
}

/// Prototype: Rust -> Python without validation: the values are already of the declared types.
pub fn order_construct<'py>(
    py: Python<'py>,
    c: &Classes,
    o: &Order,
) -> PyResult<Bound<'py, PyAny>> {
    let address = |a: &Address| construct(&c.address, address_dict(py, a)?);
    let d = PyDict::new(py);
    d.set_item(intern!(py, "id"), &o.id)?;
    let customer = customer_dict(py, &o.customer)?;
    customer.set_item(intern!(py, "address"), address(&o.customer.address)?)?;
    d.set_item(intern!(py, "customer"), construct(&c.customer, customer)?)?;
    d.set_item(intern!(py, "shipping"), address(&o.shipping)?)?;
    match &o.billing {
        Some(a) => d.set_item(intern!(py, "billing"), address(a)?)?,
        None => d.set_item(intern!(py, "billing"), py.None())?,
    }
    let items = PyList::empty(py);
    for item in &o.items {
        let fields = item_dict(py, item)?;
        fields.set_item(
            intern!(py, "category"),
            &c.categories[index_of(Category::ALL, item.category)],
        )?;
        items.append(construct(&c.item, fields)?)?;
    }
    d.set_item(intern!(py, "items"), items)?;
    d.set_item(
        intern!(py, "status"),
        &c.statuses[index_of(Status::ALL, o.status)],
    )?;
    d.set_item(intern!(py, "channel"), o.channel.value())?;
    d.set_item(intern!(py, "notes"), &o.notes)?;
    d.set_item(intern!(py, "totals"), &o.totals)?;
    d.set_item(intern!(py, "metadata"), &o.metadata)?;
    construct(&c.order, d)
}

/// Decomposition of `order_into_py`: the tree of dicts only, no validation.
pub fn order_dicts<'py>(py: Python<'py>, o: &Order) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "customer"), customer_dict(py, &o.customer)?)?;
    d.set_item(intern!(py, "shipping"), address_dict(py, &o.shipping)?)?;
    if let Some(a) = &o.billing {
        d.set_item(intern!(py, "billing"), address_dict(py, a)?)?;
    }
    let items = PyList::empty(py);
    for item in &o.items {
        items.append(item_dict(py, item)?)?;
    }
    d.set_item(intern!(py, "items"), items)?;
    d.set_item(intern!(py, "id"), &o.id)?;
    d.set_item(intern!(py, "status"), o.status.value())?;
    d.set_item(intern!(py, "channel"), o.channel.value())?;
    d.set_item(intern!(py, "notes"), &o.notes)?;
    d.set_item(intern!(py, "totals"), &o.totals)?;
    d.set_item(intern!(py, "metadata"), &o.metadata)?;
    Ok(d)
}
