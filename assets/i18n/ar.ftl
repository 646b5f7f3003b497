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

## Calls (the softphone)
call-incoming = مكالمة واردة
call-incoming-list = المكالمات الواردة
call-announce = مكالمة واردة من { $caller }
call-waiting = مدة الانتظار
call-to = الرقم المطلوب
call-trunk = خط الاتصال
call-queue = قائمة الانتظار
call-answer = رد
call-answer-label = الرد على مكالمة { $caller }
call-decline = رفض
call-decline-label = رفض مكالمة { $caller }
call-answer-busy = أنهِ مكالمتك الحالية لتتمكن من الرد على مكالمة أخرى.
call-state-connecting = جارٍ الاتصال…
call-state-talking = في مكالمة
call-talk-time = مدة المكالمة
call-hangup = إنهاء المكالمة
call-hangup-label = إنهاء المكالمة مع { $caller }
call-ended-title = انتهت آخر مكالمة:
call-end-remote-hang-up = أنهى المتصل المكالمة.
call-end-local-hang-up = أنهيت المكالمة.
call-end-abandoned = أنهى المتصل المكالمة قبل الرد عليها.
call-end-answered-elsewhere = ردّ وكيل آخر على المكالمة.
call-end-withdrawn = لم تعد هذه المكالمة موجّهة إليك.
call-end-transferred = لقد حوّلت المكالمة.
call-transfer = تحويل
call-transfer-label = تحويل المكالمة مع { $caller } إلى وكيل آخر
call-transfer-title = تحويل المكالمة
call-transfer-target = معرّف الوكيل
call-transfer-hint = اكتب معرّف الوكيل الذي سيتولى المكالمة. يسمع المتصل موسيقى الانتظار أثناء رنينها لديه.
call-transfer-confirm = حوّل الآن
call-transfer-cancel = إلغاء
call-transfer-invalid = اكتب معرّف الوكيل بالأرقام فقط.
call-transfer-pending = جارٍ التحويل…
call-transfer-error-unavailable = هذا الوكيل غير متاح لتلقي المكالمة. اختر وكيلًا آخر.
call-transfer-error-wrong-state = لا يمكن تحويل المكالمة الآن. أخرجها من الانتظار ثم حاول مرة أخرى.
call-transfer-error = تعذّر تحويل المكالمة. حاول مرة أخرى.
call-elsewhere-title = لديك مكالمة جارية
call-elsewhere-hint = استمرت المكالمة أثناء إعادة تحميل هذه الصفحة. استعدها لتتحدث من هنا.
call-elsewhere-held = قيد الانتظار
call-rejoin = استعادة المكالمة
call-rejoin-label = استعادة المكالمة مع { $caller }
call-end-declined = رفضت المكالمة.
call-end-rejected = رفض الطرف الآخر المكالمة (مشغول أو غير متاح).
call-end-failed = انقطعت المكالمة: توقفت الشبكة أو الطرف الآخر عن الاستجابة.
call-end-sip = رمز SIP: { $status }
call-end-q850 = سبب Q.850: { $cause }
call-error-gone = لم تعد هذه المكالمة متاحة: ردّ عليها وكيل آخر أو أنهاها المتصل.
call-error-bad-sdp = تعذّر على الخادم استخدام الاتصال الصوتي لهذا المتصفح، فلم تُوصَل المكالمة. حاول مرة أخرى أو أبلغ المشرف أو قسم تقنية المعلومات.
call-error-media-unavailable = خدمة الصوت في الخادم غير متاحة حاليًا، فتعذّر الرد على المكالمة. حاول مرة أخرى بعد قليل.
call-error-refused = رفض الخادم توصيل المكالمة. حاول مرة أخرى.
call-error-timeout = لم يردّ الخادم في الوقت المحدد، فلم تُوصَل المكالمة.
call-error-lost = انقطع الاتصال بالخادم أثناء الرد على المكالمة.
call-error-connection = تعذّر إنشاء الاتصال الصوتي للمكالمة. قد يكون جدار حماية أو شبكة VPN يحجبه؛ أبلغ المشرف أو قسم تقنية المعلومات.
call-mic-denied = لا يُسمح للمتصفح باستخدام الميكروفون، فلم يتم الرد على المكالمة. اسمح لهذا الموقع بالوصول إلى الميكروفون ثم أجب مرة أخرى.
call-mic-missing = لم يُعثر على ميكروفون، فلم يتم الرد على المكالمة. وصّل سماعة الرأس ثم أجب مرة أخرى.
call-mic-busy = تعذّر تشغيل الميكروفون، فلم يتم الرد على المكالمة. ربما يستخدمه تطبيق آخر.
call-unsupported = لا يستطيع هذا المتصفح استقبال المكالمات. استخدم إصدارًا حديثًا من Chrome أو Edge أو Firefox.
call-outgoing = مكالمة صادرة
call-caller-id = معرّف المتصل
call-state-dialing = جارٍ الطلب…
call-state-ringing = يرنّ…
call-state-held = قيد الانتظار
call-hold = تعليق
call-resume = استئناف
call-hold-failed = تعذّر وضع المكالمة قيد الانتظار الآن. حاول مرة أخرى بعد قليل.
call-resume-failed = تعذّر استئناف المكالمة الآن. حاول مرة أخرى بعد قليل.
call-hold-refused = لم يقبل الطرف الآخر وضع المكالمة قيد الانتظار، فهي مستمرة كما كانت.
call-resume-refused = لم يقبل الطرف الآخر استئناف المكالمة، فهي لا تزال قيد الانتظار.
call-mute = كتم الصوت
call-muted = الصوت مكتوم
call-end-remote-hang-up-outbound = أنهى الطرف الآخر المكالمة.
call-end-busy = كان الرقم مشغولًا.
call-end-no-answer = لم يردّ أحد.
call-end-not-found = تعذّر الوصول إلى الرقم: غير موجود أو غير مكتمل.
call-error-calls-unavailable = هذا الخادم غير مُعدّ لنقل المكالمات. أبلغ المشرف أو قسم تقنية المعلومات.

