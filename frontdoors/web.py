"""The xlsales add-in for Excel (Office.js) and its HTTP API: the project's own FastAPI app.

Routes (all under ``/xlsales``):

* ``GET  /xlsales/manifest.xml``: the Office add-in manifest (ribbon: "xlsales" opens
  the pane; one button per template builds it empty);
* ``GET  /xlsales/taskpane.html``: the pane; its script and style under ``/xlsales/static``;
* ``GET  /xlsales/templates``: the template kinds and their options (what the pane shows);
* ``GET  /xlsales/templates/{kind}.xlsx``: the empty template; with query parameters
  (``?target=10&rates=0.3,0.5&stage_days=7,14&due=2027-03-31``) a kind with typed inputs
  (the funnel planner) built from them;
* ``POST /xlsales/templates/{kind}``: JSON ``{"table": [[header...], [...]], "options":
  {...}, "source": {"workbook", "sheet", "address"}}`` in, the xlsx bytes out; a bad
  table or option is a 400 with ``{"error": "<one line>"}``. Without a table, a kind's
  typed inputs (``{"options": {"rates": ..., ...}}``) build it.

None of this needs xlwings. Where xlwings Server is installed and licensed,
:func:`create_app` mounts it in the same app, so the Excel functions and the pane come
from one origin, and the manifest declares the functions too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from frontdoors import kinds
from workbook_templates import to_bytes
from xlsales import __version__
from xlsales.errors import XlsalesError
from xlsales.records import Cells

STATIC = Path(__file__).resolve().parent / "static"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANIFEST_ID = "7d1f3c5e-2b8a-4e6f-9c1d-5a3b7e9f0c24"  # the xlsales add-in's own id
NAMESPACE = "XLSALES"
ICONS = """<Icon>
                    <bt:Image size="16" resid="Icon.16" />
                    <bt:Image size="32" resid="Icon.32" />
                    <bt:Image size="80" resid="Icon.80" />
                  </Icon>"""


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _cells(body: dict[str, Any]) -> Cells | None:
    """The posted table and where it was read, checked for shape (the readers check values)."""
    table = body.get("table")
    if table is None:
        return None
    if not isinstance(table, list) or not all(isinstance(r, list) for r in table):
        raise XlsalesError("table must be a list of rows, each a list of cell values")
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if isinstance(value, (list, dict)):
                raise XlsalesError(
                    f"table[{r}][{c}] must be a cell value, not {type(value).__name__}"
                )
    source = body.get("source") or {}
    if not isinstance(source, dict):
        raise XlsalesError("source must be an object with workbook, sheet and address")
    return Cells(
        table,
        str(source.get("workbook") or "table"),
        str(source.get("sheet") or ""),
        str(source.get("address") or ""),
    )


def build_bytes(kind: str, body: dict[str, Any]) -> tuple[bytes, Any]:
    """The request body of ``POST /xlsales/templates/{kind}`` to xlsx bytes and provenance."""
    if not isinstance(body, dict):
        raise XlsalesError('the body must be a JSON object: {"table": [[...]], "options": {...}}')
    unknown = sorted(set(body) - {"table", "options", "source"})
    if unknown:
        raise XlsalesError(f"unknown field(s) {', '.join(unknown)}; use table, options, source")
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise XlsalesError('options must be an object, e.g. {"hours_per_owner": 1200}')
    wb, source = kinds.build(kind, _cells(body), options)
    return to_bytes(wb), source


def _button(control: str, strings: str, action: str) -> str:
    """A ribbon button: its label and tip are the resources ``{strings}.Label/.Tip``."""
    return f"""
                <Control xsi:type="Button" id="{control}">
                  <Label resid="{strings}.Label" />
                  <Supertip>
                    <Title resid="{strings}.Label" />
                    <Description resid="{strings}.Tip" />
                  </Supertip>
                  {ICONS}
                  {action}
                </Control>"""


def _function_name(kind: str) -> str:
    """The ribbon function of a kind: newAccountMatrix for account-matrix."""
    return "new" + "".join(part.capitalize() for part in kind.split("-"))


def manifest(base: str, functions: bool) -> str:
    """The Office add-in manifest for the app at ``base`` (no trailing slash).

    ``functions``: also declare the Excel functions that xlwings Server serves.
    """
    pane = f"{base}/xlsales/taskpane.html"
    listed = list(kinds.KINDS.values())
    pane_button = _button(
        "Xlsales.Pane",
        "Pane",
        '<Action xsi:type="ShowTaskpane"><TaskpaneId>XlsalesPane</TaskpaneId>'
        '<SourceLocation resid="Pane.Url" /></Action>',
    )
    buttons = "".join(
        _button(
            f"Xlsales.New{i}",
            f"New{i}",
            '<Action xsi:type="ExecuteFunction">'
            f"<FunctionName>{_function_name(k.name)}</FunctionName></Action>",
        )
        for i, k in enumerate(listed)
    )
    labels = "".join(
        f'\n        <bt:String id="New{i}.Label" DefaultValue={quoteattr(k.title)} />'
        for i, k in enumerate(listed)
    )
    tips = "".join(
        f'\n        <bt:String id="New{i}.Tip" '
        f"DefaultValue={quoteattr(f'A new, empty {k.title.lower()} workbook: {k.purpose}')} />"
        for i, k in enumerate(listed)
    )
    requirements = runtimes = custom_functions = function_urls = namespace = ""
    if functions:
        requirements = """
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="SharedRuntime" MinVersion="1.1" />
    </Sets>
  </Requirements>"""
        runtimes = """
        <Runtimes>
          <Runtime resid="Functions.Page.Url" lifetime="long" />
        </Runtimes>"""
        custom_functions = """
        <AllFormFactors>
          <ExtensionPoint xsi:type="CustomFunctions">
            <Script>
              <SourceLocation resid="Functions.Script.Url" />
            </Script>
            <Page>
              <SourceLocation resid="Functions.Page.Url" />
            </Page>
            <Metadata>
              <SourceLocation resid="Functions.Metadata.Url" />
            </Metadata>
            <Namespace resid="Functions.Namespace" />
          </ExtensionPoint>
        </AllFormFactors>"""
        function_urls = f"""
        <bt:Url id="Functions.Page.Url" DefaultValue="{base}/taskpane.html" />
        <bt:Url id="Functions.Script.Url" DefaultValue="{base}/xlwings/custom-functions-code.js" />
        <bt:Url id="Functions.Metadata.Url" DefaultValue="{base}/xlwings/custom-functions-meta.json" />"""
        namespace = f'\n        <bt:String id="Functions.Namespace" DefaultValue="{NAMESPACE}" />'
    icon = f"{base}/xlsales/static/icon"
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
  xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="TaskPaneApp">
  <Id>{MANIFEST_ID}</Id>
  <Version>{__version__}.0</Version>
  <ProviderName>xlsales</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="xlsales" />
  <Description DefaultValue="Sales-analytics templates for Excel: account matrix, prospecting log, funnel planner, empty or from the selected table." />
  <IconUrl DefaultValue="{icon}-32.png" />
  <HighResolutionIconUrl DefaultValue="{icon}-80.png" />
  <SupportUrl DefaultValue="{base}/xlsales/taskpane.html" />
  <AppDomains>
    <AppDomain>{base}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook" />
  </Hosts>{requirements}
  <DefaultSettings>
    <SourceLocation DefaultValue="{pane}" />
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides" xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">{runtimes}{custom_functions}
        <DesktopFormFactor>
          <FunctionFile resid="Commands.Url" />
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <CustomTab id="Xlsales.Tab">
              <Group id="Xlsales.Group">
                <Label resid="Group.Label" />
                {ICONS}{pane_button}{buttons}
              </Group>
              <Label resid="Tab.Label" />
            </CustomTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>
        <bt:Image id="Icon.16" DefaultValue="{icon}-16.png" />
        <bt:Image id="Icon.32" DefaultValue="{icon}-32.png" />
        <bt:Image id="Icon.80" DefaultValue="{icon}-80.png" />
      </bt:Images>
      <bt:Urls>
        <bt:Url id="Pane.Url" DefaultValue="{pane}" />
        <bt:Url id="Commands.Url" DefaultValue="{base}/xlsales/commands.html" />{function_urls}
      </bt:Urls>
      <bt:ShortStrings>
        <bt:String id="Tab.Label" DefaultValue="xlsales" />
        <bt:String id="Group.Label" DefaultValue="Templates" />
        <bt:String id="Pane.Label" DefaultValue="xlsales" />{labels}{namespace}
      </bt:ShortStrings>
      <bt:LongStrings>
        <bt:String id="Pane.Tip" DefaultValue="Open the xlsales pane: every template, empty or from the selected table." />{tips}
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
"""


