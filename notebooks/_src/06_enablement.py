# %% [markdown]
# # 06 · Enablement
#
# **What you will learn**
#
# - read which features are enabled on the instance and its name (`features/list`);
# - see the same in the **Enablement panel**.

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

pd.DataFrame(sorted(info["features"].items()), columns=["feature", "value"])

# %%
print(session.last_call.to_curl())

# %% [markdown]
# ## 2. The Enablement panel

# %%
from wallaroo_widgets.panels import EnablementPanel

enablement_panel = EnablementPanel(session)
assert not enablement_panel.error, enablement_panel.error
enablement_panel

# %% [markdown]
# ## Clean-up
#
# This notebook only read: nothing remains on the server, so every run leaves the instance as it was.
# Close the session.

# %%
session.close()
print("closed")
