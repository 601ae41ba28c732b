"""The TOML merge: the user's keys are kept, dspygen's own keys go when it renders them no more."""

from __future__ import annotations

import tomlkit

from dspygen.lower.symbols import OWN_KEY
from dspygen.merge import merge_toml, same_toml

RENDERED = '[dependencies]\ndspygen-runtime = { version = "=0.1.0" }\n'


def test_a_mapped_type_s_dependency_goes_with_the_type_and_the_user_s_stay() -> None:
    on_disk = (
        '[dependencies]\ndspygen-runtime = { version = "=0.0.9" }\n'
        f'shop_money = {{ path = "rust/shop_money" }}  {OWN_KEY}\n'
        'itoa = "1"  # mine\n'
        'anyhow = "1"  # dspygen: a comment the user copied, not ours\n'
    )
    merged = tomlkit.parse(merge_toml(on_disk, RENDERED)).unwrap()
    assert merged["dependencies"] == {
        "dspygen-runtime": {"version": "=0.1.0"},
        "itoa": "1",
        "anyhow": "1",
    }


def test_a_mapped_type_s_dependency_stays_while_rendered() -> None:
    line = f'shop_money = {{ path = "rust/shop_money" }}  {OWN_KEY}\n'
    merged = merge_toml(RENDERED + line, RENDERED + line)
    assert tomlkit.parse(merged).unwrap()["dependencies"]["shop_money"] == {"path": "rust/shop_money"}
    assert OWN_KEY in merged


def test_a_file_without_the_marks_is_written_again() -> None:
    line = 'shop_money = { path = "rust/shop_money" }'
    assert not same_toml(RENDERED + line + "\n", RENDERED + f"{line}  {OWN_KEY}\n")
    assert same_toml(RENDERED + f"{line}  {OWN_KEY}\n", RENDERED + f"{line}  {OWN_KEY}\n")
