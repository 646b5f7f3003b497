# Persian messages. Terms follow the source documents: مرکز تماس، اپراتور،
# صف، وضعیت.

## Product and apps
app-name = مرکز تماس
app-agent = میز کار اپراتور
app-supervisor = میز کار سرپرست
loading = در حال بارگذاری…
skip-to-content = رفتن به محتوای اصلی

## Language
lang-label = زبان

## Sign-in
login-title = ورود
login-intro = با حساب کاربری مرکز تماس خود وارد شوید.
login-username = نام کاربری
login-password = گذرواژه
login-submit = ورود
login-busy = در حال ورود…
login-session-ended = نشست شما به پایان رسید. برای ادامه دوباره وارد شوید.

## Errors
error-invalid-credentials = نام کاربری یا گذرواژه نادرست است.
error-rate-limited = تعداد تلاش‌های ورود بیش از حد مجاز است. یک دقیقه صبر کنید و دوباره تلاش کنید.
error-wrong-app = این حساب به این برنامه دسترسی ندارد.
error-forbidden = شما اجازهٔ انجام این کار را ندارید.
error-network = دسترسی به سرور ممکن نیست. اتصال خود را بررسی کنید و دوباره تلاش کنید.
error-timeout = سرور به‌موقع پاسخ نداد. دوباره تلاش کنید.
error-generic = خطایی رخ داد. لطفاً دوباره تلاش کنید.

## Roles
role-agent = اپراتور
role-supervisor = سرپرست
role-admin = مدیر سیستم

## Connection to the server
conn-label = اتصال به سرور
conn-connecting = در حال اتصال…
conn-connected = متصل
conn-reconnecting = در حال اتصال دوباره…

## Shell
shell-signed-in-as = واردشده با نام { $name }
logout = خروج

## No access
not-allowed-title = دسترسی ندارید
not-allowed-body = شما با نام { $name } وارد شده‌اید. نقش شما ({ $role }) به این برنامه دسترسی ندارد.
not-allowed-open-agent = باز کردن میز کار اپراتور

## Agent status
status-label = وضعیت من
status-choose = انتخاب وضعیت
status-available = در دسترس
status-not-ready = آماده نیست
status-offline = آفلاین
status-pending = در انتظار پاسخ سرور…
status-time = مدت در این وضعیت

## Agent desktop
desk-call-title = تماس جاری
desk-call-empty = تماس فعالی ندارید. وقتی در دسترس باشید، تماس‌هایی که به شما ارجاع می‌شوند اینجا نمایش داده می‌شوند.
desk-customer-title = مشتری
desk-customer-empty = با شروع تماس، پروندهٔ مشتری تماس‌گیرنده اینجا باز می‌شود.
desk-queues-title = صف‌های من
desk-queues-empty = هنوز صفی برای نمایش وجود ندارد.

## Audio check
audio-check-title = بررسی صدا
audio-check-intro = پیش از پاسخ‌گویی به تماس‌ها هدست خود را آزمایش کنید: میکروفون، بلندگو و مسیر صدا تا سرور.
audio-check-open = آزمایش صدای من
audio-check-close = بستن
audio-mic = میکروفون
audio-speaker = بلندگو
audio-device-default = پیش‌فرض سیستم
audio-mic-unnamed = میکروفون { $number }
audio-speaker-unnamed = بلندگو { $number }
audio-speaker-fixed = این مرورگر صدا را همیشه از بلندگوی پیش‌فرض سیستم پخش می‌کند.
audio-mic-level = سطح صدای میکروفون
audio-echo-level = صدای برگشتی
audio-check-how = بررسی را شروع کنید و چند کلمه بگویید. سرور صدای شما را مستقیم برمی‌گرداند، پس صدای خود را با کمی تأخیر می‌شنوید.
audio-check-start = شروع بررسی صدا
audio-check-stop = توقف
audio-check-running = در حال بررسی… چند کلمه در میکروفون بگویید.
audio-check-ok = صدای شما از سرور برمی‌گردد: باید صدای خود را با کمی تأخیر بشنوید.
audio-check-passed = بررسی صدا موفق بود: میکروفون شما و اتصال صوتی به سرور کار می‌کنند.
audio-check-failed-no-echo = در ۱۰ ثانیه هیچ صدایی برنگشت. مطمئن شوید میکروفون بی‌صدا نیست، صحبت کنید و دوباره تلاش کنید.
audio-check-failed-timeout = سرور به‌موقع پاسخ نداد. کمی بعد دوباره تلاش کنید.
audio-check-failed-connection = اتصال صوتی به سرور برقرار نشد. ممکن است فایروال یا VPN آن را مسدود کرده باشد؛ به سرپرست یا واحد فناوری اطلاعات خبر دهید.
audio-check-failed-unavailable = سرویس صوتی سرور در حال حاضر در دسترس نیست. بعداً دوباره تلاش کنید.
audio-check-failed-refused = سرور اتصال صوتی را نپذیرفت. دوباره تلاش کنید یا به سرپرست یا واحد فناوری اطلاعات خبر دهید.
audio-check-failed-lost = اتصال به سرور در حین بررسی قطع شد.
audio-check-failed-device = میکروفون در حین بررسی تغییر کرد. بررسی را دوباره شروع کنید.
audio-mic-denied = مرورگر اجازهٔ استفاده از میکروفون شما را ندارد. دسترسی به میکروفون را برای این سایت مجاز کنید، سپس بررسی صدا را ببندید و دوباره باز کنید.
audio-mic-missing = میکروفونی پیدا نشد. هدست خود را وصل کنید و دوباره تلاش کنید.
audio-mic-busy = میکروفون راه‌اندازی نشد. ممکن است برنامهٔ دیگری از آن استفاده کند.
audio-unsupported = این مرورگر نمی‌تواند بررسی صدا را اجرا کند. از نسخهٔ به‌روز Chrome، Edge یا Firefox استفاده کنید.

