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
