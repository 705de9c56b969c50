# %% [markdown]
# # 03 · Workspaces
#
# **What you will learn**
#
# - list workspaces and create one;
# - add a user to a workspace as a collaborator or an owner, list the members and remove a user;
# - use the **Workspaces panel**, whose selected workspace drives the other panels.
#
# A workspace groups models, pipelines and assays; its members are owners or collaborators.

# %%
import secrets

from wallaroo_widgets import Session, ValidationError

session = Session.from_env()
SUFFIX = secrets.token_hex(3)

# %% [markdown]
# ## 1. List workspaces
#
# | parameter | meaning |
# |---|---|
# | `user_id` | optional Keycloak id: the workspaces of that user; omit it for all visible ones |
#
# `models` and `pipelines` are lists of ids.

# %%
session.workspaces.list().df

# %% [markdown]
# ## 2. Create a workspace
#
# | parameter | meaning |
# |---|---|
# | `workspace_name` | unique; letters, digits and `-`, starting with a letter |
#
# The caller becomes its owner. The answer is the new `workspace_id`.

# %%
ws_name = f"nb-workspace-{SUFFIX}"
workspace_id = session.workspaces.create(ws_name)["workspace_id"]
print(ws_name, "->", workspace_id)

# %%
try:
    session.workspaces.create(ws_name)
except ValidationError as err:
    print("a second workspace with the same name:", err.msg)

# %% [markdown]
# ## 3. Members
#
# We invite a user to work with, then add them to the workspace.
#
# | `add_user` parameter | meaning |
# |---|---|
# | `workspace_id` | the workspace |
# | `email` (or `user_id`) | the user to add |
# | `user_type` | `collaborator` (default) or `owner` |

# %%
email = f"nb-member-{SUFFIX}@example.com"
session.users.invite(email)
session.workspaces.add_user(workspace_id, email, user_type="collaborator")
members = session.workspaces.list_users(workspace_id)
members.df

# %%
emails = {u["id"]: u.get("email") or u.get("username") for u in session.users.query()}
[(emails.get(m["user_id"]), m["user_type"]) for m in members]

# %% [markdown]
# | `remove_user` parameter | meaning |
# |---|---|
# | `workspace_id` | the workspace |
# | `email` or `user_id` | the member to remove |
#
# The answer counts the removed memberships (0 when the user was not a member).

# %%
print(session.workspaces.remove_user(workspace_id, email))
print("members now:", [emails.get(m["user_id"]) for m in session.workspaces.list_users(workspace_id)])

# %% [markdown]
# ## 4. The Workspaces panel
#
# A table of workspaces; selecting one lists its members and sets the workspace the Models, Pipelines
# and Assays panels work in. Create a workspace or add/remove members from the form.

# %%
from wallaroo_widgets.panels import WorkspacesPanel

ws_panel = WorkspacesPanel(session)
assert not ws_panel.error, ws_panel.error
ws_panel

# %% [markdown]
# ## Clean-up
#
# The MLOps API cannot delete a workspace; the member was already removed, so we deactivate the user
# we invited. The workspace stays empty under its unique name.

# %%
session.users.deactivate(email)
assert not [m for m in session.workspaces.list_users(workspace_id) if emails.get(m["user_id"]) == email]
session.close()
print("cleaned up")