## Calls (the softphone)
call-incoming = تماس ورودی
call-incoming-list = تماس‌های ورودی
call-announce = تماس ورودی از { $caller }
call-waiting = مدت انتظار
call-to = شمارهٔ گرفته‌شده
call-trunk = ترانک
call-queue = صف
call-answer = پاسخ
call-answer-label = پاسخ به تماس { $caller }
call-decline = رد تماس
call-decline-label = رد تماس { $caller }
call-answer-busy = برای پاسخ به تماس دیگر، ابتدا تماس جاری را قطع کنید.
call-state-connecting = در حال برقراری…
call-state-talking = در حال مکالمه
call-talk-time = مدت مکالمه
call-hangup = قطع تماس
call-hangup-label = قطع تماس با { $caller }
call-ended-title = آخرین تماس پایان یافت:
call-end-remote-hang-up = تماس‌گیرنده تماس را قطع کرد.
call-end-local-hang-up = شما تماس را قطع کردید.
call-end-abandoned = تماس‌گیرنده پیش از پاسخ‌گویی تماس را قطع کرد.
call-end-answered-elsewhere = اپراتور دیگری به تماس پاسخ داد.
call-end-withdrawn = این تماس دیگر به شما ارجاع نمی‌شود.
call-end-transferred = شما تماس را انتقال دادید.
call-transfer = انتقال
call-transfer-label = انتقال تماس با { $caller } به کارشناس دیگر
call-transfer-title = انتقال تماس
call-transfer-target = شناسهٔ کارشناس
call-transfer-hint = شناسهٔ کارشناسی را که باید تماس را بگیرد وارد کنید. تا زمانی که برای او زنگ می‌خورد، تماس‌گیرنده موسیقی انتظار می‌شنود.
call-transfer-confirm = همین حالا منتقل شود
call-transfer-cancel = انصراف
call-transfer-invalid = شناسهٔ کارشناس را فقط با رقم وارد کنید.
call-transfer-pending = در حال انتقال…
call-transfer-error-unavailable = این کارشناس برای گرفتن تماس در دسترس نیست. کارشناس دیگری را انتخاب کنید.
call-transfer-error-wrong-state = اکنون نمی‌توان تماس را منتقل کرد. تماس را از حالت انتظار خارج کنید و دوباره تلاش کنید.
call-transfer-error = انتقال تماس انجام نشد. دوباره تلاش کنید.
call-elsewhere-title = یک تماس در جریان دارید
call-elsewhere-hint = هنگام بارگذاری دوبارهٔ این صفحه، تماس ادامه داشت. برای صحبت در اینجا آن را پس بگیرید.
call-elsewhere-held = در انتظار
call-rejoin = پس گرفتن تماس
call-rejoin-label = پس گرفتن تماس با { $caller }
call-end-declined = شما تماس را رد کردید.
call-end-rejected = طرف مقابل تماس را نپذیرفت (مشغول یا در دسترس نیست).
call-end-failed = تماس قطع شد: شبکه یا طرف مقابل دیگر پاسخ نمی‌داد.
call-end-sip = کد SIP: { $status }
call-end-q850 = علت Q.850: { $cause }
call-error-gone = این تماس دیگر در دسترس نیست: اپراتور دیگری پاسخ داده یا تماس‌گیرنده قطع کرده است.
call-error-bad-sdp = سرور نتوانست از اتصال صوتی این مرورگر استفاده کند، بنابراین تماس برقرار نشد. دوباره تلاش کنید یا به سرپرست یا واحد فناوری اطلاعات خبر دهید.
call-error-media-unavailable = سرویس صوتی سرور در حال حاضر در دسترس نیست، بنابراین پاسخ به تماس ممکن نشد. کمی بعد دوباره تلاش کنید.
call-error-refused = سرور برقراری تماس را نپذیرفت. دوباره تلاش کنید.
call-error-timeout = سرور به‌موقع پاسخ نداد، بنابراین تماس برقرار نشد.
call-error-lost = اتصال به سرور هنگام پاسخ به تماس قطع شد.
call-error-connection = اتصال صوتی تماس برقرار نشد. ممکن است فایروال یا VPN آن را مسدود کرده باشد؛ به سرپرست یا واحد فناوری اطلاعات خبر دهید.
call-mic-denied = مرورگر اجازهٔ استفاده از میکروفون شما را ندارد، بنابراین به تماس پاسخ داده نشد. دسترسی به میکروفون را برای این سایت مجاز کنید و دوباره پاسخ دهید.
call-mic-missing = میکروفونی پیدا نشد، بنابراین به تماس پاسخ داده نشد. هدست خود را وصل کنید و دوباره پاسخ دهید.
call-mic-busy = میکروفون راه‌اندازی نشد، بنابراین به تماس پاسخ داده نشد. ممکن است برنامهٔ دیگری از آن استفاده کند.
call-unsupported = این مرورگر نمی‌تواند تماس برقرار کند. از نسخهٔ به‌روز Chrome، Edge یا Firefox استفاده کنید.
call-outgoing = تماس خروجی
call-caller-id = شمارهٔ نمایشی
call-state-dialing = در حال شماره‌گیری…
call-state-ringing = در حال زنگ خوردن…
call-state-held = در حالت انتظار
call-hold = نگه‌داشتن
call-resume = ادامهٔ تماس
call-hold-failed = اکنون نمی‌توان تماس را در حالت انتظار گذاشت. کمی بعد دوباره تلاش کنید.
call-resume-failed = اکنون نمی‌توان تماس را از حالت انتظار خارج کرد. کمی بعد دوباره تلاش کنید.
call-hold-refused = طرف مقابل حالت انتظار را نپذیرفت، بنابراین تماس مانند قبل ادامه دارد.
call-resume-refused = طرف مقابل خروج از حالت انتظار را نپذیرفت، بنابراین تماس هنوز در حالت انتظار است.
call-mute = بی‌صدا
call-muted = بی‌صدا شده
call-end-remote-hang-up-outbound = طرف مقابل تماس را قطع کرد.
call-end-busy = شماره مشغول بود.
call-end-no-answer = کسی پاسخ نداد.
call-end-not-found = شماره در دسترس نیست: وجود ندارد یا ناقص است.
call-error-calls-unavailable = این سرور برای برقراری تماس تنظیم نشده است. به سرپرست یا واحد فناوری اطلاعات خبر دهید.

