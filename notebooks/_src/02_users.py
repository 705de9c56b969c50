# %% [markdown]
# # 02 · Users
#
# **What you will learn**
#
# - list the users of the instance (`users/query`) and read them as a DataFrame;
# - invite a user, then deactivate and re-activate them;
# - do the same from the **Users panel**, and see each call as `curl`.
#
# Users are Keycloak accounts; their id (a UUID) is the Wallaroo user id used by workspaces.

# %%
import secrets

from wallaroo_widgets import Session, ValidationError

session = Session.from_env()
SUFFIX = secrets.token_hex(3)  # unique names, so the notebook can run again and in any order
print("suffix:", SUFFIX)

# %% [markdown]
# ## 1. List users
#
# | parameter | meaning |
# |---|---|
# | `user_ids` | optional list of Keycloak user ids; omit it for every user |
#
# The API answers with a dict keyed by user id; `.df` turns it into a table (creation time as a UTC
# timestamp). The built-in `admin` user has no email.

# %%
users = session.users.query()
users.df[["id", "email", "username", "enabled", "created_at"]]

# %% [markdown]
# ## 2. Invite a user
#
# | parameter | meaning |
# |---|---|
# | `email` | the new user's email (also their username); must be unique |
# | `password` | optional; the server generates a temporary one otherwise |
#
# A returned temporary password is wrapped so it prints as `***`.

# %%
email = f"nb-user-{SUFFIX}@example.com"
invited = session.users.invite(email)
print("invited:", email, "->", invited)

# %%
new = session.users.query([invited["id"]]) if invited.get("id") else session.users.query()
row = [u for u in new if u.get("email") == email][0]
print(row["email"], "enabled:", row["enabled"])

# %% [markdown]
# Inviting the same email twice is rejected by the server with a readable message:

# %%
try:
    session.users.invite(email)
except ValidationError as err:
    print(type(err).__name__, err.status, "-", err.msg)

# %% [markdown]
# ## 3. Deactivate and activate
#
# A deactivated user can no longer log in (and frees a licence seat); `activate` turns them back on.
#
# | parameter | meaning |
# |---|---|
# | `email` | the user's email |

# %%
session.users.deactivate(email)
print("enabled after deactivate:", [u["enabled"] for u in session.users.query() if u.get("email") == email])
session.users.activate(email)
activate_call = session.last_call  # kept for "show code" below
print("enabled after activate:  ", [u["enabled"] for u in session.users.query() if u.get("email") == email])

# %% [markdown]
# ## 4. Show code
#
# Every call is recorded (`session.last_call`, `session.history`). The `activate` call as `curl` and
# as `requests` (token masked):

# %%
print(activate_call.to_curl())
print(activate_call.to_requests())

# %% [markdown]
# ## 5. The Users panel
#
# The same actions as a widget: an interactive table of users (sort, filter, select a row), an invite
# form that checks the email before sending anything, and activate/deactivate buttons for the selected
# user. Errors appear in the panel's status line, never as a traceback.

# %%
from wallaroo_widgets.panels import UsersPanel

users_panel = UsersPanel(session)
assert not users_panel.error, users_panel.error  # the panel loaded its table without an error
users_panel

# %% [markdown]
# ## Clean-up
#
# The MLOps API has no call that deletes a user, so the user invited here is deactivated (it can no
# longer log in and holds no seat). The random suffix keeps later runs independent.

# %%
session.users.deactivate(email)
assert not [u for u in session.users.query() if u.get("email") == email and u["enabled"]]
session.close()
print("deactivated", email)
