"""A realistic nested order, the input of the bindings benchmarks (generated into bench/bindings)."""

# ruff: noqa: UP045  (typing.Optional on purpose: the bench reads what real code writes)
from __future__ import annotations

from enum import Enum
from typing import Literal, Optional

from pydantic import BaseModel, Field


class Status(str, Enum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Category(str, Enum):
    BOOKS = "books"
    ELECTRONICS = "electronics"
    GROCERY = "grocery"
    TOYS = "toys"


class Address(BaseModel):
    street: str
    city: str
    postcode: str
    country: str = "US"
    line2: Optional[str] = None


class Customer(BaseModel):
    id: int
    name: str
    email: str
    vip: bool = False
    phone: Optional[str] = None
    address: Address


class Item(BaseModel):
    """One line of an order."""

    sku: str
    name: str
    quantity: int = Field(description="Units ordered")
    unit_price: float
    category: Category
    kind: Literal["physical", "digital", "service"] = "physical"
    tags: list[str] = []
    discount: Optional[float] = None
    gift_note: Optional[str] = None
    attributes: dict[str, str] = {}


class Order(BaseModel):
    """An order as a shop backend holds it."""

    id: str
    customer: Customer
    shipping: Address
    billing: Optional[Address] = None
    items: list[Item]
    status: Status = Status.PENDING
    channel: Literal["web", "app", "store"] = "web"
    notes: Optional[str] = None
    totals: dict[str, float] = {}
    metadata: dict[str, str] = Field(default_factory=dict)


class Risk(BaseModel):
    level: Literal["low", "medium", "high"]
    score: float
    flags: list[str] = []