## Calls: dialing out
dial-title = برقراری تماس
dial-number = شمارهٔ مورد نظر
dial-hint = فقط رقم، * و #، و برای شماره‌های بین‌المللی + در ابتدا. فاصله، خط تیره، نقطه و پرانتز اشکالی ندارد.
dial-call = تماس
dial-error-empty = شماره‌ای را که می‌خواهید با آن تماس بگیرید وارد کنید.
dial-error-invalid = این شمارهٔ تلفن نیست: فقط از رقم، * و # استفاده کنید و + فقط در ابتدا بیاید.
dial-error-too-long = این شماره بیش از حد طولانی است: حداکثر { $max } رقم و نماد.
dial-error-bad-number = سرور نمی‌تواند این شماره را بگیرد. شماره را بررسی کنید و دوباره تلاش کنید.
dial-error-busy = شما هم‌اکنون در تماس هستید. برای تماس دیگر، ابتدا تماس جاری را قطع کنید.
dial-error-no-trunk = تماس خروجی روی این سرور تنظیم نشده است (ترانکی وجود ندارد). به سرپرست یا واحد فناوری اطلاعات خبر دهید.
dial-error-media-unavailable = سرویس صوتی سرور در حال حاضر در دسترس نیست، بنابراین تماس گرفته نشد. کمی بعد دوباره تلاش کنید.
dial-error-refused = سرور برقراری تماس را نپذیرفت. دوباره تلاش کنید.
dial-error-timeout = سرور به‌موقع پاسخ نداد، بنابراین تماس گرفته نشد.
dial-error-lost = اتصال به سرور هنگام برقراری تماس قطع شد.
dial-mic-denied = مرورگر اجازهٔ استفاده از میکروفون شما را ندارد، بنابراین تماس گرفته نشد. دسترسی به میکروفون را برای این سایت مجاز کنید و دوباره تماس بگیرید.
dial-mic-missing = میکروفونی پیدا نشد، بنابراین تماس گرفته نشد. هدست خود را وصل کنید و دوباره تماس بگیرید.
dial-mic-busy = میکروفون راه‌اندازی نشد، بنابراین تماس گرفته نشد. ممکن است برنامهٔ دیگری از آن استفاده کند.

