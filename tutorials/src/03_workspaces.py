# %% [markdown]
# # 03 · Workspaces
#
# **What you will learn**
#
# - list workspaces and create one (or reuse the one an earlier run created);
# - add a user to a workspace as a collaborator or an owner, list the members and remove a user;
# - use the **Workspaces panel**, whose selected workspace drives the other panels.
#
# A workspace groups models, pipelines and assays; its members are owners or collaborators.
#
# Workspaces and users cannot be deleted through the MLOps API, so the notebook uses fixed names and
# reuses what an earlier run created: running it again leaves the instance exactly as one run does.

# %%
from wallaroo_widgets import Session, ValidationError

session = Session.from_env()
WORKSPACE = "tutorial-workspaces"  # fixed names: a second run reuses them
MEMBER = "tutorial-member@example.com"

# %% [markdown]
# ## 1. List workspaces
#
# | parameter | meaning |
# |---|---|
# | `user_id` | optional Keycloak id: the workspaces of that user; omit it for all visible ones |
#
# `.df` has one row per workspace: `id`, `name`, `created_at`, `created_by` (a user id), `archived`, and
# `models` / `pipelines` as lists of ids, counted in `num_models` / `num_pipelines`. The columns a reader
# needs first:

# %%
workspaces = session.workspaces.list()
print(len(workspaces), "workspaces; columns:", ", ".join(workspaces.df.columns))
workspaces.df[["id", "name", "created_at", "num_models", "num_pipelines", "models", "pipelines"]]

# %% [markdown]
# ## 2. Create a workspace
#
# | parameter | meaning |
# |---|---|
# | `workspace_name` | unique; letters, digits and `-`, starting with a letter |
#
# The caller becomes its owner. The answer is the new `workspace_id`. Names are unique: creating a name
# that exists is a `ValidationError` (HTTP 400). On a second run that is exactly what happens, and the
# usual way out is to look the existing workspace up by name:

# %%
ws_name = WORKSPACE
try:
    workspace_id = session.workspaces.create(ws_name)["workspace_id"]
    print("created", ws_name, "->", workspace_id)
except ValidationError as err:
    if "exists" not in err.msg:
        raise
    workspace_id = next(w["id"] for w in session.workspaces.list() if w["name"] == ws_name)
    print(f"{ws_name} exists already ({err.msg}): reusing workspace {workspace_id}")

# %%
try:
    session.workspaces.create(ws_name)
except ValidationError as err:
    print("a second workspace with the same name:", err.msg)
else:
    raise AssertionError("a second workspace with the same name was created")

# %% [markdown]
# ## 3. Members
#
# We invite a user to work with (or re-activate the one an earlier run invited), then add them.
#
# | `add_user` parameter | meaning |
# |---|---|
# | `workspace_id` | the workspace |
# | `email` (or `user_id`) | the user to add |
# | `user_type` | `collaborator` (default) or `owner` |

# %%
email = MEMBER
user = next((u for u in session.users.query() if u.get("email") == email), None)
if user is None:
    session.users.invite(email)
elif not user["enabled"]:
    session.users.activate(email)  # deactivated by the previous run's clean-up
session.workspaces.add_user(workspace_id, email, user_type="collaborator")
members = session.workspaces.list_users(workspace_id)
members.df

# %% [markdown]
# `list_users` answers with user **ids** only; map them to emails with `users/query` (as the panel does):

# %%
emails = {u["id"]: u.get("email") or u.get("username") for u in session.users.query()}
roles = {emails.get(m["user_id"]): m["user_type"] for m in members}
assert roles.get(email) == "COLLABORATOR", roles
members.df.assign(email=members.df["user_id"].map(emails))[["email", "user_type", "user_id"]]

# %% [markdown]
# | `remove_user` parameter | meaning |
# |---|---|
# | `workspace_id` | the workspace |
# | `email` or `user_id` | the member to remove |
#
# The answer counts the removed memberships (0 when the user was not a member).

# %%
print(session.workspaces.remove_user(workspace_id, email))
now = [emails.get(m["user_id"]) for m in session.workspaces.list_users(workspace_id)]
assert email not in now, now
print("members now:", now)

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
# Drive it from Python as clicks would: select our workspace (its members table fills in), add the
# member back with the form, then select them in the members table and press **Remove selected**.

# %%
assert ws_panel.table.select_where("name", ws_name), "our workspace is not in the panel's table"
ws_panel.member_email.value, ws_panel.member_type.value = email, "collaborator"
ws_panel.add_button.click()
assert not ws_panel.error, ws_panel.error
print(ws_panel.message)
assert list(ws_panel.members.df["email"]).count(email) == 1, ws_panel.members.df
assert ws_panel.members.select_where("email", email)
ws_panel.remove_button.click()
assert not ws_panel.error, ws_panel.error
print(ws_panel.message)
assert email not in list(ws_panel.members.df["email"]), ws_panel.members.df
ws_panel.members.df[["email", "user_type"]]

# %% [markdown]
# ## Clean-up
#
# **What remains:** the workspace `tutorial-workspaces` (empty; you are its only member, as owner) and the
# user `tutorial-member@example.com`, **deactivated** and in no workspace. The MLOps API cannot delete a
# workspace or a user; the next run reuses both, so any number of runs leaves exactly these two.

# %%
session.users.deactivate(email)
assert not [m for m in session.workspaces.list_users(workspace_id) if emails.get(m["user_id"]) == email]
assert [u["enabled"] for u in session.users.query() if u.get("email") == email] == [False]
session.close()
print("remains: workspace", ws_name, "(empty) and", email, "(deactivated); the API has no delete for either")
