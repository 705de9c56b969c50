# %% [markdown]
# # 00 · The Wallaroo console
#
# **What you will learn**
#
# - connect to Wallaroo — the local sandbox by default, or a real instance — and open the **console**:
#   one tab per API area (users, workspaces, models, pipelines, enablement, assays V1 and V2), the
#   interactive **assay builder** and the drift **overview** of every field;
# - where to go next: notebooks `01`–`10` teach each area with the Python API, the panels and the plots.
#
# `make lab` starts a sandbox with demo data (workspace `housepricesaga`, pipeline `housepricepipe`,
# model `housepricemodel`, a month of inference logs with a drift episode, and two assays on it: the V1
# `house price drift` and its Assays V2 twin `house price drift v2`) and hands its connection settings to
# this kernel through the environment.

# %% [markdown]
# ## Connect
#
# `Session.from_env()` reads `WALLAROO_URL` plus either `WALLAROO_TOKEN`, or `WALLAROO_USER`,
# `WALLAROO_PASSWORD` and `WALLAROO_CLIENT_SECRET`. To use a real instance instead, set those
# variables before starting JupyterLab, or connect in the console's **Connect** tab.
#
# | variable | meaning |
# |---|---|
# | `WALLAROO_URL` | API base URL, e.g. `https://myco.api.example.wallaroo.ai` |
# | `WALLAROO_USER`, `WALLAROO_PASSWORD` | a Wallaroo (Keycloak) user |
# | `WALLAROO_CLIENT_SECRET` | the `api-client` Keycloak client's secret |
# | `WALLAROO_TOKEN` | alternatively, an access token |

# %%
from wallaroo_widgets import Session, console

session = Session.from_env()
me = session.identity()
print(f"connected to {session.url} as {me['email'] or me['username']} (token expires {me['expires_at']:%H:%M} UTC)")

# %% [markdown]
# ## Open the console
#
# Select a workspace in **Workspaces** to drive the Models, Pipelines and Assays tabs. Every panel has
# a **Show code** toggle with the equivalent Python, `requests` and `curl` for its last call.

# %%
app = console(session)
app

# %% [markdown]
# The console is an ordinary widget, so its panels are reachable from Python too. Select the demo
# workspace (as a click in its table would) — the Models, Pipelines and Assays tabs follow — and load
# the demo assay's results into the Assays tab's score timeline.

# %%
print("tabs:", ", ".join(app.panels))
workspaces_tab = app.panel("Workspaces")
assert workspaces_tab.table.select_where("name", "housepricesaga"), "the demo workspace is missing"
print("selected workspace:", app.state.workspace["name"])
assays_tab = app.panel("Assays")
# the demo assay by name (other notebooks add assays to the same pipeline): load its score timeline
assert assays_tab.table.select_where("name", "house price drift"), "the demo assay is missing"
assays_tab.results_button.click()
print("Assays tab:", assays_tab.message)
errors = {title: panel.error for title, panel in app.panels.items() if panel.error}
assert not errors, errors
workspaces_tab.table.df[["id", "name", "num_models", "num_pipelines"]]

# %% [markdown]
# ## Where next
#
# | notebook | the console tab it explains |
# |---|---|
# | `01_connect_and_tokens` | **Connect**: password grant, client credentials, static token, SDK client, show code |
# | `02_users` | **Users**: list, invite, deactivate/activate |
# | `03_workspaces` | **Workspaces**: create, members — the selected workspace drives the next tabs |
# | `04_models` | **Models**: upload (plain, stream, convert), versions, config |
# | `05_pipelines_and_inference` | **Pipelines**: list, create, deploy, status, inference, copy, undeploy, delete |
# | `06_enablement` | **Enablement**: instance name and features |
# | `07_assays` | **Assays**: baseline, summarize, create, preview, results and their charts |
# | `08_drift_exploration` | **Assay builder**: tune bins, metric and weights on the demo month, then create |
# | `09_assays_v2` | **Assays** with Assays V2: V1 and V2 in one list, V2 configs, preview, schedule, results |
# | `10_drift_overview` | **Overview**: every field scored at once, heatmap, ranked table, assays for fields, HTML reports |

# %% [markdown]
# ## Clean-up
#
# The cells above only read (selecting rows and loading results change nothing on the server), so
# nothing remains and every run leaves the instance as it was. Anything you create by hand in the
# console's forms stays, though: the MLOps API has no delete for users, workspaces or assays (today's API
# deletes pipelines and models: the Pipelines and Models tabs' **Delete…**). The console keeps using
# `session`; close it (`session.close()`) only when you are done.

# %%
print("nothing to clean up; the console stays usable")
