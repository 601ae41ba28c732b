"""`python -m corpus`: see corpus/run.py."""

from corpus.run import main

raise SystemExit(main())