def create_app(functions: Any = None) -> FastAPI:
    """The xlsales app; ``functions``: an ASGI app (xlwings Server) to mount at the root."""
    app = FastAPI(title="xlsales", version=__version__, docs_url=None, redoc_url=None)
    app.state.functions = functions is not None

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(
            400, "the body must be JSON: " + "; ".join(str(e["msg"]) for e in exc.errors())
        )

    @app.get("/xlsales/manifest.xml")
    @app.get("/manifest.xml", include_in_schema=False)
    def get_manifest(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return Response(manifest(base, app.state.functions), media_type="application/xml")

    @app.get("/xlsales/taskpane.html")
    def get_pane() -> FileResponse:
        return FileResponse(STATIC / "taskpane.html", media_type="text/html")

    @app.get("/xlsales/commands.html")
    def get_commands() -> FileResponse:
        return FileResponse(STATIC / "commands.html", media_type="text/html")

    @app.get("/xlsales/templates")
    def get_kinds() -> dict[str, Any]:
        return {
            "version": __version__,
            "functions": app.state.functions,
            "templates": [
                k.describe() | {"button": _function_name(k.name)} for k in kinds.KINDS.values()
            ],
        }

    @app.get("/xlsales/templates/{kind}.xlsx")
    def get_empty(kind: str, request: Request) -> Response:
        try:  # query parameters are options: a typed kind is built from them
            data, _ = build_bytes(kind, {"options": dict(request.query_params)})
        except XlsalesError as exc:
            return _error(404 if kind not in kinds.KINDS else 400, str(exc))
        return _xlsx(kind, data)

    @app.post("/xlsales/templates/{kind}")
    def post_template(kind: str, body: Any = Body(None)) -> Response:
        if kind not in kinds.KINDS:
            return _error(404, f"unknown template {kind!r}: use one of {', '.join(kinds.KINDS)}")
        try:
            data, source = build_bytes(kind, body if body is not None else {})
        except XlsalesError as exc:
            return _error(400, str(exc))
        response = _xlsx(kind, data)
        if source is not None:
            response.headers["X-Xlsales-Rows"] = str(source.rows)
            response.headers["X-Xlsales-Sha256"] = source.sha256
        return response

    app.mount("/xlsales/static", StaticFiles(directory=STATIC), name="xlsales-static")
    if functions is not None:
        app.mount("/", functions)
    return app


def _xlsx(kind: str, data: bytes) -> Response:
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{kind}.xlsx"'},
    )
