"""What a user sees: no truncated labels or icon-only buttons without a tooltip, tables with titles and a hint
when empty, blank (not "None") cells, warnings in amber rather than green, the workspace a console tab shows,
and tabs that follow each other (an upload offers the model as a pipeline step; a changed builder config drops
the old server comparison; a failed inference leaves no stale rows)."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from testkit import uniq

from wallaroo_widgets.panels import Console, ModelsPanel, PipelinesPanel, UsersPanel, WorkspacesPanel
from wallaroo_widgets.panels.base import ConsoleState, Panel
from wallaroo_widgets.panels.table import DataTable

from .helpers import walk

# -- labels and buttons ------------------------------------------------------------------------------------
#: what fits the default 80px description label without "…" ("Aggregation" does, "Client secret" does not)
SHORT = 11


def test_no_label_or_button_of_the_console_is_cut_off():
    app = Console()
    for w in walk(app):
        if isinstance(w, widgets.Button):
            assert w.description or w.tooltip, "an icon-only button without a tooltip"
            assert w.description or w.icon
            if len(w.description) > SHORT and w in _panel_buttons(app):
                assert w.layout.width == "auto", w.description  # never a fixed 148px with "Remove selec…"
        elif isinstance(w, widgets.FileUpload):
            assert w.layout.width == "auto", w.description  # "JSON/Arrow file (1)" in full
        elif isinstance(w, widgets.DOMWidget) and len(getattr(w, "description", "") or "") > SHORT:
            style = getattr(w, "style", None)
            assert style is not None and style.description_width, w.description  # "Client sec…", "Inference …"
    pipes = app.panel("Pipelines")
    assert pipes.steps_button.description == "Reload models" and pipes.deploy_timeout.description == "Timeout (s)"


def _panel_buttons(app: Console) -> list[widgets.Button]:
    return [b for p in app.panels.values() for b in p._buttons]


# -- tables ------------------------------------------------------------------------------------------------
def test_table_title_empty_hint_blank_missing_and_display_number_format():
    t = DataTable(pd.DataFrame({"name": ["a", None], "score": [298.0, 123456.789]}), caption="Scores",
                  empty="Nothing yet: click Load", number_format="{:,.6g}")
    assert t.children[0] is t.title and t.title.value == "<b>Scores</b>" and t.title.layout.display == "flex"
    assert t.table._dt_args["language"] == {"emptyTable": "Nothing yet: click Load"}
    assert t.table._dt_args["data_json"] == '[["a", "298"], ["", "123,457"]]'  # no "None", no 2.98e+02
    assert t.df["score"].dtype == float and t.df["score"].iloc[1] == 123456.789  # the data stays numeric
    untitled = DataTable()
    assert untitled.title.layout.display == "none"


def test_the_assays_stats_table_prints_prices_like_the_stats_figure():
    from wallaroo_widgets.panels import AssaysPanel
    from wallaroo_widgets.plots.stats import format_stat

    stats = AssaysPanel().stats  # a function formatter: the same text as plots.stats_comparison
    assert stats.number_format is format_stat
    stats.set_df(pd.DataFrame({"stat": ["count", "mean"], "Baseline": [298.0, 1617110.5]}))
    assert stats.table._dt_args["data_json"] == '[["count", "298"], ["mean", "1,617,110.50"]]'
    assert stats.df["Baseline"].iloc[1] == 1617110.5


def test_every_console_table_has_a_title_and_empty_tables_say_what_to_do():
    app = Console()
    tables = [w for w in walk(app) if isinstance(w, DataTable)]
    assert len(tables) >= 12
    for t in tables:
        assert t.title.value.startswith("<b>") and len(t.title.value) > 7
    hints = {t.title.value: t.table._dt_args.get("language", {}).get("emptyTable") for t in tables}
    assert hints["<b>Members of the selected workspace</b>"] == "Select a workspace above to see its members"
    assert "upload one below" in hints["<b>Models</b>"]
    assert "Run inference" in hints["<b>Inference result</b>"]
    assert "Preview on server" in hints["<b>Local vs server</b>"]
    ws = app.panel("Workspaces")
    assert ws.selected_label.value.startswith("No workspace selected: click a row")


# -- status line -------------------------------------------------------------------------------------------
class _Demo(Panel):
    def build(self):
        return []


def test_a_warning_is_amber_next_to_the_message_and_goes_at_the_next_action():
    panel = _Demo()

    def act():
        panel.warning = "only 3 windows"
        panel.message = "Done"

    panel.run_action(act)
    assert 'class="ww-message"' in panel.status.value and "Done" in panel.status.value
    assert 'class="ww-warning" style="color:#b26a00' in panel.status.value and "only 3 windows" in panel.status.value
    panel.run_action(lambda: None, success="Again")
    assert panel.warning == "" and "ww-warning" not in panel.status.value


# -- context -----------------------------------------------------------------------------------------------
def test_console_tabs_name_their_workspace_and_standalone_panels_do_not():
    app = Console()
    models, pipes = app.panel("Models"), app.panel("Pipelines")
    assert models.context.layout.display == "flex" and "select one in the Workspaces tab" in models.context.value
    app.state.workspace = {"id": 7, "name": "ux-demo"}
    for tab in ("Models", "Pipelines", "Assays", "Assay builder"):
        ctx = app.panel(tab).context
        assert "Workspace: <b>ux-demo</b> (id 7)" in ctx.value, tab
    assert pipes.picker.layout.display == "none"  # the menu stays hidden: the line replaces it
    alone = ModelsPanel()
    assert alone.context.layout.display == "none"


# -- panels following each other ---------------------------------------------------------------------------
def test_a_failed_inference_clears_the_previous_result():
    panel = PipelinesPanel()
    panel.state.workspace = {"id": 1, "name": "ws"}
    panel.state.remember_pipeline({"id": 5, "name": "p", "workspace_id": 1, "url": "http://x/infer/p-1/p"})
    assert panel.table.select_where("id", 5)
    panel.result.set_df(pd.DataFrame({"out.y": [1.0, 2.0]}))  # an earlier run
    panel.infer()  # no file chosen: an input error
    assert "Choose a JSON/Arrow file" in panel.error
    assert len(panel.result.df) == 0  # not the last run's rows under this run's error


def test_a_changed_builder_config_drops_the_old_server_comparison(builder):
    builder.server_results = [{"window_start": "2024-03-02T00:00:00Z", "score": 0.1}]
    builder.diff.set_df(pd.DataFrame({"window_start": ["2024-03-02"], "match": [True]}))
    builder.num_bins.value = 6
    assert builder.server_results is None and len(builder.diff.df) == 0
    assert builder.message == "Configuration changed: click Preview on server again to compare"


def test_users_table_leaves_out_keycloak_internals(session):
    panel = UsersPanel(session)
    assert panel.error == ""
    cols = list(panel.table.df.columns)
    assert cols[:5] == ["email", "username", "enabled", "created_at", "id"]
    assert not [c for c in cols if c.startswith("access.") or c in ("notBefore", "disableableCredentialTypes")]


def test_adding_an_unknown_member_says_to_invite_them_first(session):
    panel = WorkspacesPanel(session)
    name = uniq("members")
    panel.name.value = name
    panel.create_button.click()
    assert panel.error == "", panel.error
    panel.member_email.value = f"{uniq('nobody')}@example.com"
    panel.add_button.click()
    assert panel.error.startswith("Not found: ") and "invite new users in the Users tab first" in panel.error


def test_an_upload_in_the_models_tab_is_offered_as_a_pipeline_step(session):
    from wallaroo_widgets.sandbox.onnx_models import ccfraud_onnx

    state = ConsoleState(in_console=True)
    models, pipes = ModelsPanel(state=state), PipelinesPanel(state=state)
    state.session = session
    wid = session.workspaces.create(uniq("steps-follow"))["workspace_id"]
    state.workspace = {"id": wid, "name": "steps-follow"}
    assert pipes.step_models.options == () and "upload one in Models" in pipes.steps_note.value
    models.name.value = name = uniq("fresh")
    models.upload_file.value = ({"name": "m.onnx", "type": "", "size": 0, "content": memoryview(ccfraud_onnx()),
                                 "last_modified": pd.Timestamp.now(tz="UTC").to_pydatetime()},)
    models.upload()
    models.wait()
    assert models.error == "", models.error
    assert [label.split("\xa0")[0].split(" (")[0] for label, _v in pipes.step_models.options] == [name]
    assert pipes.steps_note.value == ""
