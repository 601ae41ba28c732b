"""The scalars dspygen supports, one entry each (the facets: registry/facets.py).

Measured against pydantic 2.14 / pydantic-core 2.50: the union rankings in
tests/types/test_unions_differential.py, the formats in tests/types/test_scalars_differential.py,
the schemas and samples in tests/unit/test_registry.py.
"""

from __future__ import annotations

from dspygen.registry.facets import (
    EXACT,
    LAX,
    STRICT,
    Constraints,
    Containers,
    JsonModes,
    PyO3,
    Python,
    Readers,
    Readme,
    Rust,
    RustType,
    Samples,
    Scalar,
    Token,
    Union,
)

BOUNDS = frozenset({"ge", "gt", "le", "lt"})
LENGTHS = frozenset({"min_length", "max_length"})
NO_CONSTRAINTS = Constraints(frozenset(), strict_as_serde=False, length=None)
NOT_IN_CONTAINERS = Containers(set_item=False, dict_key=None)
NATIVE = PyO3("native", exact=None)
EVERY_TOKEN: frozenset[Token] = frozenset({"Str", "Int", "Float", "Bool", "Null", "Array", "Object"})
# Not an arm dspygen ranks as pydantic does yet (a union holding one is DSG017).
UNRANKED = Union("", {}, frozenset(), "Str", formatted=False)


# Lax-mode spellings the generated tests give fields of each type (registry `Readers.spellings`):
# picked from pydantic-core's test tables (tests/types/lax_spellings.py holds them all), accepted
# and refused ones, none of the README's known differences, no text the generated files' check for
# timestamps would take for one (tests/golden/test_generated.py).
LAX_SPELLINGS: dict[str, tuple[str, ...]] = {
    "int": (
        '"3"',
        "3.0",
        '" 3 "',
        "true",
        "false",
        '"1_000"',
        '"+3"',
        '"-3"',
        '"42.00"',
        '"042"',
        '"3.5"',
        "3.5",
        '"0x1f"',
        '""',
        '"1e3"',
        "1e3",
        '"_1"',
        '"1__0"',
        '"42."',
        '"nan"',
        "null",
    ),
    "float": (
        '"0.25"',
        '" 1.5 "',
        '"nan"',
        '"-Infinity"',
        '"inf"',
        '"1e3"',
        '".5"',
        '"5."',
        '"1_000.5"',
        '" 1_000 "',
        "true",
        "false",
        "3",
        '"wrong"',
        '""',
        "null",
    ),
    "bool": (
        '"on"',
        '"off"',
        '"yes"',
        '"OFF"',
        '"t"',
        '"F"',
        '"1"',
        '"0"',
        "1",
        "0",
        "1.0",
        "0.0",
        "2",
        "0.5",
        '" true "',
        '"2"',
        "null",
    ),
    "str": ("123", "123.456", "true", "null", '" foobar  "'),
    "decimal": ('"42.0"', '"1E+10"', '"1_000"', '"+3"', '"1e3"', "42.5", "42", '"nan"', "true", '"wrong"'),
    "datetime": ('"2022-06-08T12:13:14"', '"2022-06-08t12:13:14z"', "1654646400", '"1654646400"', "123.4", "true"),
    "date": ('"1453-01-28"', "1654646400", '"1654646400"', '"2022-06-08T00:00:00"', '"2022-06-08T12:13:14"', "true"),
    "time": ('"12:13"', '"12:13:14.123"', "123", "123.4", '"123"', "true", "86400"),
    "timedelta": ("3601", "-3601.222222", '"P3DT1H"', '"1 day, 2:03:04"', '"12:34:56"', '"3601"', "true"),
    "uuid": (
        '"{12345678-1234-5678-1234-567812345678}"',
        '"urn:uuid:12345678-1234-5678-1234-567812345678"',
        '"12345678123456781234567812345678"',
        "0",
        "true",
    ),
}


def fixed(path: str, *, copy: bool, word: str, feature: str | None = None) -> Rust:
    """A Rust type whatever the model's JSON settings, `word` in generated names."""
    found = RustType(path, copy, feature)
    return Rust(lambda json: found, word)


def same(value: object) -> Samples:
    """A sample pydantic writes back as it was given."""
    return Samples(lambda hint, json: (value, value))


