"""The front doors: the ``xlsales`` command (and, beside it, the other ways in).

Each is a thin layer that parses input, calls the core (:mod:`xlsales`) and the builders
(:mod:`workbook_templates`), and shows the result. They stand above everything else:
nothing in ``xlsales``, ``udfs`` or ``workbook_templates`` imports them.
"""