## Calls: keypad and the caller's keys
call-keypad = صفحه‌کلید
call-keypad-hint = یک کلید را بزنید، یا وقتی یکی از کلیدها در فوکوس است رقم، * و # را تایپ کنید. طرف مقابل صدای بوق‌ها را می‌شنود.
call-key-star = ستاره
call-key-hash = مربع
call-keys-sent = کلیدهای فرستاده‌شده
call-digits-heard = کلیدهای تماس‌گیرنده
call-dtmf-wrong-state = کلیدها فرستاده نشد: تماس برقرار نیست.
call-dtmf-bad-key = سرور این کلید را نپذیرفت.
call-dtmf-refused = کلیدها فرستاده نشد. دوباره تلاش کنید.

## Call recording
record-title = ضبط مکالمه
record-state-off = ضبط نمی‌شود
record-state-recording = در حال ضبط
record-state-paused = ضبط متوقف موقت
record-start = ضبط
record-pause = توقف موقت ضبط
record-resume = ادامهٔ ضبط
record-stop = پایان ضبط
record-hint = وقتی مشتری شمارهٔ کارت یا رمز می‌گوید، ضبط را موقتاً متوقف کنید؛ در این مدت سکوت ضبط می‌شود.
record-error-wrong-state = اکنون نمی‌توان ضبط را تغییر داد: تماس برقرار نیست.
record-error-gone = این تماس پایان یافته است.
record-error-refused = سرور وضعیت ضبط را تغییر نداد. دوباره تلاش کنید.

## Supervisor: live calls
live-calls-title = تماس‌های زنده
live-calls-loading = در حال بارگذاری تماس‌ها…
live-calls-empty = اکنون تماسی در جریان نیست.
live-col-caller = تماس‌گیرنده
live-col-to = شمارهٔ گرفته‌شده
live-col-state = وضعیت
live-col-agent = اپراتور
live-col-duration = مدت
live-col-recording = ضبط
live-col-supervisors = ناظران
live-col-supervise = نظارت
live-inbound = ورودی
live-outbound = خروجی
live-state-ringing = در انتظار اپراتور
live-state-connecting = در حال برقراری
live-state-talking = در حال مکالمه
live-state-held = در حالت انتظار
live-no-agent = هنوز اپراتوری ندارد
live-agent-unknown = اپراتور ناشناس
live-supervisor-you = شما
live-supervisor-other = ناظر دیگر
live-supervisors-none = هیچ‌کس
live-record-start-label = شروع ضبط تماس با { $caller }
live-record-stop-label = پایان ضبط تماس با { $caller }

## Supervisor: joining a call
supervise-listen = شنود
supervise-whisper = نجوا
supervise-barge = ورود به تماس
supervise-leave = خروج
supervise-modes-label = پیوستن به تماس با { $caller }
supervise-leave-label = خروج از تماس با { $caller }
supervise-title = شما در یک تماس هستید
supervise-joining = در حال پیوستن به تماس…
supervise-call = اپراتور { $agent }، تماس‌گیرنده { $caller }
supervise-mode = حالت
supervise-hint-listen = شنود: صدای تماس‌گیرنده و اپراتور را می‌شنوید. هیچ‌کس صدای شما را نمی‌شنود.
supervise-hint-whisper = نجوا: فقط اپراتور صدای شما را می‌شنود، تماس‌گیرنده نمی‌شنود.
supervise-hint-barge = ورود به تماس: تماس‌گیرنده و اپراتور هر دو صدای شما را می‌شنوند.
supervise-one-at-a-time = شما در تماس دیگری هستید. برای پیوستن به این تماس، ابتدا از آن خارج شوید.
supervise-ended = تماسی که در آن بودید پایان یافت.
supervise-left = از تماس خارج شدید.
supervise-error-gone = این تماس پایان یافته است.
supervise-error-wrong-state = اکنون نمی‌توان به این تماس پیوست: تماس برقرار نیست یا شما از قبل در آن هستید.
supervise-error-bad-sdp = سرور نتوانست از اتصال صوتی این مرورگر استفاده کند. دوباره تلاش کنید یا به واحد فناوری اطلاعات خبر دهید.
supervise-error-media-unavailable = سرویس صوتی سرور در حال حاضر در دسترس نیست. کمی بعد دوباره تلاش کنید.
supervise-error-refused = سرور درخواست را نپذیرفت. دوباره تلاش کنید.
supervise-error-timeout = سرور به‌موقع پاسخ نداد، بنابراین به تماس نپیوستید.
supervise-error-lost = اتصال به سرور هنگام پیوستن به تماس قطع شد.
supervise-error-connection = اتصال صوتی به تماس برقرار نشد. ممکن است فایروال یا VPN آن را مسدود کرده باشد؛ به واحد فناوری اطلاعات خبر دهید.
supervise-mic-denied = مرورگر اجازهٔ استفاده از میکروفون شما را ندارد، بنابراین به تماس نپیوستید. دسترسی به میکروفون را برای این سایت مجاز کنید و دوباره تلاش کنید.
supervise-mic-missing = میکروفونی پیدا نشد، بنابراین به تماس نپیوستید. هدست خود را وصل کنید و دوباره تلاش کنید.
supervise-mic-busy = میکروفون راه‌اندازی نشد، بنابراین به تماس نپیوستید. ممکن است برنامهٔ دیگری از آن استفاده کند.
supervise-unsupported = این مرورگر نمی‌تواند به تماس بپیوندد. از نسخهٔ به‌روز Chrome، Edge یا Firefox استفاده کنید.

