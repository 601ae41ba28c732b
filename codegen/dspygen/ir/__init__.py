"""The intermediate schema: Python facts only, frozen, target-neutral."""
