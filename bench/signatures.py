"""The signature of the Predict<S> benchmark: a typed call whose input is an Order."""

import dspy

from .models import Order, Risk


class ReviewOrder(dspy.Signature):
    """Decide whether to approve the order, and say why."""

    order: Order = dspy.InputField()
    note: str = dspy.InputField(desc="what the reviewer should look at")
    approve: bool = dspy.OutputField()
    risk: Risk = dspy.OutputField()
    reasons: list[str] = dspy.OutputField()
