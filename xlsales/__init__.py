"""xlsales: sales-funnel and account analytics that Excel formulas and templates share.

The calculations live here, free of Excel: :mod:`xlsales.funnel` and
:mod:`xlsales.pareto`. Excel functions are in the ``udfs`` package and template
workbooks in ``workbook_templates``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("xlsales")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