## Calls: dialing out
dial-title = إجراء مكالمة
dial-number = الرقم المطلوب الاتصال به
dial-hint = أرقام و* و# فقط، مع + في البداية للأرقام الدولية. لا بأس بالمسافات والشرطات والنقاط والأقواس.
dial-call = اتصال
dial-error-empty = أدخل الرقم الذي تريد الاتصال به.
dial-error-invalid = هذا ليس رقم هاتف: استخدم الأرقام و* و# فقط، ولا تضع + إلا في البداية.
dial-error-too-long = هذا الرقم طويل جدًا: الحد الأقصى لطوله { $max }.
dial-error-bad-number = لا يستطيع الخادم طلب هذا الرقم. تحقّق منه وحاول مرة أخرى.
dial-error-busy = أنت في مكالمة بالفعل. أنهِها أولًا لإجراء مكالمة أخرى.
dial-error-no-trunk = المكالمات الصادرة غير مُعدّة على هذا الخادم (لا يوجد خط اتصال). أبلغ المشرف أو قسم تقنية المعلومات.
dial-error-media-unavailable = خدمة الصوت في الخادم غير متاحة حاليًا، فتعذّر إجراء المكالمة. حاول مرة أخرى بعد قليل.
dial-error-refused = رفض الخادم إجراء المكالمة. حاول مرة أخرى.
dial-error-timeout = لم يردّ الخادم في الوقت المحدد، فلم تُجرَ المكالمة.
dial-error-lost = انقطع الاتصال بالخادم أثناء إجراء المكالمة.
dial-mic-denied = لا يُسمح للمتصفح باستخدام الميكروفون، فلم تُجرَ المكالمة. اسمح لهذا الموقع بالوصول إلى الميكروفون ثم اتصل مرة أخرى.
dial-mic-missing = لم يُعثر على ميكروفون، فلم تُجرَ المكالمة. وصّل سماعة الرأس ثم اتصل مرة أخرى.
dial-mic-busy = تعذّر تشغيل الميكروفون، فلم تُجرَ المكالمة. ربما يستخدمه تطبيق آخر.

## Calls: keypad and the caller's keys
call-keypad = لوحة المفاتيح
call-keypad-hint = اضغط مفتاحًا، أو اكتب الأرقام و* و# أثناء تركيز أحد المفاتيح. يسمع الطرف الآخر النغمات.
call-key-star = نجمة
call-key-hash = مربّع
call-keys-sent = المفاتيح المرسلة
call-digits-heard = ضغطه المتصل
call-dtmf-wrong-state = تعذّر إرسال المفاتيح: المكالمة غير متصلة.
call-dtmf-bad-key = لم يقبل الخادم هذا المفتاح.
call-dtmf-refused = تعذّر إرسال المفاتيح. حاول مرة أخرى.

