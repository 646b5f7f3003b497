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
error-timeout = The server did not answer in time. Try again.
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

## Audio check
audio-check-title = Audio check
audio-check-intro = Test your headset before you take calls: your microphone, your speaker and the audio path to the server.
audio-check-open = Test my audio
audio-check-close = Close
audio-mic = Microphone
audio-speaker = Speaker
audio-device-default = System default
audio-mic-unnamed = Microphone { $number }
audio-speaker-unnamed = Speaker { $number }
audio-speaker-fixed = This browser always plays sound on the system's default speaker.
audio-mic-level = Microphone level
audio-echo-level = Returned audio
audio-check-how = Start the check and say a few words. The server sends your voice straight back, so you hear yourself with a short delay.
audio-check-start = Start audio check
audio-check-stop = Stop
audio-check-running = Checking… Say a few words into your microphone.
audio-check-ok = Your voice comes back from the server: you should hear yourself with a short delay.
audio-check-passed = Audio check passed: your microphone and the audio connection to the server work.
audio-check-failed-no-echo = No sound came back within 10 seconds. Check that your microphone is not muted, speak, and try again.
audio-check-failed-timeout = The server did not answer in time. Try again in a moment.
audio-check-failed-connection = The audio connection to the server could not be set up. A firewall or VPN may be blocking it; tell your supervisor or IT.
audio-check-failed-unavailable = The server's audio service is not available right now. Try again later.
audio-check-failed-refused = The server refused the audio connection. Try again, or tell your supervisor or IT.
audio-check-failed-lost = The connection to the server was lost during the check.
audio-check-failed-device = The microphone changed during the check. Start the check again.
audio-mic-denied = The browser is not allowed to use your microphone. Allow microphone access for this site, then close and reopen the audio check.
audio-mic-missing = No microphone found. Connect your headset and try again.
audio-mic-busy = The microphone could not be started. Another app may be using it.
audio-unsupported = This browser cannot run the audio check. Use a current version of Chrome, Edge or Firefox.

