"""Panel behaviour that needs no server: validation before any request, error rendering, tables, figures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from wallaroo_widgets import Session
from wallaroo_widgets.errors import ValidationError
from wallaroo_widgets.panels import (
    ConnectPanel,
    DataTable,
    InputError,
    ModelsPanel,
    UsersPanel,
    WorkspacesPanel,
    describe_error,
)
from wallaroo_widgets.panels import validate as v
from wallaroo_widgets.panels.figures import sync_figure, trace_ids

from .helpers import rendered_text, walk

UNREACHABLE = "http://127.0.0.1:9"  # discard port: any request would fail with ConnectionFailed
FAKE_TOKEN = ("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1MSIsImV4cCI6NDEwMjQ0NDgwMCwiZW1haWwiOiJhQGIuY28ifQ."
              "c2lnbmF0dXJlLXNlY3JldA")


@pytest.fixture
def offline_session():
    return Session.token(UNREACHABLE, FAKE_TOKEN, retries=0)


def test_bad_email_is_reported_inline_and_no_request_is_made(offline_session):
    panel = UsersPanel(state=None)
    panel.state.session = offline_session  # the initial load fails: no server
    assert "Connection failed" in panel.error
    offline_session.last_call = None
    panel.email.value = "not-an-email"
    panel.invite_button.click()
    assert panel.error == "Email 'not-an-email' is not a valid email address"
    assert offline_session.last_call is None
    assert "not a valid email" in panel.status.value and "Traceback" not in panel.status.value
    assert not panel.busy and not panel.invite_button.disabled


def test_workspace_name_and_member_validation(offline_session):
    panel = WorkspacesPanel()
    panel.state.session = offline_session
    offline_session.last_call = None
    panel.name.value = "9starts-with-digit"
    panel.create_button.click()
    assert "must start with a letter" in panel.error
    panel.member_email.value = "someone@example.com"
    panel.add_button.click()
    assert panel.error == "Select a workspace in the table first"
    assert offline_session.last_call is None


def test_models_upload_requires_a_file(offline_session, tmp_path):
    panel = ModelsPanel()
    panel.state.session = offline_session
    panel.state.workspace = {"id": 1, "name": "w"}
    offline_session.last_call = None
    panel.name.value = "mymodel"
    panel.path.value = str(tmp_path / "missing.onnx")
    panel.upload_button.click()
    panel.wait()
    assert panel.error == f"Model file {str(tmp_path / 'missing.onnx')!r} does not exist"
    assert offline_session.last_call is None


def test_connect_validates_fields_and_never_keeps_secrets_on_error():
    panel = ConnectPanel()
    panel.url.value = ""
    panel.connect_button.click()
    assert panel.error == "API URL is required"
    panel.url.value = "ftp://x"
    panel.connect_button.click()
    assert "must start with http" in panel.error
    panel.url.value = UNREACHABLE
    panel.username.value = "admin"
    panel.password.value = ""
    panel.connect_button.click()
    assert panel.error == "Password is required"
    panel.password.value = "hunter2-secret"
    panel.client_secret.value = "client-s3cret"
    panel.connect_button.click()  # token endpoint unreachable
    assert panel.error.startswith("Connection failed")
    assert "hunter2-secret" not in panel.status.value and "client-s3cret" not in panel.status.value
    assert panel.state.session is None
    # once sent, the secrets leave the widgets (a saved notebook's widget state must not hold them)
    assert panel.password.value == panel.client_secret.value == panel.token.value == ""
    assert panel.username.value == "admin" and panel.url.value == UNREACHABLE  # the rest stays for a retry
    states = str([w.get_state() for w in walk(panel)])  # every synced trait of every widget in the panel
    assert "hunter2-secret" not in states and "client-s3cret" not in states


def test_describe_error_uses_the_server_msg_and_scrubs_tokens():
    err = ValidationError("workspace name already exists", status=400, endpoint="/v1/api/workspaces/create")
    assert describe_error(err) == "Rejected by the server (HTTP 400): workspace name already exists"
    leaked = RuntimeError(f"boom Bearer {FAKE_TOKEN}")
    text = describe_error(leaked, [FAKE_TOKEN])
    assert FAKE_TOKEN not in text and "boom" in text


@pytest.mark.parametrize(("func", "value", "expected"), [
    (v.number, "0.25", 0.25), (v.numbers, "1, 2 3", [1.0, 2.0, 3.0]), (v.duration, " 24  hours", "24 hours"),
    (v.integer, "12", 12), (v.email, "a@b.io", "a@b.io"),
])
def test_validators_accept(func, value, expected):
    assert func(value, "X") == expected if func is not v.email else func(value) == expected


@pytest.mark.parametrize(("func", "value", "message"), [
    (v.number, "abc", "X must be a number, got 'abc'"), (v.number, "nan", "X must be a finite number"),
    (v.duration, "24 parsecs", "not a duration"), (v.integer, "1.5", "whole number"),
    (v.numbers, "1, x", "X entry must be a number"),
])
def test_validators_reject(func, value, message):
    with pytest.raises(InputError, match=message):
        func(value, "X")


def test_table_selection_is_a_traitlet_others_observe():
    seen = []
    table = DataTable(pd.DataFrame({"id": [3, 4, 5], "name": ["a", "b", "c"], "tags": [[1], [2], {"k": 1}]}))
    table.observe(lambda c: seen.append(c["new"]), "selected")
    table.select(1)
    assert table.selected == {"id": 4, "name": "b", "tags": [2]} and table.selected_index == 1
    assert table.table.selected_rows == [1]
    table.set_df(table.df.iloc[::-1], keep="id")  # reloading keeps the same row selected
    assert table.selected["id"] == 4 and table.selected_index == 1
    table.table.selected_rows = []  # a click in the browser clearing the selection
    assert table.selected is None
    assert [s["id"] if s else None for s in seen] == [4, None, 4, None]
    assert '[2]' in table.table._dt_args["data_json"]  # nested cells rendered as JSON text


def test_sync_figure_updates_traces_in_place():
    fw = go.FigureWidget([go.Scatter(x=[1, 2], y=[1, 2], marker={"color": ["red", "green"]}), go.Bar(x=[1], y=[1])])
    ids = trace_ids(fw)
    sync_figure(fw, go.Figure([go.Scatter(x=[1, 2, 3], y=[3, 2, 1]), go.Bar(x=["a", "b"], y=[5, 6])]))
    assert trace_ids(fw) == ids
    assert fw.data[0].y == (3, 2, 1) and fw.data[0].marker.color is None and fw.data[1].x == ("a", "b")


def test_sync_figure_from_a_placeholder_shows_the_axes():
    """The builder starts with a placeholder (hidden axes); the first real chart must show its tick labels."""
    from wallaroo_widgets.panels.figures import empty_figure, figure_widget

    fw = figure_widget(empty_figure("Baseline vs window", "no baseline yet"))
    assert fw.layout.xaxis.visible is False
    sync_figure(fw, go.Figure([go.Bar(x=["q_20", "q_40"], y=[0.5, 0.5])], layout={"yaxis_range": [0, 1]}))
    assert fw.layout.xaxis.visible is True and fw.layout.yaxis.visible is True
    assert fw.layout.xaxis.autorange is True and fw.layout.yaxis.range == (0, 1)
    assert fw.layout.annotations == ()  # the placeholder's note is gone


def test_figures_fill_the_panel_width_and_keep_their_height():
    from wallaroo_widgets.panels.figures import figure_widget

    fw = figure_widget(go.Figure(layout={"width": 700}), height=260)
    assert fw.layout.width is None and fw.layout.autosize is True and fw.layout.height == 260
    assert fw._config.get("responsive") is True
    sync_figure(fw, go.Figure([go.Bar(x=[1], y=[2])], layout={"width": 700, "height": 900}))
    assert fw.layout.width is None and fw.layout.autosize is True and fw.layout.height == 260


def test_empty_timeline_hides_its_axes_until_results_arrive():
    from wallaroo_widgets.panels.figures import figure_widget
    from wallaroo_widgets.panels.views import timeline_figure

    fw = figure_widget(timeline_figure([], None, None, empty="load some results"))
    assert fw.layout.xaxis.visible is False and fw.layout.yaxis.visible is False
    assert [a.text for a in fw.layout.annotations] == ["load some results"]
    results = [{"window_start": "2026-01-01T00:00:00+00:00", "window_end": "2026-01-02T00:00:00+00:00",
                "score": 0.1, "status": "Ok"}]
    sync_figure(fw, timeline_figure(results, 0.2, 0.3))
    assert fw.layout.xaxis.visible is True and fw.layout.yaxis.visible is True


def test_no_token_in_rendered_state_of_an_offline_console(offline_session):
    from wallaroo_widgets.panels import Console

    con = Console(offline_session)
    for panel in con.panels.values():
        panel.show_code.value = True
    text = rendered_text(con)
    assert FAKE_TOKEN not in text and "c2lnbmF0dXJlLXNlY3JldA" not in text
    assert [t for t in con.tabs.titles][:6] == ["Connect", "Users", "Workspaces", "Models", "Pipelines",
                                               "Enablement"]


def test_large_tables_are_not_downsampled_after_an_update():
    df = pd.DataFrame({"i": range(5000), "s": ["x" * 20] * 5000})
    table = DataTable(df.head(2))
    table.set_df(df)
    assert "downsampling_warning" not in table.table._dt_args or not table.table._dt_args["downsampling_warning"]
    assert table.table._dt_args["data_json"].count("xxxxxxxxxxxxxxxxxxxx") == 5000


def test_inference_files_json_records_and_arrow():
    import io

    import pyarrow as pa

    from wallaroo_widgets.panels.pipelines import read_inference_file

    df = read_inference_file("rows.json", b'[{"tensor": [1.0, 2.0]}, {"tensor": [3.0, 4.0]}]')
    assert df["tensor"].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    table = pa.table({"tensor": [[1.0, 2.0]]})
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    assert read_inference_file("rows.arrow", sink.getvalue()).equals(table)
    with pytest.raises(InputError, match="not valid JSON"):
        read_inference_file("rows.json", b"{nope")
    with pytest.raises(InputError, match="list of row objects"):
        read_inference_file("rows.json", b"[1, 2]")
    with pytest.raises(InputError, match="'junk.arrow' is not an Arrow IPC file"):
        read_inference_file("junk.arrow", b"ARROW1 definitely not arrow")
    with pytest.raises(InputError, match="'a' is a single value"):
        read_inference_file("one.json", b'{"a": 1}')


def test_table_columns_sized_to_content_not_to_their_filter_boxes():
    """The footer filter inputs fill their column (width 100%) instead of giving every column a browser's
    default input width: the table carries the class and its CSS rule, before and after new data."""
    from wallaroo_widgets.panels.assays import RESULT_COLUMNS
    from wallaroo_widgets.panels.table import FIT_CLASS, FIT_CSS

    table = DataTable(columns=RESULT_COLUMNS)
    for df in (None, pd.DataFrame({"window_start": ["2026-01-01"], "status": ["Ok"], "bin_index": [3]})):
        if df is not None:
            table.set_df(df)
        assert FIT_CLASS in table.table.classes.split()
        style = table.table._dt_args["table_style"]
        assert FIT_CSS in style and f"table.dataTable.{FIT_CLASS} tfoot input" in style and "width: 100%" in style
        assert table.table._dt_args["column_filters"] == "footer"
    assert list(table.df.columns)[:2] == ["window_start", "status"]
