"""The client's former one-file name: `import strata_client as strata` keeps working."""

from strata import *  # noqa: F401,F403
from strata import __all__  # noqa: F401
