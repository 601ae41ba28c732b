"""Deterministic Orders for the bindings benchmarks: a small one (2 items) and a large one (200)."""

from __future__ import annotations

from bench.models import Address, Category, Customer, Item, Order, Status

CATEGORIES = list(Category)
KINDS = ("physical", "digital", "service")


def make_item(i: int) -> Item:
    return Item(
        sku=f"SKU-{i:05d}",
        name=f"Item number {i}, a fairly ordinary product name",
        quantity=1 + i % 7,
        unit_price=round(3.5 + i * 1.25, 2),
        category=CATEGORIES[i % len(CATEGORIES)],
        kind=KINDS[i % len(KINDS)],
        tags=[f"tag{i % 5}", f"tag{i % 11}", "sale"] if i % 2 else ["new"],
        discount=0.1 if i % 3 == 0 else None,
        gift_note="Happy birthday!" if i % 10 == 0 else None,
        attributes={"colour": ("red", "green", "blue")[i % 3], "size": str(36 + i % 10)},
    )


def make_order(items: int) -> Order:
    home = Address(street="1 Main Street", city="Springfield", postcode="12345")
    work = Address(street="99 Market Square", city="Shelbyville", postcode="54321", country="CA", line2="Floor 3")
    lines = [make_item(i) for i in range(items)]
    subtotal = round(sum(x.quantity * x.unit_price for x in lines), 2)
    return Order(
        id=f"ORD-{items:04d}-0001",
        customer=Customer(id=42, name="Ada Lovelace", email="ada@example.com", vip=True, address=home),
        shipping=work,
        billing=home,
        items=lines,
        status=Status.PAID,
        channel="app",
        notes="Leave at the door",
        totals={"subtotal": subtotal, "tax": round(subtotal * 0.2, 2), "shipping": 4.99},
        metadata={"source": "bench", "campaign": "spring"},
    )