## Calls (the softphone)
call-incoming = Incoming call
call-incoming-list = Incoming calls
call-announce = Incoming call from { $caller }
call-waiting = Waiting
call-to = Dialed number
call-trunk = Trunk
call-queue = Queue
call-answer = Answer
call-answer-label = Answer the call from { $caller }
call-decline = Decline
call-decline-label = Decline the call from { $caller }
call-answer-busy = Hang up your current call to answer another.
call-state-connecting = Connecting…
call-state-talking = On call
call-talk-time = Talk time
call-hangup = Hang up
call-hangup-label = Hang up the call with { $caller }
call-ended-title = Last call ended:
call-end-remote-hang-up = The caller hung up.
call-end-local-hang-up = You hung up.
call-end-abandoned = The caller hung up before the call was answered.
call-end-answered-elsewhere = Another agent answered the call.
call-end-withdrawn = The call is no longer offered to you.
call-end-transferred = You transferred the call.
call-transfer = Transfer
call-transfer-label = Transfer the call with { $caller } to another agent
call-transfer-title = Transfer the call
call-transfer-target = Agent ID
call-transfer-hint = Type the ID of the agent who should take the call. The caller hears hold music while it rings for them.
call-transfer-confirm = Transfer now
call-transfer-cancel = Cancel
call-transfer-invalid = Type the agent's ID, in digits only.
call-transfer-pending = Transferring…
call-transfer-error-unavailable = That agent is not available to take the call. Choose another agent.
call-transfer-error-wrong-state = The call cannot be transferred right now. Take it off hold and try again.
call-transfer-error = The call could not be transferred. Try again.
call-elsewhere-title = You have a call in progress
call-elsewhere-hint = The call went on while this page was reloaded. Take it back to talk here.
call-elsewhere-held = On hold
call-rejoin = Take it back
call-rejoin-label = Take back the call with { $caller }
call-end-declined = You declined the call.
call-end-rejected = The other side refused the call (busy or unavailable).
call-end-failed = The call was lost: the network or the other side stopped responding.
call-end-sip = SIP { $status }
call-end-q850 = Q.850 cause { $cause }
call-error-gone = This call is no longer available: another agent answered it or the caller hung up.
call-error-bad-sdp = The server could not use this browser's audio connection, so the call was not connected. Try again, or tell your supervisor or IT.
call-error-media-unavailable = The server's audio service is not available right now, so the call could not be answered. Try again in a moment.
call-error-refused = The server refused to connect the call. Try again.
call-error-timeout = The server did not answer in time, so the call was not connected.
call-error-lost = The connection to the server was lost while the call was being answered.
call-error-connection = The audio connection for the call could not be set up. A firewall or VPN may be blocking it; tell your supervisor or IT.
call-mic-denied = The browser is not allowed to use your microphone, so the call was not answered. Allow microphone access for this site and answer again.
call-mic-missing = No microphone found, so the call was not answered. Connect your headset and answer again.
call-mic-busy = The microphone could not be started, so the call was not answered. Another app may be using it.
call-unsupported = This browser cannot take calls. Use a current version of Chrome, Edge or Firefox.
call-outgoing = Outgoing call
call-caller-id = Caller ID
call-state-dialing = Calling…
call-state-ringing = Ringing…
call-state-held = On hold
call-hold = Hold
call-resume = Resume
call-hold-failed = The call could not be put on hold right now. Try again in a moment.
call-resume-failed = The call could not be taken off hold right now. Try again in a moment.
call-hold-refused = The other side did not accept the hold, so the call goes on as before.
call-resume-refused = The other side did not accept taking the call off hold, so it is still on hold.
call-mute = Mute
call-muted = Muted
call-end-remote-hang-up-outbound = The other side hung up.
call-end-busy = The number was busy.
call-end-no-answer = There was no answer.
call-end-not-found = The number could not be reached: it does not exist or is incomplete.
call-error-calls-unavailable = This server is not set up to carry calls. Tell your supervisor or IT.

## Calls: dialing out
dial-title = Make a call
dial-number = Number to call
dial-hint = Digits, * and #, with + first for international numbers. Spaces, dashes, dots and brackets are fine.
dial-call = Call
dial-error-empty = Enter the number to call.
dial-error-invalid = This is not a phone number: use only digits, * and #, with + only at the start.
dial-error-too-long = This number is too long: at most { $max } digits and symbols.
dial-error-bad-number = The server cannot dial this number. Check it and try again.
dial-error-busy = You are already on a call. Hang up first to make another.
dial-error-no-trunk = Outgoing calls are not set up on this server (no trunk). Tell your supervisor or IT.
dial-error-media-unavailable = The server's audio service is not available right now, so the call could not be placed. Try again in a moment.
dial-error-refused = The server refused to place the call. Try again.
dial-error-timeout = The server did not answer in time, so the call was not placed.
dial-error-lost = The connection to the server was lost while the call was being placed.
dial-mic-denied = The browser is not allowed to use your microphone, so the call was not placed. Allow microphone access for this site and call again.
dial-mic-missing = No microphone found, so the call was not placed. Connect your headset and call again.
dial-mic-busy = The microphone could not be started, so the call was not placed. Another app may be using it.

## Calls: keypad and the caller's keys
call-keypad = Keypad
call-keypad-hint = Press a key, or type digits, * and # while a key has focus. The other side hears the tones.
call-key-star = Star
call-key-hash = Hash
call-keys-sent = Keys sent
call-digits-heard = Caller pressed
call-dtmf-wrong-state = The keys could not be sent: the call is not connected.
call-dtmf-bad-key = The server did not accept this key.
call-dtmf-refused = The keys could not be sent. Try again.

