"""xlwings Server's custom functions: the xlsales Excel functions, unchanged."""

from udfs import *  # noqa: F403
from udfs import __all__  # noqa: F401
