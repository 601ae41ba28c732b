//! The bench types as `#[derive(Deserialize)]` writes them with nothing of dspygen's: no lax
//! mode (`lax::Fields`), no map-only check (`MapOnly`), serde's own readers throughout. The
//! yardstick of `serde_json::from_str::<Order>`: what serde_json costs with these owned field
//! types (each string a `String`, each dict an `IndexMap`), whatever the generated code does.

use bench_rs::runtime::serde::{Deserialize, Serialize};
use indexmap::IndexMap;

#[derive(Serialize, Deserialize)]
#[serde(crate = "bench_rs::runtime::serde", rename_all = "lowercase")]
pub enum Status {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

#[derive(Serialize, Deserialize)]
#[serde(crate = "bench_rs::runtime::serde", rename_all = "lowercase")]
pub enum Category {
    Books,
    Electronics,
    Grocery,
    Toys,
}

#[derive(Serialize, Deserialize)]
#[serde(crate = "bench_rs::runtime::serde", rename_all = "lowercase")]
pub enum Kind {
    Physical,
    Digital,
    Service,
}

#[derive(Serialize, Deserialize)]
#[serde(crate = "bench_rs::runtime::serde", rename_all = "lowercase")]
pub enum Channel {
    Web,
    App,
    Store,
}

fn us() -> String {
    "US".to_owned()
}

#[derive(Serialize, Deserialize)]
#[serde(crate = "bench_rs::runtime::serde")]
pub struct Address {
    street: String,
    city: String,
    postcode: String,
    #[serde(default = "us")]
    country: String,
    #[serde(default)]
    line2: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(crate = "bench_rs::runtime::serde")]
pub struct Customer {
    id: i64,
    name: String,
    email: String,
    #[serde(default)]
    vip: bool,
    #[serde(default)]
    phone: Option<String>,
    address: Address,
}

fn physical() -> Kind {
    Kind::Physical
}

#[derive(Serialize, Deserialize)]
#[serde(crate = "bench_rs::runtime::serde")]
pub struct Item {
    sku: String,
    name: String,
    quantity: i64,
    unit_price: f64,
    category: Category,
    #[serde(default = "physical")]
    kind: Kind,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    discount: Option<f64>,
    #[serde(default)]
    gift_note: Option<String>,
    #[serde(default)]
    attributes: IndexMap<String, String>,
}

fn pending() -> Status {
    Status::Pending
}

fn web() -> Channel {
    Channel::Web
}

#[derive(Serialize, Deserialize)]
#[serde(crate = "bench_rs::runtime::serde")]
pub struct Order {
    id: String,
    customer: Customer,
    shipping: Address,
    #[serde(default)]
    billing: Option<Address>,
    items: Vec<Item>,
    #[serde(default = "pending")]
    status: Status,
    #[serde(default = "web")]
    channel: Channel,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    totals: IndexMap<String, f64>,
    #[serde(default)]
    metadata: IndexMap<String, String>,
}