## Call recording
record-title = Call recording
record-state-off = Not recorded
record-state-recording = Recording
record-state-paused = Recording paused
record-start = Record
record-pause = Pause recording
record-resume = Resume recording
record-stop = Stop recording
record-hint = Pause the recording while the customer gives a card number or a password; silence is recorded meanwhile.
record-error-wrong-state = The recording cannot be changed now: the call is not connected.
record-error-gone = This call has ended.
record-error-refused = The server did not change the recording. Try again.

## Supervisor: live calls
live-calls-title = Live calls
live-calls-loading = Loading calls…
live-calls-empty = No calls right now.
live-col-caller = Caller
live-col-to = Dialed number
live-col-state = State
live-col-agent = Agent
live-col-duration = Duration
live-col-recording = Recording
live-col-supervisors = Supervisors
live-col-supervise = Supervise
live-inbound = Inbound
live-outbound = Outbound
live-state-ringing = Waiting for an agent
live-state-connecting = Connecting
live-state-talking = Talking
live-state-held = On hold
live-no-agent = No agent yet
live-agent-unknown = Unknown agent
live-supervisor-you = You
live-supervisor-other = Another supervisor
live-supervisors-none = None
live-record-start-label = Start recording the call with { $caller }
live-record-stop-label = Stop recording the call with { $caller }

## Supervisor: joining a call
supervise-listen = Listen
supervise-whisper = Whisper
supervise-barge = Barge in
supervise-leave = Leave
supervise-modes-label = Join the call with { $caller }
supervise-leave-label = Leave the call with { $caller }
supervise-title = You are on a call
supervise-joining = Joining the call…
supervise-call = Agent { $agent }, caller { $caller }
supervise-mode = Mode
supervise-hint-listen = Listening: you hear the caller and the agent. Nobody hears you.
supervise-hint-whisper = Whispering: only the agent hears you. The caller does not.
supervise-hint-barge = Barged in: the caller and the agent both hear you.
supervise-one-at-a-time = You are on another call. Leave it to join this one.
supervise-ended = The call you were on has ended.
supervise-left = You left the call.
supervise-error-gone = This call has ended.
supervise-error-wrong-state = This call cannot be joined now: it is not connected, or you are already on it.
supervise-error-bad-sdp = The server could not use this browser's audio connection. Try again, or tell IT.
supervise-error-media-unavailable = The server's audio service is not available right now. Try again in a moment.
supervise-error-refused = The server refused the request. Try again.
supervise-error-timeout = The server did not answer in time, so you did not join the call.
supervise-error-lost = The connection to the server was lost while you were joining the call.
supervise-error-connection = The audio connection to the call could not be set up. A firewall or VPN may be blocking it; tell IT.
supervise-mic-denied = The browser is not allowed to use your microphone, so you did not join the call. Allow microphone access for this site and try again.
supervise-mic-missing = No microphone found, so you did not join the call. Connect your headset and try again.
supervise-mic-busy = The microphone could not be started, so you did not join the call. Another app may be using it.
supervise-unsupported = This browser cannot join calls. Use a current version of Chrome, Edge or Firefox.

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