## Call recording
record-title = تسجيل المكالمة
record-state-off = غير مسجّلة
record-state-recording = جارٍ التسجيل
record-state-paused = التسجيل متوقف مؤقتًا
record-start = تسجيل
record-pause = إيقاف التسجيل مؤقتًا
record-resume = استئناف التسجيل
record-stop = إنهاء التسجيل
record-hint = أوقف التسجيل مؤقتًا بينما يذكر العميل رقم بطاقته أو كلمة المرور؛ يُسجَّل الصمت خلال ذلك.
record-error-wrong-state = لا يمكن تغيير التسجيل الآن: المكالمة غير متصلة.
record-error-gone = انتهت هذه المكالمة.
record-error-refused = لم يغيّر الخادم حالة التسجيل. حاول مرة أخرى.

## Supervisor: live calls
live-calls-title = المكالمات الجارية
live-calls-loading = جارٍ تحميل المكالمات…
live-calls-empty = لا توجد مكالمات الآن.
live-col-caller = المتصل
live-col-to = الرقم المطلوب
live-col-state = الحالة
live-col-agent = الوكيل
live-col-duration = المدة
live-col-recording = التسجيل
live-col-supervisors = المشرفون
live-col-supervise = الإشراف
live-inbound = واردة
live-outbound = صادرة
live-state-ringing = بانتظار وكيل
live-state-connecting = جارٍ الاتصال
live-state-talking = في مكالمة
live-state-held = قيد الانتظار
live-no-agent = لا وكيل بعد
live-agent-unknown = وكيل غير معروف
live-supervisor-you = أنت
live-supervisor-other = مشرف آخر
live-supervisors-none = لا أحد
live-record-start-label = بدء تسجيل المكالمة مع { $caller }
live-record-stop-label = إنهاء تسجيل المكالمة مع { $caller }

## Supervisor: joining a call
supervise-listen = استماع
supervise-whisper = همس
supervise-barge = تدخّل
supervise-leave = مغادرة
supervise-modes-label = الانضمام إلى المكالمة مع { $caller }
supervise-leave-label = مغادرة المكالمة مع { $caller }
supervise-title = أنت في مكالمة
supervise-joining = جارٍ الانضمام إلى المكالمة…
supervise-call = الوكيل { $agent }، المتصل { $caller }
supervise-mode = الوضع
supervise-hint-listen = استماع: تسمع المتصل والوكيل، ولا يسمعك أحد.
supervise-hint-whisper = همس: يسمعك الوكيل وحده، ولا يسمعك المتصل.
supervise-hint-barge = تدخّل: يسمعك المتصل والوكيل كلاهما.
supervise-one-at-a-time = أنت في مكالمة أخرى. غادرها للانضمام إلى هذه المكالمة.
supervise-ended = انتهت المكالمة التي كنت فيها.
supervise-left = غادرت المكالمة.
supervise-error-gone = انتهت هذه المكالمة.
supervise-error-wrong-state = لا يمكن الانضمام إلى هذه المكالمة الآن: إنها غير متصلة، أو أنك فيها بالفعل.
supervise-error-bad-sdp = تعذّر على الخادم استخدام اتصال الصوت في هذا المتصفح. حاول مرة أخرى، أو أبلغ قسم تقنية المعلومات.
supervise-error-media-unavailable = خدمة الصوت في الخادم غير متاحة الآن. حاول مرة أخرى بعد قليل.
supervise-error-refused = رفض الخادم الطلب. حاول مرة أخرى.
supervise-error-timeout = لم يرد الخادم في الوقت المناسب، فلم تنضم إلى المكالمة.
supervise-error-lost = انقطع الاتصال بالخادم أثناء الانضمام إلى المكالمة.
supervise-error-connection = تعذّر إنشاء اتصال الصوت بالمكالمة. قد يكون جدار ناري أو VPN يحجبه؛ أبلغ قسم تقنية المعلومات.
supervise-mic-denied = المتصفح غير مسموح له باستخدام الميكروفون، فلم تنضم إلى المكالمة. اسمح بالوصول إلى الميكروفون لهذا الموقع وحاول مرة أخرى.
supervise-mic-missing = لم يُعثر على ميكروفون، فلم تنضم إلى المكالمة. وصّل سماعتك وحاول مرة أخرى.
supervise-mic-busy = تعذّر تشغيل الميكروفون، فلم تنضم إلى المكالمة. ربما يستخدمه تطبيق آخر.
supervise-unsupported = لا يستطيع هذا المتصفح الانضمام إلى المكالمات. استخدم إصدارًا حديثًا من Chrome أو Edge أو Firefox.

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

