# English messages. Every key here must exist in fa.ftl, ar.ftl and tr.ftl
# (ui-kit's tests check it). Syntax: the Fluent subset described in
# ui-kit/src/fluent.rs.

## Product and apps
app-name = Contact Center
app-agent = Agent desktop
app-supervisor = Supervisor desktop
loading = Loading…
skip-to-content = Skip to main content

## Language
lang-label = Language

## Sign-in
login-title = Sign in
login-intro = Use your contact center account.
login-username = Username
login-password = Password
login-submit = Sign in
login-busy = Signing in…
login-session-ended = Your session has ended. Sign in again to continue.

## Errors
error-invalid-credentials = The username or password is incorrect.
error-rate-limited = Too many sign-in attempts. Wait a minute and try again.
error-wrong-app = This account does not have access to this app.
error-forbidden = You do not have permission to do this.
error-network = The server cannot be reached. Check your connection and try again.
error-generic = Something went wrong. Please try again.

## Roles
role-agent = Agent
role-supervisor = Supervisor
role-admin = Administrator

## Connection to the server
conn-label = Server connection
conn-connecting = Connecting…
conn-connected = Connected
conn-reconnecting = Reconnecting…

## Shell
shell-signed-in-as = Signed in as { $name }
logout = Sign out

## No access
not-allowed-title = No access
not-allowed-body = You are signed in as { $name }. Your role ({ $role }) does not have access to this app.
not-allowed-open-agent = Open the agent desktop

## Agent status
status-label = My status
status-choose = Choose a status
status-available = Available
status-not-ready = Not ready
status-offline = Offline
status-pending = Waiting for the server…
status-time = Time in status

## Agent desktop
desk-call-title = Current call
desk-call-empty = No active call. Calls offered to you appear here while you are Available.
desk-customer-title = Customer
desk-customer-empty = The caller's customer card opens here when a call starts.
desk-queues-title = My queues
desk-queues-empty = No queues to show yet.

## Supervisor: agents
agents-title = Agents
agents-overview = Team overview
agents-col-name = Agent
agents-col-connection = Connection
agents-col-status = Status
agents-col-since = Time in status
agents-connected = Connected
agents-disconnected = Not connected
agents-loading = Loading agents…
agents-empty = No agents yet.