def _python(name: str, module: str, *, spelled: str | None = None, more: tuple[str, ...] = ()) -> Python:
    """A class `name` of `module`, spelled in annotations as `spelled` (default: its name)."""
    return Python((f"{module}.{name}", *more), spelled or name, name, (module, name))


def _temporal(name: str, python: Python, rust: str, sample: str, readme: Readme, bare_date: str | None) -> Scalar:
    """A datetime, date, time or duration: parsed by speedate in the runtime (feature `datetime`)."""
    return Scalar(
        name=name,
        python=python,
        rust=fixed(f"pytypes::{rust}", copy=True, word=rust, feature="datetime"),
        pyo3=NATIVE,
        samples=same(sample),
        union=Union(
            "temporal",
            {"Str": STRICT, "Int": LAX, "Float": LAX},  # Unix timestamps, in lax mode only
            frozenset(),
            "Str",
            formatted=True,
            bare_date=bare_date,  # type: ignore[arg-type]
        ),
        readers=Readers(
            frozenset({"Str", "Int", "Float"}),
            lax=frozenset(),
            spellings=LAX_SPELLINGS["datetime" if name.endswith("datetime") else name],
        ),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": _FORMATS[name], "type": "string"},
        readme=readme,
    )


_FORMATS = {
    **dict.fromkeys(("datetime", "aware_datetime", "naive_datetime"), "date-time"),
    **{"date": "date", "time": "time", "timedelta": "duration"},
}


def _float(json: JsonModes) -> RustType:
    """A model with `ser_json_inf_nan="strings"` or `"constants"` writes inf and NaN its way."""
    named = {"strings": "InfNanStrings", "constants": "InfNanConstants"}.get(json.ser_json_inf_nan)
    return RustType("f64", True, None) if named is None else RustType(f"pytypes::{named}", True, "floats")


def _float_sample(hint: str, json: JsonModes) -> tuple[object, object]:
    value: object = "-Infinity" if json.ser_json_inf_nan == "strings" else 0.25 * len(hint)
    return value, value


_BYTES_MODES = {"utf8": "Utf8", "base64": "Base64", "hex": "Hex"}


def bytes_ident(json: JsonModes) -> str:
    """The runtime's newtype for bytes written as `ser_json_bytes` and read as `val_json_bytes`."""
    ser, val = _BYTES_MODES[json.ser_json_bytes], _BYTES_MODES[json.val_json_bytes]
    return f"{ser}Bytes" if ser == val else f"{ser}Read{val}Bytes"


# The same bytes (b"\xff\xfehi") in each ser_json_bytes / val_json_bytes form.
_BYTES = {"utf8": "héllo", "base64": "__5oaQ==", "hex": "fffe6869"}


def _bytes_sample(hint: str, json: JsonModes) -> tuple[object, object]:
    given, expected = _BYTES[json.val_json_bytes], _BYTES[json.ser_json_bytes]
    if json.val_json_bytes != "utf8" and json.ser_json_bytes == "utf8":
        # b"\xff\xfe..." has no UTF-8 form: b"hi" instead
        return {"base64": "aGk=", "hex": "6869"}[json.val_json_bytes], "hi"
    if json.val_json_bytes == "utf8" and json.ser_json_bytes != "utf8":
        expected = {"base64": "aMOpbGxv", "hex": "68c3a96c6c6f"}[json.ser_json_bytes]
    return given, expected


def _str_sample(hint: str, json: JsonModes) -> tuple[object, object]:
    return (f'{hint} "é"\n',) * 2


def _int_sample(hint: str, json: JsonModes) -> tuple[object, object]:
    return (7 * len(hint) + 1,) * 2