# customer card and tickets
customer-loading = Looking up the caller…
customer-loading-list = Loading…
customer-retry = Try again
customer-edit = Edit
customer-announce = Customer card: { $name }
customer-call-ringing = Ringing from
customer-call-connected = On the line:
customer-call-ended = Last call:
customer-no-name = No name yet
customer-code = Code
customer-language = Language
customer-vip = VIP
customer-phones = Phone numbers
customer-email = E-mail
customer-notes = Notes
customer-none = None
customer-lang-en = English
customer-lang-fa = Persian
customer-lang-ar = Arabic
customer-lang-tr = Turkish
customer-last-disposition = Last disposition
customer-history = Earlier calls
customer-history-empty = No earlier calls.
customer-history-queue = Queue:
customer-history-agent = Agent:
customer-outcome-answered = Answered
customer-outcome-abandoned = Hung up while waiting
customer-outcome-ivr-hang-up = Hung up in the menu
customer-outcome-voicemail = Left a voicemail
customer-outcome-callback = Asked for a callback
customer-outcome-overflow = Sent to another queue
customer-outcome-failed = Failed
customer-outcome-busy = Busy
customer-outcome-no-answer = No answer
customer-outcome-transferred = Transferred
customer-unknown = No customer has this number:
customer-unknown-withheld = The caller's number is withheld, so no customer was found.
customer-search = Find a customer
customer-search-hint = Name, customer code or phone number.
customer-search-go = Search
customer-search-none = No customer found.
customer-new-title = New customer
customer-edit-title = Edit customer
customer-form-name = Name
customer-form-email = E-mail
customer-form-phones = Phone numbers
customer-form-phones-hint = One per line, with the country code (+98…, 0098…).
customer-form-language = Language
customer-form-vip = VIP customer
customer-form-notes = Notes
customer-form-create = Create customer
customer-form-save = Save
customer-form-cancel = Cancel
customer-saving = Saving…
customer-saved = Customer saved.
customer-error-invalid = A value is not valid. Check the marked field.
customer-error-name = Enter a name or a phone number.
customer-error-phone = A phone number is not valid. Write it with its country code, e.g. +98 912 123 4567.
customer-error-email = The e-mail address is not valid.
customer-error-conflict = This phone number or code already belongs to another customer.
tickets-title = Open tickets
tickets-empty = No open tickets.
ticket-new = New ticket
ticket-form-title = New ticket
ticket-form-kind = Type
ticket-form-subject = Subject
ticket-form-notes = Notes
ticket-form-due = Due
ticket-form-due-hint = Optional: the time you tell the customer.
ticket-form-linked = The ticket is linked to this call.
ticket-form-save = Create ticket
ticket-created = Ticket created.
ticket-error-subject = Enter a subject.
ticket-error-due = The due time is not valid.
ticket-error-status = The status could not be changed. Try again.
ticket-kind-request = Request
ticket-kind-complaint = Complaint
ticket-kind-service = Service
ticket-kind-order = Order
ticket-status = Status
ticket-status-open = Open
ticket-status-in-progress = In progress
ticket-status-resolved = Resolved
ticket-status-closed = Closed
ticket-status-saved = Ticket status saved.
ticket-due = Due:
ticket-no-due = no due time
ticket-overdue = Overdue
ticket-this-call = From this call

# inbox and dashboard
inbox-title = My inbox
inbox-tab-voicemail = Voicemail
inbox-tab-callbacks = Callbacks
inbox-open-voicemails = Not done:
inbox-open-callbacks = Still to call:
inbox-loading = Loading…
inbox-empty-voicemail = No voicemail for you.
inbox-empty-callbacks = No callbacks for you.
inbox-unknown-caller = Unknown caller
inbox-received = Received
inbox-length = Length
inbox-mailbox = Mailbox
inbox-mailbox-mine = Yours
inbox-mailbox-agent = An agent's
inbox-assigned-to-me = Assigned to you
inbox-audio-label = Voicemail from { $caller }
inbox-mark-done = Mark as done
inbox-reopen = Reopen
inbox-call-back = Call back
inbox-call-back-label = Call back { $number }
inbox-call = Call
inbox-call-label = Call { $number }
inbox-call-sent = Number passed to the softphone:
inbox-vm-new = New
inbox-vm-assigned = Assigned
inbox-vm-in-progress = In progress
inbox-vm-done = Done
inbox-cb-when = When
inbox-cb-asap = As soon as possible
inbox-cb-queue = Queue
inbox-cb-attempts = Attempts
inbox-cb-attempts-of = { $done } of { $max }
inbox-cb-last = Last attempt
inbox-cb-pending = Waiting
inbox-cb-dialing = Dialing now
inbox-cb-completed = Completed
inbox-cb-failed = Failed
inbox-cb-cancelled = Cancelled
inbox-cb-dialing-now = The system is dialing this callback now.
inbox-cb-cancel = Cancel callback
inbox-cb-result-busy = Busy
inbox-cb-result-no-answer = No answer
inbox-cb-result-failed = Failed
inbox-cb-result-answered = Answered
dash-title = My day
dash-calls = Calls
dash-talk = Talk time
dash-aht = Average handle time
dash-missed = Missed offers
dash-csat = Satisfaction
dash-surveys = Answers:
dash-none = None yet

