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

# %%
info = session.features.list()
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
# Nothing was created; close the session.

# %%
session.close()
print("closed")