def _path(name: str, cls: str) -> Scalar:
    """A `pathlib` class: read as `cls(text)`, written as `str(path)` (normalised by pathlib)."""
    return Scalar(
        name=name,
        python=_python(cls, "pathlib"),
        rust=fixed("pytypes::Path", copy=False, word=cls, feature="path"),
        pyo3=NATIVE,
        samples=same("data/in.txt"),
        union=UNRANKED,
        readers=Readers(frozenset({"Str"}), lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": "path", "type": "string"},
        readme=Readme("`pathlib.Path`", annotation=f"pathlib.{cls}", expected="pytypes::Path"),
    )


def _url(name: str, cls: str, sample: str, *, max_length: int | None) -> Scalar:
    """One of pydantic's URL classes: parsed and written by the `url` crate, as pydantic-core does."""
    schema: dict[str, object] = {"format": "uri", "minLength": 1, "type": "string"}
    if max_length is not None:
        schema = {"format": "uri", "maxLength": max_length, "minLength": 1, "type": "string"}
    return Scalar(
        name=name,
        python=_python(cls, "pydantic", more=(f"pydantic.networks.{cls}",)),
        rust=fixed(f"pytypes::{cls}", copy=False, word=cls, feature="url"),
        pyo3=NATIVE,
        samples=same(sample),
        union=UNRANKED,
        readers=Readers(frozenset({"Str"}), lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema=schema,
        readme=Readme("`pydantic.AnyUrl`", annotation=f"pydantic.{cls}", expected=f"pytypes::{cls}"),
    )


_SECRET_SCHEMA: dict[str, object] = {"format": "password", "type": "string", "writeOnly": True}
_SECRET_BYTES = {"utf8": "s3cret", "base64": "aGk=", "hex": "6869"}  # a secret as each val_json_bytes reads it


def _secret_bytes(json: JsonModes) -> RustType:
    """SecretBytes is written masked whatever `ser_json_bytes` says, and read as `val_json_bytes` says."""
    mode = {"utf8": "", "base64": "Base64", "hex": "Hex"}[json.val_json_bytes]
    return RustType(f"pytypes::Secret{mode}Bytes", False, "secret")


def _network(name: str, python: Python, given: str, written: str) -> Scalar:
    """An IP network or interface (`address/prefix`), read and written as CPython's ipaddress does."""
    rust = "Ip" + python.qualname[2:]  # IPv4Network -> Ipv4Network, IPvAnyNetwork -> IpvAnyNetwork
    return Scalar(
        name=name,
        python=python,
        rust=fixed(f"pytypes::{rust}", copy=False, word=rust, feature="ip"),
        pyo3=NATIVE,
        samples=Samples(lambda hint, json: (given, written)),
        union=UNRANKED,
        readers=Readers(frozenset({"Str", "Int", "Bool"}), lax=None),  # an int (and a bool): the address alone
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": python.qualname.lower(), "type": "string"},
        readme=Readme("`ipaddress.IPv4Network`", annotation=".".join(python.where), expected=f"pytypes::{rust}"),
    )


SCALARS: tuple[Scalar, ...] = (
    Scalar(
        name="str",
        python=_python("str", "builtins", more=("typing.Text", "typing_extensions.Text")),
        rust=fixed("::std::string::String", copy=False, word="Str"),
        pyo3=PyO3("native", exact="PyString"),
        samples=Samples(_str_sample),
        union=Union("str", {"Str": STRICT}, frozenset({"Str"}), "Str", formatted=False),
        readers=Readers(frozenset({"Str"}), lax=frozenset(), spellings=LAX_SPELLINGS["str"]),
        constraints=Constraints(
            LENGTHS | {"pattern", "strip_whitespace", "to_lower", "to_upper", "strict"},
            strict_as_serde=True,  # a str refuses numbers in strict JSON mode, as serde does
            length=("String", "characters"),
        ),
        containers=Containers(set_item=True, dict_key="::std::string::String"),
        json_schema={"type": "string"},
        readme=Readme("`str`, `typing.Text`"),
    ),
    Scalar(
        name="int",
        python=_python("int", "builtins"),
        rust=fixed("i64", copy=True, word="Int"),
        pyo3=PyO3("native", exact="PyInt"),
        samples=Samples(_int_sample),
        union=Union(
            "int", {"Int": EXACT, "Float": LAX, "Str": LAX, "Bool": LAX}, frozenset({"Int"}), "Int", formatted=False
        ),
        readers=Readers(frozenset({"Int"}), lax=frozenset({"Float", "Str", "Bool"}), spellings=LAX_SPELLINGS["int"]),
        constraints=Constraints(BOUNDS | {"multiple_of", "strict"}, strict_as_serde=True, length=None),
        containers=Containers(set_item=True, dict_key="pytypes::IntKey"),  # read as pydantic reads "007"
        json_schema={"type": "integer"},
        readme=Readme("`int`"),
    ),
    Scalar(
        name="float",
        python=_python("float", "builtins"),
        rust=Rust(_float, "Float"),
        pyo3=PyO3("native", exact="PyFloat"),
        samples=Samples(_float_sample),
        union=Union(
            "float",
            {"Float": EXACT, "Int": STRICT, "Str": LAX, "Bool": LAX},
            frozenset({"Int", "Float"}),
            "Float",
            formatted=False,
        ),
        readers=Readers(frozenset({"Int", "Float"}), lax=frozenset({"Str", "Bool"}), spellings=LAX_SPELLINGS["float"]),
        constraints=Constraints(BOUNDS | {"multiple_of", "allow_inf_nan", "strict"}, strict_as_serde=True, length=None),
        containers=NOT_IN_CONTAINERS,
        json_schema={"type": "number"},
        readme=Readme("`float`"),
    ),
    Scalar(
        name="bool",
        python=_python("bool", "builtins"),
        rust=fixed("bool", copy=True, word="Bool"),
        pyo3=PyO3("native", exact="PyBool"),
        samples=same(True),
        union=Union(
            "bool", {"Bool": EXACT, "Int": LAX, "Float": LAX, "Str": LAX}, frozenset(), "Bool", formatted=False
        ),
        readers=Readers(frozenset({"Bool"}), lax=frozenset({"Int", "Float", "Str"}), spellings=LAX_SPELLINGS["bool"]),
        # strict JSON mode reads only `true` / `false`, as serde does (StrictBool)
        constraints=Constraints(frozenset({"strict"}), strict_as_serde=True, length=None),
        containers=Containers(set_item=True, dict_key=None),
        json_schema={"type": "boolean"},
        readme=Readme("`bool`"),
    ),
    Scalar(
        # a field typed `None`, a generic's argument `Page[None]`; the arm `None` of `T | None` is an Optional
        name="none",
        python=Python((), "None", "NoneType", ("types", "NoneType")),
        rust=fixed("pytypes::NoneType", copy=True, word="None"),
        pyo3=NATIVE,
        samples=same(None),
        union=UNRANKED,
        readers=Readers(frozenset({"Null"}), lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"type": "null"},
        readme=Readme("`None`"),
    ),
    _temporal(
        "datetime",
        _python("datetime", "datetime"),
        "Datetime",
        "2132-04-23T10:20:30.400000+02:00",
        Readme("`datetime`"),
        bare_date="lax",  # `Union[datetime, str]` <- "2020-01-01" is a str
    ),
    _temporal(
        "aware_datetime",
        _python("AwareDatetime", "pydantic", more=("pydantic.types.AwareDatetime",)),
        "AwareDatetime",
        "2132-04-23T10:20:30Z",
        Readme("`AwareDatetime`"),
        bare_date="lax",
    ),
    _temporal(
        "naive_datetime",
        _python("NaiveDatetime", "pydantic", more=("pydantic.types.NaiveDatetime",)),
        "NaiveDatetime",
        "2132-04-23T10:20:30.000500",
        Readme("`AwareDatetime`", annotation="NaiveDatetime", expected="pytypes::NaiveDatetime"),
        bare_date="lax",
    ),
    _temporal(
        "date",
        _python("date", "datetime"),
        "Date",
        "2132-04-23",
        Readme("`date`"),
        bare_date="only",  # a datetime text is a date only in lax mode (at midnight)
    ),
    _temporal("time", _python("time", "datetime"), "Time", "10:20:30.000005-05:30", Readme("`time` ("), None),
    _temporal(
        "timedelta", _python("timedelta", "datetime"), "Timedelta", "-P1Y35DT1H2M3.5S", Readme("`timedelta`"), None
    ),
    Scalar(
        name="uuid",
        python=_python("UUID", "uuid"),
        rust=fixed("uuid::Uuid", copy=True, word="Uuid", feature="uuid"),
        pyo3=NATIVE,
        samples=same("12345678-1234-5678-1234-567812345678"),
        union=Union("uuid", {"Str": EXACT}, frozenset(), "Str", formatted=True),  # beats str and bytes
        readers=Readers(frozenset({"Str"}), lax=frozenset(), spellings=LAX_SPELLINGS["uuid"]),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": "uuid", "type": "string"},
        readme=Readme("`uuid.UUID`"),
    ),
    Scalar(
        name="decimal",
        python=_python("Decimal", "decimal"),
        rust=fixed("pytypes::Decimal", copy=False, word="Decimal", feature="decimal"),
        pyo3=NATIVE,
        samples=same("-1.10E-7"),
        union=Union("decimal", {"Str": STRICT, "Int": STRICT, "Float": STRICT}, frozenset(), "Str", formatted=True),
        readers=Readers(frozenset({"Str", "Int", "Float"}), lax=frozenset(), spellings=LAX_SPELLINGS["decimal"]),
        constraints=Constraints(
            BOUNDS | {"multiple_of", "max_digits", "decimal_places", "allow_inf_nan", "strict"},
            strict_as_serde=False,  # Rust hands pydantic a str, which strict refuses
            length=None,
        ),
        containers=NOT_IN_CONTAINERS,
        json_schema={"anyOf": [{"type": "number"}, {"type": "string"}]},
        readme=Readme("`Decimal`"),
    ),
    Scalar(
        name="bytes",
        python=_python("bytes", "builtins"),
        rust=Rust(lambda json: RustType(f"pytypes::{bytes_ident(json)}", False, "bytes"), "Bytes"),
        pyo3=NATIVE,
        samples=Samples(_bytes_sample),
        union=Union("bytes", {"Str": STRICT}, frozenset(), "Str", formatted=False),
        readers=Readers(frozenset({"Str"}), lax=frozenset()),
        constraints=Constraints(LENGTHS | {"strict"}, strict_as_serde=False, length=("Data", "bytes")),
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": "binary", "type": "string"},
        readme=Readme("`bytes` ("),
    ),
    Scalar(
        name="ipv4_address",
        python=_python("IPv4Address", "ipaddress"),
        rust=fixed("pytypes::Ipv4Address", copy=True, word="Ipv4Address", feature="ip"),
        pyo3=NATIVE,
        samples=same("192.168.0.1"),
        union=UNRANKED,
        readers=Readers(frozenset({"Str", "Int", "Bool"}), lax=None),  # an int, and a bool (an int to Python)
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": "ipv4", "type": "string"},
        readme=Readme("`ipaddress.IPv4Address`"),
    ),
    Scalar(
        name="ipv6_address",
        python=_python("IPv6Address", "ipaddress"),
        rust=fixed("pytypes::Ipv6Address", copy=False, word="Ipv6Address", feature="ip"),
        pyo3=NATIVE,
        samples=Samples(lambda hint, json: ("FE80::0:0:1%eth0", "fe80::1%eth0")),  # written as CPython writes it
        union=UNRANKED,
        readers=Readers(frozenset({"Str", "Int", "Bool"}), lax=None),  # an int within 128 bits, a bool
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": "ipv6", "type": "string"},
        readme=Readme("`ipaddress.IPv6Address`"),
    ),
    Scalar(
        name="ipvany_address",
        python=_python("IPvAnyAddress", "pydantic", more=("pydantic.networks.IPvAnyAddress",)),
        rust=fixed("pytypes::IpvAnyAddress", copy=False, word="IpvAnyAddress", feature="ip"),
        pyo3=NATIVE,
        samples=Samples(lambda hint, json: ("::ffff:1.2.3.4", "::ffff:102:304")),
        union=UNRANKED,
        readers=Readers(frozenset({"Str", "Int", "Bool"}), lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": "ipvanyaddress", "type": "string"},
        readme=Readme("`pydantic.IPvAnyAddress`"),
    ),
    _network("ipv4_network", _python("IPv4Network", "ipaddress"), "10.0.0.0/255.0.0.0", "10.0.0.0/8"),
    _network("ipv6_network", _python("IPv6Network", "ipaddress"), "2001:DB8::/32", "2001:db8::/32"),
    _network("ipv4_interface", _python("IPv4Interface", "ipaddress"), "10.1.2.3/0.0.0.255", "10.1.2.3/24"),
    _network("ipv6_interface", _python("IPv6Interface", "ipaddress"), "FE80::1%eth0/64", "fe80::1%eth0/64"),
    _network(
        "ipvany_network",
        _python("IPvAnyNetwork", "pydantic", more=("pydantic.networks.IPvAnyNetwork",)),
        "2001:DB8::/32",
        "2001:db8::/32",
    ),
    _network(
        "ipvany_interface",
        _python("IPvAnyInterface", "pydantic", more=("pydantic.networks.IPvAnyInterface",)),
        "10.1.2.3/24",
        "10.1.2.3/24",
    ),
    *(
        _path(name, cls)
        for name, cls in (
            ("path", "Path"),
            ("pure_path", "PurePath"),
            ("posix_path", "PosixPath"),
            ("pure_posix_path", "PurePosixPath"),
        )
    ),
    _url("any_url", "AnyUrl", "postgres://user@db.example.com:5432/app?sslmode=require", max_length=None),
    _url("any_http_url", "AnyHttpUrl", "https://example.com/a%20b?q=1#top", max_length=None),
    _url("http_url", "HttpUrl", "https://example.com/a%20b?q=1#top", max_length=2083),
    _url("file_url", "FileUrl", "file:///srv/data/in.txt", max_length=None),
    _url("ftp_url", "FtpUrl", "ftp://example.com/pub/", max_length=None),
    _url("any_websocket_url", "AnyWebsocketUrl", "wss://example.com/socket", max_length=None),
    _url("websocket_url", "WebsocketUrl", "wss://example.com/socket", max_length=2083),
    Scalar(
        name="email_str",
        python=_python("EmailStr", "pydantic", more=("pydantic.networks.EmailStr",)),
        rust=fixed("pytypes::EmailStr", copy=False, word="EmailStr", feature="email"),
        pyo3=NATIVE,
        samples=Samples(lambda hint, json: ("  Jane.Doe@Example.COM ", "Jane.Doe@example.com")),
        union=UNRANKED,
        readers=Readers(frozenset({"Str"}), lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": "email", "type": "string"},
        readme=Readme("`pydantic.EmailStr`"),
    ),
    Scalar(
        name="name_email",
        python=_python("NameEmail", "pydantic", more=("pydantic.networks.NameEmail",)),
        rust=fixed("pytypes::NameEmail", copy=False, word="NameEmail", feature="email"),
        pyo3=NATIVE,
        samples=Samples(lambda hint, json: ("Jane Doe <Jane.Doe@Example.COM>", "Jane Doe <Jane.Doe@example.com>")),
        union=UNRANKED,
        readers=Readers(frozenset({"Str"}), lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={"format": "name-email", "type": "string"},
        readme=Readme("`pydantic.EmailStr`", annotation="pydantic.NameEmail", expected="pytypes::NameEmail"),
    ),
    Scalar(
        name="secret_str",
        python=_python("SecretStr", "pydantic", more=("pydantic.types.SecretStr",)),
        rust=fixed("pytypes::SecretStr", copy=False, word="SecretStr", feature="secret"),
        pyo3=NATIVE,
        samples=Samples(lambda hint, json: ("s3cret", "**********")),  # written masked, as pydantic does
        union=UNRANKED,
        readers=Readers(frozenset({"Str"}), lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema=_SECRET_SCHEMA,
        readme=Readme("`pydantic.SecretStr`"),
    ),
    Scalar(
        name="secret_bytes",
        python=_python("SecretBytes", "pydantic", more=("pydantic.types.SecretBytes",)),
        rust=Rust(_secret_bytes, "SecretBytes"),
        pyo3=NATIVE,
        samples=Samples(lambda hint, json: (_SECRET_BYTES[json.val_json_bytes], "**********")),
        union=UNRANKED,
        readers=Readers(frozenset({"Str"}), lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema=_SECRET_SCHEMA,
        readme=Readme("`pydantic.SecretStr`", annotation="pydantic.SecretBytes", expected="pytypes::SecretBytes"),
    ),
    Scalar(
        name="any",
        python=_python("Any", "typing", more=("typing_extensions.Any",)),
        rust=fixed("serde_json::Value", copy=False, word="Any", feature="json"),
        pyo3=PyO3("json", exact=None),
        samples=same({"k": [1, 2.5, "s", None, True, {"n": -0.0}]}),
        union=UNRANKED,
        readers=Readers(EVERY_TOKEN, lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={},
        readme=Readme("`typing.Any`"),
    ),
    Scalar(
        name="json_value",
        python=_python("JsonValue", "pydantic", more=("pydantic.types.JsonValue",)),
        rust=fixed("serde_json::Value", copy=False, word="JsonValue", feature="json"),
        pyo3=PyO3("json", exact=None),
        samples=same([{"z": 1, "a": "é"}, 1e16]),
        union=UNRANKED,
        readers=Readers(EVERY_TOKEN, lax=None),
        constraints=NO_CONSTRAINTS,
        containers=NOT_IN_CONTAINERS,
        json_schema={},
        readme=Readme("`typing.Any`", annotation="JsonValue", expected="serde_json::Value"),
    ),
)
BY_NAME: dict[str, Scalar] = {s.name: s for s in SCALARS}


def scalar(name: str) -> Scalar:
    return BY_NAME[name]