## Supervisor: agents
agents-title = اپراتورها
agents-overview = نمای کلی تیم
agents-col-name = اپراتور
agents-col-connection = اتصال
agents-col-status = وضعیت
agents-col-since = مدت در وضعیت
agents-connected = متصل
agents-disconnected = قطع
agents-loading = در حال بارگذاری اپراتورها…
agents-empty = هنوز اپراتوری وجود ندارد.

# customer card and tickets
customer-loading = در حال یافتن تماس‌گیرنده…
customer-loading-list = در حال بارگذاری…
customer-retry = تلاش دوباره
customer-edit = ویرایش
customer-announce = پروندهٔ مشتری: { $name }
customer-call-ringing = تماس ورودی از
customer-call-connected = در حال مکالمه با:
customer-call-ended = آخرین تماس:
customer-no-name = هنوز نامی ثبت نشده
customer-code = کد
customer-language = زبان
customer-vip = ویژه
customer-phones = شماره‌های تلفن
customer-email = ایمیل
customer-notes = یادداشت‌ها
customer-none = ندارد
customer-lang-en = انگلیسی
customer-lang-fa = فارسی
customer-lang-ar = عربی
customer-lang-tr = ترکی
customer-last-disposition = آخرین نتیجهٔ تماس
customer-history = تماس‌های پیشین
customer-history-empty = تماس پیشینی وجود ندارد.
customer-history-queue = صف:
customer-history-agent = اپراتور:
customer-outcome-answered = پاسخ داده شد
customer-outcome-abandoned = در انتظار قطع کرد
customer-outcome-ivr-hang-up = در منوی صوتی قطع کرد
customer-outcome-voicemail = پیام صوتی گذاشت
customer-outcome-callback = درخواست تماس برگشتی داد
customer-outcome-overflow = به صف دیگری رفت
customer-outcome-failed = ناموفق
customer-outcome-busy = مشغول
customer-outcome-no-answer = بی‌پاسخ
customer-outcome-transferred = منتقل شد
customer-unknown = هیچ مشتری‌ای این شماره را ندارد:
customer-unknown-withheld = شمارهٔ تماس‌گیرنده پنهان است، بنابراین مشتری‌ای پیدا نشد.
customer-search = جست‌وجوی مشتری
customer-search-hint = نام، کد مشتری یا شمارهٔ تلفن.
customer-search-go = جست‌وجو
customer-search-none = مشتری‌ای پیدا نشد.
customer-new-title = مشتری جدید
customer-edit-title = ویرایش مشتری
customer-form-name = نام
customer-form-email = ایمیل
customer-form-phones = شماره‌های تلفن
customer-form-phones-hint = هر شماره در یک خط، همراه با کد کشور.
customer-form-language = زبان
customer-form-vip = مشتری ویژه
customer-form-notes = یادداشت‌ها
customer-form-create = ثبت مشتری
customer-form-save = ذخیره
customer-form-cancel = انصراف
customer-saving = در حال ذخیره…
customer-saved = مشتری ذخیره شد.
customer-error-invalid = یکی از مقادیر معتبر نیست. فیلد مشخص‌شده را بررسی کنید.
customer-error-name = یک نام یا شمارهٔ تلفن وارد کنید.
customer-error-phone = یک شمارهٔ تلفن معتبر نیست. آن را همراه با کد کشور بنویسید.
customer-error-email = نشانی ایمیل معتبر نیست.
customer-error-conflict = این شمارهٔ تلفن یا کد متعلق به مشتری دیگری است.
tickets-title = تیکت‌های باز
tickets-empty = تیکت بازی وجود ندارد.
ticket-new = تیکت جدید
ticket-form-title = تیکت جدید
ticket-form-kind = نوع
ticket-form-subject = موضوع
ticket-form-notes = یادداشت‌ها
ticket-form-due = موعد
ticket-form-due-hint = اختیاری: زمانی که به مشتری اعلام می‌کنید.
ticket-form-linked = این تیکت به همین تماس پیوند داده می‌شود.
ticket-form-save = ثبت تیکت
ticket-created = تیکت ثبت شد.
ticket-error-subject = موضوع را وارد کنید.
ticket-error-due = زمان موعد معتبر نیست.
ticket-error-status = وضعیت تغییر نکرد. دوباره تلاش کنید.
ticket-kind-request = درخواست
ticket-kind-complaint = شکایت
ticket-kind-service = خدمات
ticket-kind-order = سفارش
ticket-status = وضعیت
ticket-status-open = باز
ticket-status-in-progress = در حال پیگیری
ticket-status-resolved = حل‌شده
ticket-status-closed = بسته
ticket-status-saved = وضعیت تیکت ذخیره شد.
ticket-due = موعد:
ticket-no-due = بدون موعد
ticket-overdue = موعد گذشته
ticket-this-call = از همین تماس

