//! Python scalars and containers that pydantic writes in formats of its own: each type reads
//! what pydantic reads from JSON, writes exactly what `model_dump_json()` writes, and converts
//! to and from Python. Each family with dependencies of its own is behind a Cargo feature.

#[cfg(feature = "bytes")]
mod bytes;
#[cfg(feature = "datetime")]
mod clock;
#[cfg(feature = "decimal")]
mod decimal;
#[cfg(feature = "email")]
mod email;
#[cfg(feature = "floats")]
mod floats;
mod ints;
#[cfg(feature = "ip")]
mod ip;
mod json;
mod json_text;
#[cfg(feature = "ip")]
mod networks;
mod none;
#[cfg(feature = "path")]
mod path;
#[cfg(feature = "secret")]
mod secret;
mod sets;
#[cfg(feature = "datetime")]
mod temporal;
#[cfg(feature = "url")]
mod url;

#[cfg(feature = "bytes")]
pub use bytes::{
    Base64Bytes, Base64ReadHexBytes, Base64ReadUtf8Bytes, HexBytes, HexReadBase64Bytes,
    HexReadUtf8Bytes, Utf8Bytes, Utf8ReadBase64Bytes, Utf8ReadHexBytes,
};
#[cfg(feature = "decimal")]
pub use decimal::Decimal;
#[cfg(feature = "email")]
pub use email::{EmailStr, NameEmail};
#[cfg(feature = "floats")]
pub use floats::{InfNanConstants, InfNanStrings};
pub use ints::{int_within, opt_int_within, IntKey};
#[cfg(feature = "ip")]
pub use ip::{Ipv4Address, Ipv6Address, IpvAnyAddress};
pub use json::{from_json_py, to_json_py};
pub use json_text::Json;
#[cfg(feature = "ip")]
pub use networks::{
    Ipv4Interface, Ipv4Network, Ipv6Interface, Ipv6Network, IpvAnyInterface, IpvAnyNetwork,
};
pub use none::NoneType;
#[cfg(feature = "path")]
pub use path::Path;
#[cfg(feature = "secret")]
pub use secret::{SecretBase64Bytes, SecretBytes, SecretHexBytes, SecretStr};
pub use sets::{FrozenSet, Set};
#[cfg(feature = "datetime")]
pub use temporal::{AwareDatetime, Date, Datetime, NaiveDatetime, Time, Timedelta};
#[cfg(feature = "url")]
pub use url::{AnyHttpUrl, AnyUrl, AnyWebsocketUrl, FileUrl, FtpUrl, HttpUrl, WebsocketUrl};
