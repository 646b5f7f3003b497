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
