# %% [markdown]
# # 02 · Users
#
# **What you will learn**
#
# - list the users of the instance (`users/query`) and read them as a DataFrame;
# - invite a user (or find the one an earlier run invited), then deactivate and re-activate them;
# - do the same from the **Users panel**, and see each call as `curl`.
#
# Users are Keycloak accounts; their id (a UUID) is the Wallaroo user id used by workspaces.
#
# The MLOps API cannot delete a user, so this notebook uses one fixed email and **reuses** that user
# when an earlier run invited it: running the notebook again leaves the instance exactly as one run does.

# %%
from wallaroo_widgets import Session, ValidationError

session = Session.from_env()
EMAIL = "tutorial-user@example.com"  # fixed: a second run finds and reuses this user


def find_user(email):
    """The user with this email, or None (users/query lists everyone; the email is unique)."""
    return next((u for u in session.users.query() if u.get("email") == email), None)

# %% [markdown]
# ## 1. List users
#
# | parameter | meaning |
# |---|---|
# | `user_ids` | optional list of Keycloak user ids; omit it for every user |
#
# The API answers with a dict keyed by user id; `.df` turns it into a table (creation time as a UTC
# timestamp). The sandbox's demo users (`admin@…`, `alice@…`, `bob@…`) all have an email; on a real
# instance the built-in Keycloak `admin` user may have none, so look users up by `email` **or** `username`.

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

# Emails are unique and users cannot be deleted, so look first: invite when the user is new, otherwise
# reuse it — and turn it back on, since the previous run's clean-up deactivated it.

# %%
email = EMAIL
existing = find_user(email)
if existing is None:
    invited = session.users.invite(email)
    print("invited:", email, "->", invited)
    user_id = invited.get("id") or find_user(email)["id"]
else:
    user_id = existing["id"]
    print(f"{email} exists already (an earlier run invited it; enabled: {existing['enabled']}): reusing it")
    if not existing["enabled"]:
        session.users.activate(email)

# %%
row = next(u for u in session.users.query([user_id]) if u.get("email") == email)
assert row["enabled"], f"{email} should be enabled now"
print(row["email"], "enabled:", row["enabled"])

# %% [markdown]
# Inviting the same email twice is rejected by the server with a readable message (a `ValidationError`,
# HTTP 400) — that is how you would notice an existing user without looking first:

# %%
try:
    session.users.invite(email)
except ValidationError as err:
    print(type(err).__name__, err.status, "-", err.msg)
else:
    raise AssertionError("a second invite of the same email was accepted")

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
assert find_user(email)["enabled"] is False, "deactivate did not disable the user"
print("enabled after deactivate:", find_user(email)["enabled"])
session.users.activate(email)
activate_call = session.last_call  # kept for "show code" below
assert find_user(email)["enabled"] is True, "activate did not enable the user"
print("enabled after activate:  ", find_user(email)["enabled"])

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
# Drive the panel from Python the way clicks would: select our user's row, press **Deactivate**, then
# **Activate**. The table above reloads after each action and the status line says what happened.

# %%
assert users_panel.table.select_where("email", email), "our user is not in the panel's table"
users_panel.deactivate_button.click()
assert not users_panel.error, users_panel.error
print(users_panel.message, "-> enabled:", find_user(email)["enabled"])
assert find_user(email)["enabled"] is False
assert users_panel.table.select_where("email", email)
users_panel.activate_button.click()
assert not users_panel.error, users_panel.error
print(users_panel.message, "-> enabled:", find_user(email)["enabled"])
assert find_user(email)["enabled"] is True

# %% [markdown]
# ## Clean-up
#
# **What remains:** the user `tutorial-user@example.com`, **deactivated** (it cannot log in and holds no
# seat). The MLOps API has no call that deletes a user; the next run finds this user, re-activates it for
# the lesson and deactivates it again, so any number of runs leaves exactly this one deactivated user.

# %%
session.users.deactivate(email)
assert [u["enabled"] for u in session.users.query() if u.get("email") == email] == [False]
session.close()
print("remains:", email, "(deactivated; users cannot be deleted through the API)")