# customer card and tickets
customer-loading = جارٍ البحث عن المتصل…
customer-loading-list = جارٍ التحميل…
customer-retry = أعد المحاولة
customer-edit = تعديل
customer-announce = بطاقة العميل: { $name }
customer-call-ringing = مكالمة واردة من
customer-call-connected = على الخط:
customer-call-ended = آخر مكالمة:
customer-no-name = لا يوجد اسم بعد
customer-code = الرمز
customer-language = اللغة
customer-vip = مميّز
customer-phones = أرقام الهاتف
customer-email = البريد الإلكتروني
customer-notes = ملاحظات
customer-none = لا يوجد
customer-lang-en = الإنجليزية
customer-lang-fa = الفارسية
customer-lang-ar = العربية
customer-lang-tr = التركية
customer-last-disposition = آخر نتيجة مكالمة
customer-history = المكالمات السابقة
customer-history-empty = لا توجد مكالمات سابقة.
customer-history-queue = قائمة الانتظار:
customer-history-agent = الوكيل:
customer-outcome-answered = تم الرد
customer-outcome-abandoned = أنهى المكالمة أثناء الانتظار
customer-outcome-ivr-hang-up = أنهى المكالمة في القائمة الصوتية
customer-outcome-voicemail = ترك رسالة صوتية
customer-outcome-callback = طلب معاودة الاتصال
customer-outcome-overflow = حُوّل إلى قائمة انتظار أخرى
customer-outcome-failed = فشلت
customer-outcome-busy = مشغول
customer-outcome-no-answer = لا رد
customer-outcome-transferred = حُوّلت
customer-unknown = لا يوجد عميل بهذا الرقم:
customer-unknown-withheld = رقم المتصل محجوب، لذلك لم يُعثر على عميل.
customer-search = البحث عن عميل
customer-search-hint = الاسم أو رمز العميل أو رقم الهاتف.
customer-search-go = بحث
customer-search-none = لم يُعثر على أي عميل.
customer-new-title = عميل جديد
customer-edit-title = تعديل بيانات العميل
customer-form-name = الاسم
customer-form-email = البريد الإلكتروني
customer-form-phones = أرقام الهاتف
customer-form-phones-hint = رقم في كل سطر، مع رمز الدولة.
customer-form-language = اللغة
customer-form-vip = عميل مميّز
customer-form-notes = ملاحظات
customer-form-create = إنشاء العميل
customer-form-save = حفظ
customer-form-cancel = إلغاء
customer-saving = جارٍ الحفظ…
customer-saved = تم حفظ العميل.
customer-error-invalid = إحدى القيم غير صالحة. تحقّق من الحقل المحدد.
customer-error-name = أدخل اسمًا أو رقم هاتف.
customer-error-phone = أحد أرقام الهاتف غير صالح. اكتبه مع رمز الدولة.
customer-error-email = عنوان البريد الإلكتروني غير صالح.
customer-error-conflict = رقم الهاتف أو الرمز هذا يخص عميلًا آخر.
tickets-title = التذاكر المفتوحة
tickets-empty = لا توجد تذاكر مفتوحة.
ticket-new = تذكرة جديدة
ticket-form-title = تذكرة جديدة
ticket-form-kind = النوع
ticket-form-subject = الموضوع
ticket-form-notes = ملاحظات
ticket-form-due = الموعد
ticket-form-due-hint = اختياري: الموعد الذي تخبر به العميل.
ticket-form-linked = تُربط التذكرة بهذه المكالمة.
ticket-form-save = إنشاء التذكرة
ticket-created = تم إنشاء التذكرة.
ticket-error-subject = أدخل الموضوع.
ticket-error-due = الموعد غير صالح.
ticket-error-status = تعذّر تغيير الحالة. حاول مرة أخرى.
ticket-kind-request = طلب
ticket-kind-complaint = شكوى
ticket-kind-service = خدمة
ticket-kind-order = أمر شراء
ticket-status = الحالة
ticket-status-open = مفتوحة
ticket-status-in-progress = قيد المعالجة
ticket-status-resolved = تم حلها
ticket-status-closed = مغلقة
ticket-status-saved = تم حفظ حالة التذكرة.
ticket-due = الموعد:
ticket-no-due = بلا موعد
ticket-overdue = متأخرة
ticket-this-call = من هذه المكالمة

