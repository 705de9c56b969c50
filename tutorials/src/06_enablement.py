# %% [markdown]
# # 06 · Enablement
#
# **What you will learn**
#
# - read which features are enabled on the instance and its name (`features/list`);
# - see the same in the **Enablement panel**.
#
# Why look: the features tell you which API generation the instance speaks. This toolkit's assay calls
# in notebooks `07` and `08` are the **V1** assays API (`assays/create`, `assays/run_interactive`, ...);
# an instance that reports `assays_v2` as `"true"` has the newer assays as well (`/v2/api/assays/*`,
# notebook `09`).

# %%
from wallaroo_widgets import Session

session = Session.from_env()

# %% [markdown]
# ## 1. Features
#
# `features/list` takes no parameters. The answer has the instance `name`, whether authentication is
# enabled, and the features — their values are **strings** (`"true"`), not booleans.
#
# | call | parameters | answer |
# |---|---|---|
# | `features.list` | none (the body is `{}`; newer clients send none) | `name` (str), `is_auth_enabled` (bool), `features` (dict of name → `"true"`/`"false"` strings) |

# %%
info = session.features.list()
assert isinstance(info["features"], dict) and all(isinstance(v, str) for v in info["features"].values())
print("instance:", info["name"])
print("auth enabled:", info["is_auth_enabled"])
info["features"]

# %%
import pandas as pd

flags = pd.DataFrame(sorted(info["features"].items()), columns=["feature", "value"])
flags["enabled"] = flags["value"].str.lower().eq("true")  # compare the strings: bool("false") is True
assert not flags.loc[flags["value"] == "false", "enabled"].any()
flags

# %% [markdown]
# The features the sandbox reports, and what they mean:
#
# | feature | meaning |
# |---|---|
# | `plateau` | inference results are logged to Wallaroo's log store (Plateau) — what `assays/get_baseline` and the assays read |
# | `assays_v2` | the newer (V2) assays API (`/v2/api/assays/*`, notebook 09), which the sandbox serves next to the V1 assays of notebooks 07 and 08; `"false"`: V1 only |
#
# The call as `curl` (token masked):

# %%
print(session.last_call.to_curl())

# %% [markdown]
# ## 2. The Enablement panel
#
# The same answer as a widget: the instance name, whether authentication is on, and one row per feature.
# **Refresh** asks the server again.

# %%
from wallaroo_widgets.panels import EnablementPanel

enablement_panel = EnablementPanel(session)
assert not enablement_panel.error, enablement_panel.error
assert enablement_panel.features == info["features"], enablement_panel.features  # the same answer
enablement_panel

# %% [markdown]
# ## Clean-up
#
# This notebook only read: nothing remains on the server, so every run leaves the instance as it was.
# Close the session.

# %%
session.close()
print("closed")