# inbox and dashboard
inbox-title = صندوق من
inbox-tab-voicemail = پیام صوتی
inbox-tab-callbacks = تماس برگشتی
inbox-open-voicemails = انجام‌نشده:
inbox-open-callbacks = در انتظار تماس:
inbox-loading = در حال بارگذاری…
inbox-empty-voicemail = پیام صوتی‌ای برای شما نیست.
inbox-empty-callbacks = تماس برگشتی‌ای برای شما نیست.
inbox-unknown-caller = تماس‌گیرندهٔ ناشناس
inbox-received = زمان دریافت
inbox-length = مدت
inbox-mailbox = صندوق
inbox-mailbox-mine = صندوق شما
inbox-mailbox-agent = صندوق یک اپراتور
inbox-assigned-to-me = به شما سپرده شده
inbox-audio-label = پیام صوتی از { $caller }
inbox-mark-done = علامت انجام‌شده
inbox-reopen = بازگشایی
inbox-call-back = تماس برگشتی
inbox-call-back-label = تماس با { $number }
inbox-call = تماس
inbox-call-label = تماس با { $number }
inbox-call-sent = شماره به تلفن نرم‌افزاری داده شد:
inbox-vm-new = جدید
inbox-vm-assigned = سپرده‌شده
inbox-vm-in-progress = در حال پیگیری
inbox-vm-done = انجام‌شده
inbox-cb-when = زمان
inbox-cb-asap = در اولین فرصت
inbox-cb-queue = صف
inbox-cb-attempts = تلاش‌ها
inbox-cb-attempts-of = { $done } از { $max }
inbox-cb-last = آخرین تلاش
inbox-cb-pending = در انتظار
inbox-cb-dialing = در حال شماره‌گیری
inbox-cb-completed = انجام شد
inbox-cb-failed = ناموفق
inbox-cb-cancelled = لغو شد
inbox-cb-dialing-now = سامانه هم‌اکنون در حال گرفتن این تماس برگشتی است.
inbox-cb-cancel = لغو تماس برگشتی
inbox-cb-result-busy = مشغول
inbox-cb-result-no-answer = بی‌پاسخ
inbox-cb-result-failed = ناموفق
inbox-cb-result-answered = پاسخ داده شد
dash-title = روز من
dash-calls = تماس‌ها
dash-talk = مدت مکالمه
dash-aht = میانگین زمان رسیدگی
dash-missed = تماس‌های از دست رفته
dash-csat = رضایت
dash-surveys = پاسخ‌ها:
dash-none = هنوز چیزی نیست

# agent states and wrap-up
activity-ringing = در حال زنگ
activity-on-call = در حال مکالمه
activity-wrap-up = کار پس از تماس
activity-missed = تماس از دست‌رفته
status-missed-text = یک تماس را پاسخ ندادید و به کارشناس بعدی رفت. تا وضعیتی انتخاب نکنید تماسی دریافت نمی‌کنید.
status-missed-ack = دوباره آماده‌ام
reason-break = استراحت
reason-lunch = ناهار
reason-meeting = جلسه
reason-training = آموزش
reason-back_office = کارهای پشتیبانی
reason-missed = تماس‌های بی‌پاسخ
disposition-resolved = حل شد
disposition-follow_up = نیاز به پیگیری
disposition-ticket_created = درخواست ثبت شد
disposition-information = اطلاعات داده شد
disposition-complaint = شکایت
disposition-sale = فروش
disposition-wrong_number = شماره اشتباه
disposition-escalated = ارجاع شد
disposition-callback_requested = درخواست تماس مجدد
wrapup-title = کار پس از تماس
wrapup-left = زمان باقی‌مانده
wrapup-overdue = زمان تمام شد
wrapup-disposition = نتیجهٔ تماس
wrapup-disposition-choose = نتیجه را انتخاب کنید
wrapup-disposition-required = پیش از پایان، نتیجهٔ تماس را انتخاب کنید.
wrapup-notes = یادداشت
wrapup-done = پایان
wrapup-extend = زمان بیشتر