# inbox and dashboard
inbox-title = صندوقي
inbox-tab-voicemail = البريد الصوتي
inbox-tab-callbacks = معاودة الاتصال
inbox-open-voicemails = غير منجزة:
inbox-open-callbacks = بانتظار الاتصال:
inbox-loading = جارٍ التحميل…
inbox-empty-voicemail = لا توجد رسائل صوتية لك.
inbox-empty-callbacks = لا توجد طلبات معاودة اتصال لك.
inbox-unknown-caller = متصل غير معروف
inbox-received = وقت الاستلام
inbox-length = المدة
inbox-mailbox = الصندوق
inbox-mailbox-mine = صندوقك
inbox-mailbox-agent = صندوق أحد الوكلاء
inbox-assigned-to-me = مسندة إليك
inbox-audio-label = رسالة صوتية من { $caller }
inbox-mark-done = تحديد كمنجزة
inbox-reopen = إعادة فتح
inbox-call-back = معاودة الاتصال
inbox-call-back-label = معاودة الاتصال بالرقم { $number }
inbox-call = اتصال
inbox-call-label = الاتصال بالرقم { $number }
inbox-call-sent = تم تمرير الرقم إلى الهاتف البرمجي:
inbox-vm-new = جديدة
inbox-vm-assigned = مسندة
inbox-vm-in-progress = قيد المتابعة
inbox-vm-done = منجزة
inbox-cb-when = الموعد
inbox-cb-asap = في أقرب وقت ممكن
inbox-cb-queue = قائمة الانتظار
inbox-cb-attempts = المحاولات
inbox-cb-attempts-of = { $done } من { $max }
inbox-cb-last = آخر محاولة
inbox-cb-pending = بالانتظار
inbox-cb-dialing = جارٍ الطلب
inbox-cb-completed = تمت
inbox-cb-failed = فشلت
inbox-cb-cancelled = أُلغيت
inbox-cb-dialing-now = النظام يطلب هذا الرقم الآن.
inbox-cb-cancel = إلغاء معاودة الاتصال
inbox-cb-result-busy = مشغول
inbox-cb-result-no-answer = لا رد
inbox-cb-result-failed = فشلت
inbox-cb-result-answered = تم الرد
dash-title = يومي
dash-calls = المكالمات
dash-talk = مدة المحادثة
dash-aht = متوسط مدة المعالجة
dash-missed = المكالمات الفائتة
dash-csat = الرضا
dash-surveys = الإجابات:
dash-none = لا شيء بعد

# agent states and wrap-up
activity-ringing = يرن
activity-on-call = في مكالمة
activity-wrap-up = عمل ما بعد المكالمة
activity-missed = مكالمة فائتة
status-missed-text = فاتتك مكالمة فذهبت إلى الموظف التالي. لن تصلك مكالمات حتى تختار حالة.
status-missed-ack = متاح من جديد
reason-break = استراحة
reason-lunch = غداء
reason-meeting = اجتماع
reason-training = تدريب
reason-back_office = أعمال مكتبية
reason-missed = مكالمات فائتة
disposition-resolved = تم الحل
disposition-follow_up = تحتاج متابعة
disposition-ticket_created = أُنشئت تذكرة
disposition-information = قُدّمت معلومات
disposition-complaint = شكوى
disposition-sale = بيع
disposition-wrong_number = رقم خاطئ
disposition-escalated = تم التصعيد
disposition-callback_requested = طُلب معاودة الاتصال
wrapup-title = عمل ما بعد المكالمة
wrapup-left = الوقت المتبقي
wrapup-overdue = انتهى الوقت
wrapup-disposition = نتيجة المكالمة
wrapup-disposition-choose = اختر النتيجة
wrapup-disposition-required = اختر نتيجة المكالمة قبل الإنهاء.
wrapup-notes = ملاحظات
wrapup-done = تم
wrapup-extend = وقت إضافي

