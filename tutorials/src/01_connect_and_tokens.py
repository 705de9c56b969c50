# %% [markdown]
# # 01 · Connect and tokens
#
# **What you will learn**
#
# - how `wallaroo-widgets` gets an MLOps API token from Keycloak: the **password grant**, **client
#   credentials** and a **static token**;
# - how to reuse an existing Wallaroo SDK client with `Session.from_sdk(wl)`;
# - how tokens are refreshed, and how to see who you are and when the token expires — never the token itself;
# - **show code**: every call as the equivalent `requests` and `curl` snippet, token masked.
#
# The notebook talks to the local sandbox started by `make lab` (or by the test session): the
# connection settings arrive in the environment as `WALLAROO_URL`, `WALLAROO_USER`, `WALLAROO_PASSWORD`
# and `WALLAROO_CLIENT_SECRET`. Point them at a real instance to run the same calls there.

# %%
import datetime as dt
import os

from wallaroo_widgets import AuthenticationError, Session

URL = os.environ["WALLAROO_URL"]
USER = os.environ["WALLAROO_USER"]
PASSWORD = os.environ["WALLAROO_PASSWORD"]
CLIENT_SECRET = os.environ["WALLAROO_CLIENT_SECRET"]
print("API base URL:", URL)

# %% [markdown]
# ## 1. Password grant (an MLOps user token)
#
# The MLOps API tutorials request a token from Keycloak with the confidential client `api-client`
# (its secret goes in HTTP Basic auth) and the user's name and password.
#
# | parameter | meaning |
# |---|---|
# | `url` | API base URL, e.g. `https://myco.api.example.wallaroo.ai` (no `/v1/api`) |
# | `username`, `password` | the Wallaroo (Keycloak) user |
# | `client_secret` | secret of the `api-client` Keycloak client |
# | `token_url` | optional; default `{url}/auth/realms/master/protocol/openid-connect/token` |

# %%
session = Session.password(URL, USER, PASSWORD, client_secret=CLIENT_SECRET)
session  # the repr never shows a password or a token

# %% [markdown]
# `identity()` decodes the current JWT's claims: who is connected, their roles and when the token
# expires. The token itself is never shown.

# %%
me = session.identity()
print("email:     ", me["email"])
print("user id:   ", me["sub"])
print("roles:     ", ", ".join(me["roles"]))
print("expires in:", round((me["expires_at"] - dt.datetime.now(dt.timezone.utc)).total_seconds()), "s")

# %% [markdown]
# `Session.from_env()` does the same from the environment variables (or from `WALLAROO_TOKEN` when
# that is set). All the other notebooks connect this way.

# %%
env_session = Session.from_env()
assert env_session.identity()["email"] == me["email"], "from_env() connected as someone else"
print("same user:", env_session.identity()["email"])

# %% [markdown]
# A wrong password is a typed `AuthenticationError` carrying the server's message — never the password.

# %%
try:
    Session.password(URL, USER, "not-the-password", client_secret=CLIENT_SECRET).identity()
except AuthenticationError as err:
    print(type(err).__name__, "-", err.status, "-", err.msg)
    assert "not-the-password" not in str(err) + repr(err), "the password leaked into the error"
else:
    raise AssertionError("a wrong password was accepted")

# %% [markdown]
# ## 2. Client credentials (an inference-only token)
#
# `grant_type=client_credentials` with the same `api-client` secret gives a token with **no user**
# (`service-account-api-client`). Wallaroo uses it to call pipeline inference URLs.
#
# | parameter | meaning |
# |---|---|
# | `url` | API base URL |
# | `client_secret` | secret of the `api-client` Keycloak client |

# %%
service = Session.client_credentials(URL, client_secret=CLIENT_SECRET)
who = service.identity()
print("username:", who["username"], "| email:", who["email"])

# %% [markdown]
# ## 3. A static token
#
# If you already have an access token (from another tool, or `WALLAROO_TOKEN`), wrap it. A static
# token is never refreshed: once it expires, calls raise `AuthenticationError`. Here we borrow the
# password session's token without ever printing it.

# %%
static = Session.token(URL, session.provider.access_token())
print(static)
print("connected as", static.identity()["email"], "-", len(static.workspaces.list()), "workspaces visible")

# %% [markdown]
# ## 4. Reusing a Wallaroo SDK client
#
# If you work with the Wallaroo SDK, `Session.from_sdk(wl)` reuses its endpoint and asks the SDK for
# a fresh `Authorization` header on every request. It needs only two things of `wl`:
#
# | attribute of `wl` | used for |
# |---|---|
# | `wl.api_endpoint` | the API base URL |
# | `wl.auth.auth_header()` | `{"Authorization": "Bearer <token>"}`, called before every request (the SDK refreshes) |
#
# **A stand-in for `wallaroo.Client`** — not the SDK, just an object with those two attributes, here
# backed by our password session — shows the mechanics against the sandbox:

# %%
class StandInAuth:  # NOT the Wallaroo SDK: a stand-in with the one method from_sdk calls
    def __init__(self, source):
        self.source, self.calls = source, 0

    def auth_header(self):
        self.calls += 1
        return {"Authorization": f"Bearer {self.source.provider.access_token()}"}


class StandInClient:  # NOT wallaroo.Client
    def __init__(self, api_endpoint, auth):
        self.api_endpoint, self.auth = api_endpoint, auth


stand_in = StandInClient(URL, StandInAuth(session))
sdk_style = Session.from_sdk(stand_in)
assert sdk_style.identity()["email"] == me["email"]
workspaces_seen = len(sdk_style.workspaces.list())
assert stand_in.auth.calls >= 2, "from_sdk did not ask the client for a header per request"
print(f"from_sdk(stand-in): {workspaces_seen} workspaces, auth_header() called {stand_in.auth.calls} times")

# %% [markdown]
# **With the real SDK** (`pip install 'wallaroo-widgets[sdk]'`, Wallaroo SDK 2026.1.x) the call is the
# same, and it works against the sandbox too. Without the package this cell says so and skips.
#
# | step | what happens |
# |---|---|
# | `wallaroo.Client(api_endpoint=URL, auth_type="user_password")` | the SDK logs in as `WALLAROO_USER` / `WALLAROO_PASSWORD` (read from the environment, never prompted) with its own Keycloak client `sdk-client` |
# | `Session.from_sdk(wl)` | our session on the SDK's endpoint, asking `wl.auth.auth_header()` for every request |
# | `wl.list_workspaces()` | the SDK's own call: it sees the same workspaces as our session |
#
# The SDK keeps **one** cached token (`~/.cache/wallaroo_sdk/auth/keycloak.json`) for whichever instance it
# last logged into, and reuses it for any URL until it expires. If that token came from another instance,
# every call answers 401; the error then names the instance that issued the token and the file to delete
# (or run `wallaroo.auth.logout()`), never the token itself.

# %%
try:
    import wallaroo
except ImportError:
    wallaroo = None
    print("The Wallaroo SDK is not installed: skipping the real Session.from_sdk(wl) (the stand-in above ran).")

if wallaroo is not None:
    wl = wallaroo.Client(api_endpoint=URL, auth_type="user_password", interactive=False)
    sdk_session = Session.from_sdk(wl)
    try:
        ours = sorted(w["name"] for w in sdk_session.workspaces.list())
    except AuthenticationError as err:  # the SDK's cached token belongs to another instance: what to do
        print(err)
    else:
        sdks = sorted(w.name() for w in wl.list_workspaces())
        assert ours == sdks, (ours, sdks)
        print(sdk_session, "->", sdk_session.identity()["email"])
        print(f"{len(ours)} workspaces, the same through Session.from_sdk(wl) and wl.list_workspaces()")

# %% [markdown]
# ## 5. Token refresh
#
# Keycloak access tokens live for an hour (MLOps clients) or a minute (SDK clients). The session
# refreshes the token shortly **before** it expires (with the refresh token, or by logging in again
# when that has expired too), and when a call gets a `401` it refreshes once and resends the call.
# `force_refresh()` triggers the same refresh by hand. `provider.refresh_count` counts every token the
# session has obtained, **the first login included** — so it starts at 1, not 0:

# %%
before = session.provider.expires_at()
refreshes = session.provider.refresh_count
session.provider.force_refresh()
print("tokens obtained:", refreshes, "(the login) ->", session.provider.refresh_count, "(after force_refresh)")
assert session.provider.refresh_count == refreshes + 1, "force_refresh() did not refresh"
assert session.provider.expires_at() >= before, "the refreshed token expires earlier than the old one"
print(f"expiry moved forward by {session.provider.expires_at() - before:.0f} s: a new token lives an hour from "
      "when it is issued, so the expiry moves by the time since the last token (seconds here)")
assert len(session.workspaces.list()) >= 1, "the refreshed session cannot list workspaces"
print("still works: yes")

# %% [markdown]
# ## 6. Show code: the same call as `requests` and `curl`
#
# Every call is recorded as `session.last_call`, which renders the equivalent Python call, a plain
# `requests` snippet and a `curl` command, with the token masked.

# %%
session.workspaces.list()
call = session.last_call
print(call.method, call.url, "->", call.status)
print(call.to_python())

# %%
print(call.to_requests())

# %%
print(call.to_curl())

# %%
token = session.provider.access_token()
assert token not in call.to_curl() + call.to_requests() + repr(session), "a token leaked"
print("no token in the snippets or the repr")

# %% [markdown]
# ## Clean-up
#
# This notebook only created sessions (client-side objects): nothing remains on the server, so every
# run leaves the instance as it was. Close their HTTP connection pools.

# %%
for s in (session, env_session, service, static, sdk_style):
    s.close()
print("closed")
