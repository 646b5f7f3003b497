# Arabic messages. Terms follow the source documents: مركز الاتصال، الوكيل،
# المشرف، قائمة الانتظار، متاح.

## Product and apps
app-name = مركز الاتصال
app-agent = واجهة الوكيل
app-supervisor = واجهة المشرف
loading = جارٍ التحميل…
skip-to-content = الانتقال إلى المحتوى الرئيسي

## Language
lang-label = اللغة

## Sign-in
login-title = تسجيل الدخول
login-intro = استخدم حسابك في مركز الاتصال.
login-username = اسم المستخدم
login-password = كلمة المرور
login-submit = تسجيل الدخول
login-busy = جارٍ تسجيل الدخول…
login-session-ended = انتهت جلستك. سجّل الدخول مرة أخرى للمتابعة.

## Errors
error-invalid-credentials = اسم المستخدم أو كلمة المرور غير صحيحة.
error-rate-limited = محاولات تسجيل دخول كثيرة جدًا. انتظر دقيقة ثم حاول مرة أخرى.
error-wrong-app = لا يملك هذا الحساب صلاحية استخدام هذا التطبيق.
error-forbidden = ليست لديك صلاحية للقيام بذلك.
error-network = تعذّر الوصول إلى الخادم. تحقّق من اتصالك ثم حاول مرة أخرى.
error-timeout = لم يردّ الخادم في الوقت المحدد. حاول مرة أخرى.
error-generic = حدث خطأ ما. يرجى المحاولة مرة أخرى.

## Roles
role-agent = وكيل
role-supervisor = مشرف
role-admin = مدير النظام

## Connection to the server
conn-label = الاتصال بالخادم
conn-connecting = جارٍ الاتصال…
conn-connected = متصل
conn-reconnecting = جارٍ إعادة الاتصال…

## Shell
shell-signed-in-as = تم تسجيل الدخول باسم { $name }
logout = تسجيل الخروج

## No access
not-allowed-title = لا تملك صلاحية الوصول
not-allowed-body = لقد سجّلت الدخول باسم { $name }. دورك ({ $role }) لا يملك صلاحية استخدام هذا التطبيق.
not-allowed-open-agent = فتح واجهة الوكيل

## Agent status
status-label = حالتي
status-choose = اختر الحالة
status-available = متاح
status-not-ready = غير جاهز
status-offline = غير متصل
status-pending = في انتظار رد الخادم…
status-time = المدة في هذه الحالة

## Agent desktop
desk-call-title = المكالمة الحالية
desk-call-empty = لا توجد مكالمة نشطة. تظهر هنا المكالمات الموجّهة إليك عندما تكون متاحًا.
desk-customer-title = العميل
desk-customer-empty = تظهر هنا بطاقة بيانات العميل المتصل عند بدء المكالمة.
desk-queues-title = قوائم الانتظار الخاصة بي
desk-queues-empty = لا توجد قوائم انتظار لعرضها بعد.

## Audio check
audio-check-title = فحص الصوت
audio-check-intro = اختبر سماعة الرأس قبل استقبال المكالمات: الميكروفون ومكبّر الصوت ومسار الصوت إلى الخادم.
audio-check-open = اختبار الصوت
audio-check-close = إغلاق
audio-mic = الميكروفون
audio-speaker = مكبّر الصوت
audio-device-default = الافتراضي في النظام
audio-mic-unnamed = ميكروفون { $number }
audio-speaker-unnamed = مكبّر صوت { $number }
audio-speaker-fixed = يشغّل هذا المتصفح الصوت دائمًا على مكبّر الصوت الافتراضي في النظام.
audio-mic-level = مستوى صوت الميكروفون
audio-echo-level = الصوت العائد
audio-check-how = ابدأ الفحص وقل بضع كلمات. يعيد الخادم صوتك إليك مباشرة، فتسمع نفسك بتأخير بسيط.
audio-check-start = بدء فحص الصوت
audio-check-stop = إيقاف
audio-check-running = جارٍ الفحص… قل بضع كلمات في الميكروفون.
audio-check-ok = صوتك يعود من الخادم: يُفترض أن تسمع نفسك بتأخير بسيط.
audio-check-passed = نجح فحص الصوت: الميكروفون والاتصال الصوتي بالخادم يعملان.
audio-check-failed-no-echo = لم يعد أي صوت خلال ١٠ ثوانٍ. تأكّد من أن الميكروفون غير مكتوم، وتحدّث، ثم حاول مرة أخرى.
audio-check-failed-timeout = لم يردّ الخادم في الوقت المحدد. حاول مرة أخرى بعد قليل.
audio-check-failed-connection = تعذّر إنشاء الاتصال الصوتي بالخادم. قد يكون جدار حماية أو شبكة VPN يحجبه؛ أبلغ المشرف أو قسم تقنية المعلومات.
audio-check-failed-unavailable = خدمة الصوت في الخادم غير متاحة حاليًا. حاول مرة أخرى لاحقًا.
audio-check-failed-refused = رفض الخادم الاتصال الصوتي. حاول مرة أخرى أو أبلغ المشرف أو قسم تقنية المعلومات.
audio-check-failed-lost = انقطع الاتصال بالخادم أثناء الفحص.
audio-check-failed-device = تغيّر الميكروفون أثناء الفحص. ابدأ الفحص من جديد.
audio-mic-denied = لا يُسمح للمتصفح باستخدام الميكروفون. اسمح لهذا الموقع بالوصول إلى الميكروفون، ثم أغلق فحص الصوت وافتحه من جديد.
audio-mic-missing = لم يُعثر على ميكروفون. وصّل سماعة الرأس ثم حاول مرة أخرى.
audio-mic-busy = تعذّر تشغيل الميكروفون. ربما يستخدمه تطبيق آخر.
audio-unsupported = لا يستطيع هذا المتصفح إجراء فحص الصوت. استخدم إصدارًا حديثًا من Chrome أو Edge أو Firefox.

## Supervisor: agents
agents-title = الوكلاء
agents-overview = نظرة عامة على الفريق
agents-col-name = الوكيل
agents-col-connection = الاتصال
agents-col-status = الحالة
agents-col-since = المدة في الحالة
agents-connected = متصل
agents-disconnected = منقطع
agents-loading = جارٍ تحميل الوكلاء…
agents-empty = لا يوجد وكلاء بعد.