# keyboard shortcuts
shortcuts-title = اختصارات لوحة المفاتيح
shortcut-accept = الرد على المكالمة الواردة
shortcut-decline = رفض المكالمة الواردة
shortcut-hold = تعليق أو استئناف
shortcut-mute = كتم الصوت أو إلغاؤه
shortcut-transfer = تحويل
shortcut-end = إنهاء المكالمة
shortcut-wrap-up = إنهاء عمل ما بعد المكالمة
shortcut-status = الانتقال إلى قائمة الحالة
shortcut-help = عرض هذه القائمة
shortcuts-typing = لا تعمل الاختصارات أثناء الكتابة في حقل.
shortcuts-close = إغلاق
call-customer = العميل
call-vip = مميز
call-waited = مدة الانتظار

# one desk per agent
tab-inactive-title = مكتبك مفتوح في علامة تبويب أخرى
tab-inactive-text = المكالمات ترن هناك فقط، وحالتك تُضبط هناك. هل تريد استخدام المكتب هنا بدلاً من ذلك؟
tab-take-over = استخدام المكتب هنا

# offer alerting
alert-title = مكالمة واردة: { $caller }
alert-notification-title = مكالمة واردة
alert-notification-queue = قائمة الانتظار: { $queue }
audio-ringer = الرنين
audio-ringer-same = نفس مكبّر الصوت
audio-ringer-hint = ترن المكالمات الواردة هنا. اختر مكبّرات صوت الحاسوب لتسمع الرنين حتى عندما لا تضع سماعة الرأس.
audio-ringer-test = تجربة الرنين

# hold timer
call-hold-time = قيد الانتظار

# caller ID choice
dial-caller-id = إظهار الرقم
dial-error-bad-caller-id = لا يمكن إظهار هذا الرقم على هذا الخط. اختر رقماً آخر.

# transfer to a queue
call-transfer-queue = التحويل إلى
call-transfer-to-agent = موظف (بالمعرّف)
call-transfer-queue-hint = يسمع المتصل موسيقى الانتظار بينما تنتظر المكالمة في قائمة الانتظار أول موظف متاح.

# supervisor actions on agents
agents-col-actions = إجراءات
agents-force-status = تعيين الحالة…
agents-force-status-for = تعيين حالة { $name }
agents-logout = تسجيل الخروج
agents-logout-for = تسجيل خروج { $name }
call-page = صفحة الويب

# calls report (supervisor)
nav-label = صفحات المشرف
nav-live = العرض المباشر
nav-calls-report = تقرير المكالمات
report-title = تقرير المكالمات
report-export = تصدير CSV
report-from = من
report-to = إلى
report-queue = قائمة الانتظار
report-all-queues = كل قوائم الانتظار
report-agent = الوكيل
report-all-agents = كل الوكلاء
report-show = عرض
report-error-period = اختر يوم بداية لا يأتي بعد يوم النهاية.
report-totals = مجاميع المكالمات المعروضة
report-total-offered = المعروضة
report-total-answered = المُجاب عنها
report-total-abandoned = المتروكة
report-total-avg-wait = متوسط الانتظار (المُجاب عنها)
report-total-avg-score = متوسط التقييم
report-caption-day = مكالمات { $day }، الأحدث أولًا
report-caption = المكالمات من { $from } إلى { $to }، الأحدث أولًا
report-col-start = البداية
report-col-direction = الاتجاه
report-col-caller = المتصل
report-col-number = الرقم
report-col-queue = قائمة الانتظار
report-col-wait = الانتظار
report-col-agent = الوكيل
report-col-talk = مدة المحادثة
report-col-hold = مدة التعليق
report-col-outcome = النتيجة
report-col-disposition = نتيجة المكالمة
report-col-score = التقييم
report-col-tickets = التذاكر
report-col-call-id = معرّف المكالمة
report-csv-wait = الانتظار (ثوانٍ)
report-csv-wait-end = نهاية الانتظار
report-csv-talk = مدة المحادثة (ثوانٍ)
report-csv-hold = مدة التعليق (ثوانٍ)
report-empty = لا توجد مكالمات في هذه الفترة.
report-loading = جارٍ تحميل المكالمات…
report-shown = المكالمات المعروضة: { $count }
report-more = تحميل المزيد
report-none = لا يوجد
report-wait-answered = حتى الرد
report-wait-abandoned = حتى إغلاق الخط
report-wait-left = حتى مغادرة قائمة الانتظار
report-wait-waiting = لا يزال ينتظر
report-dir-inbound = واردة
report-dir-outbound = صادرة
report-dir-transfer = تحويل
report-dir-callback = معاودة اتصال
report-dir-web = مكالمة ويب
report-dir-campaign = حملة
report-outcome-in-progress = جارية
report-outcome-answered = تم الرد
report-outcome-abandoned = متروكة
report-outcome-ivr-hang-up = أُغلقت في القائمة
report-outcome-voicemail = بريد صوتي
report-outcome-callback = معاودة اتصال
report-outcome-overflow = حُوّلت لفائض
report-outcome-failed = فشلت
report-outcome-busy = مشغول
report-outcome-no-answer = لا رد
report-outcome-transferred = حُوّلت
call-transfer-to-number = رقم خارجي
call-transfer-number = الرقم المراد التحويل إليه
call-transfer-number-hint = تخرج المكالمة عبر خط الاتصال؛ يسمع المتصل موسيقى الانتظار حتى يجيب الرقم. إذا لم يجب أحد، تعود المكالمة إلى الموظفين.
call-transfer-number-invalid = اكتب رقم هاتف: أرقام، مع + في البداية للأرقام الدولية.
call-consult-dialing = جارٍ الاتصال بـ
call-consult-connected = تتحدث مع
call-consult-joined = الثلاثة على الخط مع
call-consult-ended = انتهت الاستشارة
call-consult-complete = حوّل الآن
call-consult-join = تحدثوا معًا
call-consult-cancel = العودة إلى المتصل
call-consult-start = استشر أولًا

