"""The xlwings Server project that ``xlsales serve`` runs.

xlwings Server imports the top-level modules ``custom_functions`` and
``custom_scripts`` from its project folder (``XLWINGS_PROJECT_DIR``); this folder is
that project, and its ``custom_functions`` re-exports :mod:`udfs`. The settings live in
:func:`frontdoors.cli.server_environment`, which must run before xlwings is imported.
"""
