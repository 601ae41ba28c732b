"""`make corpus`: dspygen measured on published packages built on dspy and pydantic.

The packages are pinned by file and sha256 in corpus/packages.toml, downloaded into a cache
outside the repository (their code stays theirs: nothing of it is committed), and every file
holding a signature or a model is read by the real `dspygen schema`, unmodified.
"""