# wallboard (supervisor)
nav-wallboard = لوحة الطوابير
wb-title = لوحة الطوابير
wb-updated = حُدّثت { $time }
wb-loading = جارٍ تحميل اللوحة…
wb-empty = لا توجد قوائم انتظار بعد.
wb-tv-enter = وضع الشاشة
wb-tv-leave = الخروج من وضع الشاشة
wb-sl-rule = مستوى الخدمة = المُجاب عنها خلال { $target } ث ÷ (المُجاب عنها + المتروكة بعد { $target } ث). لا يُحتسب من أنهى المكالمة خلال { $target } ث.
wb-waiting = في الانتظار
wb-longest = أطول انتظار
wb-callbacks = معاودات اتصال معلّقة
wb-agents = الوكلاء
wb-today = اليوم
wb-recent = آخر { $mins } دقيقة
wb-sl = مستوى الخدمة
wb-abandon-rate = نسبة الترك
wb-asa = متوسط سرعة الرد
wb-aht = متوسط مدة المعالجة
wb-offered = الواردة
wb-answered = المُجاب عنها
wb-abandoned = المكالمات المتروكة
wb-level-green = ضمن الهدف
wb-level-amber = تحذير
wb-level-red = حرج
wb-note = يُحتسب اليوم من منتصف الليل ({ $tz })؛ والنافذة هي آخر { $mins } دقيقة. تُحتسب المكالمة في الفترة التي دخلت فيها قائمة الانتظار. نسبة الترك = المتروكة ÷ الواردة. مدة المعالجة = التحدث والتعليق + عمل ما بعد المكالمة.

# recordings (supervisor)
nav-recordings = التسجيلات
rec-title = التسجيلات
rec-customer = العميل (الرمز أو الاسم أو الرقم)
rec-all-dispositions = كل التصنيفات
rec-search = بحث
rec-player = المشغّل
rec-choose = اختر تسجيلًا من القائمة أدناه لتشغيله.
rec-playing = المكالمة مع { $caller }، { $time }
rec-selected = في المشغّل:
rec-unknown-caller = متصل غير معروف
rec-channel = الاستماع إلى
rec-channel-both = الطرفين
rec-channel-caller = المتصل فقط (يسار)
rec-channel-agent = الموظف فقط (يمين)
rec-channel-error = لا يستطيع هذا المتصفح تشغيل طرف واحد وحده؛ يُشغَّل الطرفان.
rec-download = تنزيل
rec-caption = المكالمات المسجّلة، الأحدث أولًا
rec-col-length = المدة
rec-col-actions = الإجراءات
rec-empty = لا توجد تسجيلات مطابقة.
rec-play = تشغيل
rec-play-label = تشغيل تسجيل المكالمة مع { $caller }
rec-loading = جارٍ تحميل التسجيلات…
rec-shown = التسجيلات المعروضة: { $count }
call-coaching-whisper = مشرف يتحدث إليك
call-coaching-barge = انضم مشرف إلى المكالمة