# keyboard shortcuts
shortcuts-title = میان‌برهای صفحه‌کلید
shortcut-accept = پاسخ به تماس ورودی
shortcut-decline = رد تماس ورودی
shortcut-hold = نگه‌داشتن یا ادامه
shortcut-mute = قطع یا وصل میکروفون
shortcut-transfer = انتقال
shortcut-end = پایان تماس
shortcut-wrap-up = پایان کار پس از تماس
shortcut-status = رفتن به فهرست وضعیت
shortcut-help = نمایش این فهرست
shortcuts-typing = هنگام نوشتن در یک فیلد، میان‌برها کاری نمی‌کنند.
shortcuts-close = بستن
call-customer = مشتری
call-vip = ویژه
call-waited = مدت انتظار

# one desk per agent
tab-inactive-title = میز کار شما در زبانهٔ دیگری باز است
tab-inactive-text = تماس‌ها فقط در آنجا زنگ می‌زنند و وضعیت شما هم در آنجا تعیین می‌شود. میز کار را در اینجا استفاده می‌کنید؟
tab-take-over = استفاده از میز کار در اینجا

# offer alerting
alert-title = تماس ورودی: { $caller }
alert-notification-title = تماس ورودی
alert-notification-queue = صف: { $queue }
audio-ringer = زنگ تماس
audio-ringer-same = همان بلندگو
audio-ringer-hint = تماس‌های ورودی اینجا زنگ می‌زنند. بلندگوی رایانه را انتخاب کنید تا وقتی هدست روی سرتان نیست هم صدای زنگ را بشنوید.
audio-ringer-test = آزمایش زنگ

# hold timer
call-hold-time = در انتظار

# caller ID choice
dial-caller-id = نمایش شماره به‌عنوان
dial-error-bad-caller-id = این شماره را نمی‌توان روی این خط نمایش داد. شمارهٔ دیگری انتخاب کنید.

# transfer to a queue
call-transfer-queue = انتقال به
call-transfer-to-agent = یک کارشناس (با شناسه)
call-transfer-queue-hint = تماس‌گیرنده تا زمانی که تماس در صف منتظر کارشناس آزاد بعدی است، موسیقی انتظار می‌شنود.

# supervisor actions on agents
agents-col-actions = اقدام‌ها
agents-force-status = تعیین وضعیت…
agents-force-status-for = تعیین وضعیت { $name }
agents-logout = خروج
agents-logout-for = خارج کردن { $name }
call-page = صفحهٔ وب

# calls report (supervisor)
nav-label = صفحه‌های سرپرست
nav-live = نمای زنده
nav-calls-report = گزارش تماس‌ها
report-title = گزارش تماس‌ها
report-export = خروجی CSV
report-from = از
report-to = تا
report-queue = صف
report-all-queues = همهٔ صف‌ها
report-agent = اپراتور
report-all-agents = همهٔ اپراتورها
report-show = نمایش
report-error-period = روز شروع باید همان روز پایان یا پیش از آن باشد.
report-totals = جمع تماس‌های نمایش‌داده‌شده
report-total-offered = عرضه‌شده
report-total-answered = پاسخ‌داده‌شده
report-total-abandoned = رهاشده
report-total-avg-wait = میانگین انتظار (پاسخ‌داده‌شده)
report-total-avg-score = میانگین امتیاز
report-caption-day = تماس‌های { $day }، جدیدترین اول
report-caption = تماس‌ها از { $from } تا { $to }، جدیدترین اول
report-col-start = شروع
report-col-direction = جهت
report-col-caller = تماس‌گیرنده
report-col-number = شماره
report-col-queue = صف
report-col-wait = انتظار
report-col-agent = اپراتور
report-col-talk = مدت مکالمه
report-col-hold = مدت نگه‌داشتن
report-col-outcome = پیامد
report-col-disposition = نتیجهٔ تماس
report-col-score = امتیاز
report-col-tickets = تیکت‌ها
report-col-call-id = شناسهٔ تماس
report-csv-wait = انتظار (ثانیه)
report-csv-wait-end = پایان انتظار
report-csv-talk = مدت مکالمه (ثانیه)
report-csv-hold = مدت نگه‌داشتن (ثانیه)
report-empty = در این بازه تماسی نیست.
report-loading = در حال بارگذاری تماس‌ها…
report-shown = تماس‌های نمایش‌داده‌شده: { $count }
report-more = بیشتر
report-none = ندارد
report-wait-answered = تا پاسخ
report-wait-abandoned = تا قطع تماس
report-wait-left = تا ترک صف
report-wait-waiting = هنوز در انتظار
report-dir-inbound = ورودی
report-dir-outbound = خروجی
report-dir-transfer = انتقال
report-dir-callback = تماس برگشتی
report-dir-web = تماس وب
report-dir-campaign = کمپین
report-outcome-in-progress = در جریان
report-outcome-answered = پاسخ داده شد
report-outcome-abandoned = رها شد
report-outcome-ivr-hang-up = قطع در منو
report-outcome-voicemail = پست صوتی
report-outcome-callback = تماس برگشتی
report-outcome-overflow = سرریز شد
report-outcome-failed = ناموفق
report-outcome-busy = مشغول
report-outcome-no-answer = بی‌پاسخ
report-outcome-transferred = منتقل شد
call-transfer-to-number = شمارهٔ بیرونی
call-transfer-number = شماره برای انتقال
call-transfer-number-hint = تماس از طریق ترانک بیرون می‌رود؛ تماس‌گیرنده تا پاسخ آن شماره موسیقی انتظار می‌شنود. اگر کسی پاسخ ندهد، تماس به کارشناسان برمی‌گردد.
call-transfer-number-invalid = یک شمارهٔ تلفن وارد کنید: رقم‌ها، با + در ابتدا برای شماره‌های بین‌المللی.
call-consult-dialing = در حال تماس با
call-consult-connected = در حال گفتگو با
call-consult-joined = هر سه نفر روی خط با
call-consult-ended = مشاوره پایان یافت
call-consult-complete = اکنون منتقل کن
call-consult-join = گفتگوی سه‌نفره
call-consult-cancel = بازگشت به تماس‌گیرنده
call-consult-start = اول مشورت کن

