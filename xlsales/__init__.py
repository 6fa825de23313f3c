"""xlsales: sales-funnel and account analytics that Excel formulas and templates share.

The calculations live here, free of Excel: :mod:`xlsales.funnel` and
:mod:`xlsales.pareto`. Excel functions are in the ``udfs`` package and template
workbooks in ``workbook_templates``.
"""


def __getattr__(name: str) -> str:
    """``xlsales.__version__``, read from the installed package's metadata when first
    asked for (importing :mod:`importlib.metadata` slows every command's start)."""
    if name != "__version__":
        raise AttributeError(f"module 'xlsales' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("xlsales")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