# agent states and wrap-up
activity-ringing = Ringing
activity-on-call = On call
activity-wrap-up = Wrap-up
activity-missed = Missed
status-missed-text = You missed a call: it went to the next agent. You get no calls until you choose a status.
status-missed-ack = Available again
reason-break = Break
reason-lunch = Lunch
reason-meeting = Meeting
reason-training = Training
reason-back_office = Back-office work
reason-missed = Missed calls
disposition-resolved = Resolved
disposition-follow_up = Follow-up needed
disposition-ticket_created = Ticket created
disposition-information = Information given
disposition-complaint = Complaint
disposition-sale = Sale
disposition-wrong_number = Wrong number
disposition-escalated = Escalated
disposition-callback_requested = Callback requested
wrapup-title = After-call work
wrapup-left = Time left
wrapup-overdue = Time is up
wrapup-disposition = Disposition
wrapup-disposition-choose = Choose a disposition
wrapup-disposition-required = Choose a disposition before you finish.
wrapup-notes = Notes
wrapup-done = Done
wrapup-extend = More time

# keyboard shortcuts
shortcuts-title = Keyboard shortcuts
shortcut-accept = Accept the ringing call
shortcut-decline = Decline the ringing call
shortcut-hold = Hold or resume
shortcut-mute = Mute or unmute
shortcut-transfer = Transfer
shortcut-end = End the call
shortcut-wrap-up = Finish the wrap-up
shortcut-status = Go to the status menu
shortcut-help = Show this list
shortcuts-typing = Shortcuts do nothing while you type in a field.
shortcuts-close = Close
call-customer = Customer
call-vip = VIP
call-waited = Waited

# one desk per agent
tab-inactive-title = Your desk is open in another tab
tab-inactive-text = Calls ring only there, and your status is set there. Use the desk here instead?
tab-take-over = Use the desk here

# offer alerting
alert-title = Incoming call: { $caller }
alert-notification-title = Incoming call
alert-notification-queue = Queue: { $queue }
audio-ringer = Ringer
audio-ringer-same = Same as the speaker
audio-ringer-hint = Incoming calls ring here. Choose your computer's speakers to hear calls while your headset is off.
audio-ringer-test = Test ringer

# hold timer
call-hold-time = On hold

# caller ID choice
dial-caller-id = Show as
dial-error-bad-caller-id = That number cannot be shown on this line. Choose another.

# transfer to a queue
call-transfer-queue = Transfer to
call-transfer-to-agent = An agent (by id)
call-transfer-queue-hint = The caller hears hold music while the call waits in the queue for its next free agent.

# supervisor actions on agents
agents-col-actions = Actions
agents-force-status = Set status…
agents-force-status-for = Set the status of { $name }
agents-logout = Sign out
agents-logout-for = Sign { $name } out
call-page = Web page

