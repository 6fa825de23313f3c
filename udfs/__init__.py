"""Excel functions of xlsales, one module per core module.

Point xlwings at this package: ``UDF_MODULES = udfs`` for the classic add-in,
``from udfs import *`` in xlwings Lite's ``main.py``, or the xlwings Server
``custom_functions`` module.
"""

from udfs.deals import CONVERSION_FROM_STAGES, DAYS_IN_STAGE, PLAN_VS_ACTUAL, STALLED
from udfs.funnel import (
    CUMULATIVE_CONVERSION,
    FUNNEL_SCHEDULE,
    PIPELINE_VELOCITY,
    REQUIRED_LEADS,
    STAGE_CONVERSION,
    WIN_RATE,
    XLSALES_VERSION,
)
from udfs.pareto import ABC_CLASS, ABC_COMPUTED, ABC_LIMITS, PARETO_CUTOFF
from udfs.pipeline import STALLED_DEALS, WEIGHTED_FORECAST

__all__ = [
    "STALLED_DEALS",
    "WEIGHTED_FORECAST",
    "CONVERSION_FROM_STAGES",
    "DAYS_IN_STAGE",
    "PLAN_VS_ACTUAL",
    "STALLED",
    "ABC_CLASS",
    "ABC_COMPUTED",
    "ABC_LIMITS",
    "PARETO_CUTOFF",
    "CUMULATIVE_CONVERSION",
    "FUNNEL_SCHEDULE",
    "PIPELINE_VELOCITY",
    "REQUIRED_LEADS",
    "STAGE_CONVERSION",
    "WIN_RATE",
    "XLSALES_VERSION",
]