# wallboard (supervisor)
nav-wallboard = تابلوی صف‌ها
wb-title = تابلوی صف‌ها
wb-updated = به‌روزشده { $time }
wb-loading = در حال بارگیری تابلو…
wb-empty = هنوز صفی نیست.
wb-tv-enter = حالت تلویزیون
wb-tv-leave = خروج از حالت تلویزیون
wb-sl-rule = سطح خدمت = پاسخ‌داده در { $target } ثانیه ÷ (پاسخ‌داده + رهاشده پس از { $target } ثانیه). تماس‌گیرندگانی که در { $target } ثانیه قطع کردند شمرده نمی‌شوند.
wb-waiting = در انتظار
wb-longest = طولانی‌ترین انتظار
wb-callbacks = تماس‌های برگشتی در صف
wb-agents = کارشناسان
wb-today = امروز
wb-recent = { $mins } دقیقهٔ اخیر
wb-sl = سطح خدمت
wb-abandon-rate = نرخ رهاشدن
wb-asa = میانگین زمان پاسخ
wb-aht = میانگین زمان رسیدگی
wb-offered = ورودی
wb-answered = پاسخ‌داده
wb-abandoned = تماس‌های رهاشده
wb-level-green = در هدف
wb-level-amber = هشدار
wb-level-red = بحرانی
wb-note = امروز از نیمه‌شب ({ $tz }) شمرده می‌شود؛ بازه، { $mins } دقیقهٔ اخیر است. هر تماس در بازه‌ای شمرده می‌شود که وارد صف شد. نرخ رهاشدن = رهاشده ÷ ورودی. زمان رسیدگی = گفتگو و انتظار + کار پس از تماس.

# recordings (supervisor)
nav-recordings = ضبط‌ها
rec-title = ضبط‌ها
rec-customer = مشتری (کد، نام یا شماره)
rec-all-dispositions = همهٔ نتیجه‌ها
rec-search = جستجو
rec-player = پخش‌کننده
rec-choose = برای پخش، یکی از ضبط‌های زیر را انتخاب کنید.
rec-playing = تماس با { $caller }، { $time }
rec-selected = در پخش‌کننده:
rec-unknown-caller = تماس‌گیرندهٔ ناشناس
rec-channel = شنیدن
rec-channel-both = هر دو طرف
rec-channel-caller = فقط تماس‌گیرنده (چپ)
rec-channel-agent = فقط کارشناس (راست)
rec-channel-error = این مرورگر نمی‌تواند یک طرف را جدا پخش کند؛ هر دو طرف پخش می‌شوند.
rec-download = دانلود
rec-caption = تماس‌های ضبط‌شده، جدیدترین اول
rec-col-length = مدت
rec-col-actions = کارها
rec-empty = ضبطی پیدا نشد.
rec-play = پخش
rec-play-label = پخش ضبط تماس با { $caller }
rec-loading = در حال بارگیری ضبط‌ها…
rec-shown = ضبط‌های نمایش‌داده‌شده: { $count }
call-coaching-whisper = سرپرست با شما صحبت می‌کند
call-coaching-barge = سرپرست به تماس پیوست