# calls report (supervisor)
nav-label = Supervisor pages
nav-live = Live view
nav-calls-report = Calls report
report-title = Calls report
report-export = Export CSV
report-from = From
report-to = To
report-queue = Queue
report-all-queues = All queues
report-agent = Agent
report-all-agents = All agents
report-show = Show
report-error-period = Choose a start day on or before the end day.
report-totals = Totals of the calls shown
report-total-offered = Offered
report-total-answered = Answered
report-total-abandoned = Abandoned
report-total-avg-wait = Average wait (answered)
report-total-avg-score = Average score
report-caption-day = Calls on { $day }, newest first
report-caption = Calls from { $from } to { $to }, newest first
report-col-start = Started
report-col-direction = Direction
report-col-caller = Caller
report-col-number = Number
report-col-queue = Queue
report-col-wait = Wait
report-col-agent = Agent
report-col-talk = Talk time
report-col-hold = Hold time
report-col-outcome = Outcome
report-col-disposition = Disposition
report-col-score = Score
report-col-tickets = Tickets
report-col-call-id = Call ID
report-csv-wait = Wait (seconds)
report-csv-wait-end = Wait ended
report-csv-talk = Talk time (seconds)
report-csv-hold = Hold time (seconds)
report-empty = No calls in this period.
report-loading = Loading calls…
report-shown = Calls shown: { $count }
report-more = Load more
report-none = none
report-wait-answered = until answered
report-wait-abandoned = until hung up
report-wait-left = until it left the queue
report-wait-waiting = still waiting
report-dir-inbound = Inbound
report-dir-outbound = Outbound
report-dir-transfer = Transfer
report-dir-callback = Callback
report-dir-web = Web call
report-dir-campaign = Campaign
report-outcome-in-progress = In progress
report-outcome-answered = Answered
report-outcome-abandoned = Abandoned
report-outcome-ivr-hang-up = Hung up in the menu
report-outcome-voicemail = Voicemail
report-outcome-callback = Callback
report-outcome-overflow = Overflowed
report-outcome-failed = Failed
report-outcome-busy = Busy
report-outcome-no-answer = No answer
report-outcome-transferred = Transferred
call-transfer-to-number = An outside number
call-transfer-number = Number to transfer to
call-transfer-number-hint = The call goes out through the trunk; the caller hears hold music until the number answers. If nobody answers, the call comes back to the agents.
call-transfer-number-invalid = Type a phone number: digits, with + first for international numbers.
call-consult-dialing = Calling
call-consult-connected = Talking with
call-consult-joined = All three on the line with
call-consult-ended = Consultation over
call-consult-complete = Transfer now
call-consult-join = Talk together
call-consult-cancel = Back to the caller
call-consult-start = Consult first

# wallboard (supervisor)
nav-wallboard = Wallboard
wb-title = Wallboard
wb-updated = Updated { $time }
wb-loading = Loading the wallboard…
wb-empty = No queues yet.
wb-tv-enter = TV mode
wb-tv-leave = Leave TV mode
wb-sl-rule = Service level = answered within { $target } s ÷ (answered + abandoned after { $target } s). Callers who hung up within { $target } s are not counted.
wb-waiting = Waiting
wb-longest = Longest wait
wb-callbacks = Callbacks pending
wb-agents = Agents
wb-today = Today
wb-recent = Last { $mins } minutes
wb-sl = Service level
wb-abandon-rate = Abandon rate
wb-asa = Avg. speed of answer
wb-aht = Avg. handle time
wb-offered = Offered
wb-answered = Answered
wb-abandoned = Abandoned calls
wb-level-green = On target
wb-level-amber = Warning
wb-level-red = Critical
wb-note = Today counts from midnight ({ $tz }); the window is the last { $mins } minutes. A call counts in the period it entered the queue. Abandon rate = abandoned ÷ offered. Handle time = talk and hold + after-call work.

# recordings (supervisor)
nav-recordings = Recordings
rec-title = Recordings
rec-customer = Customer (code, name or number)
rec-all-dispositions = All dispositions
rec-search = Search
rec-player = Player
rec-choose = Choose a recording below to play it.
rec-playing = The call with { $caller }, { $time }
rec-selected = In the player:
rec-unknown-caller = an unknown caller
rec-channel = Listen to
rec-channel-both = Both sides
rec-channel-caller = Caller only (left)
rec-channel-agent = Agent only (right)
rec-channel-error = This browser cannot play one side alone; both sides play.
rec-download = Download
rec-caption = Recorded calls, newest first
rec-col-length = Length
rec-col-actions = Actions
rec-empty = No recordings match.
rec-play = Play
rec-play-label = Play the recording of the call with { $caller }
rec-loading = Loading recordings…
rec-shown = Recordings shown: { $count }
call-coaching-whisper = A supervisor is speaking to you
call-coaching-barge = A supervisor has joined the call
