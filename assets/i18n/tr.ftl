# Turkish messages. Terms follow the source documents: çağrı merkezi,
# temsilci, kuyruk, durum.

## Product and apps
app-name = Çağrı Merkezi
app-agent = Temsilci masaüstü
app-supervisor = Süpervizör masaüstü
loading = Yükleniyor…
skip-to-content = Ana içeriğe geç

## Language
lang-label = Dil

## Sign-in
login-title = Oturum aç
login-intro = Çağrı merkezi hesabınızı kullanın.
login-username = Kullanıcı adı
login-password = Parola
login-submit = Oturum aç
login-busy = Oturum açılıyor…
login-session-ended = Oturumunuz sona erdi. Devam etmek için yeniden oturum açın.

## Errors
error-invalid-credentials = Kullanıcı adı veya parola hatalı.
error-rate-limited = Çok fazla oturum açma denemesi. Bir dakika bekleyip yeniden deneyin.
error-wrong-app = Bu hesabın bu uygulamaya erişimi yok.
error-forbidden = Bu işlem için yetkiniz yok.
error-network = Sunucuya ulaşılamıyor. Bağlantınızı kontrol edip yeniden deneyin.
error-timeout = Sunucu zamanında yanıt vermedi. Yeniden deneyin.
error-generic = Bir sorun oluştu. Lütfen yeniden deneyin.

## Roles
role-agent = Temsilci
role-supervisor = Süpervizör
role-admin = Yönetici

## Connection to the server
conn-label = Sunucu bağlantısı
conn-connecting = Bağlanıyor…
conn-connected = Bağlı
conn-reconnecting = Yeniden bağlanıyor…

## Shell
shell-signed-in-as = { $name } olarak oturum açıldı
logout = Oturumu kapat

## No access
not-allowed-title = Erişim yok
not-allowed-body = { $name } olarak oturum açtınız. Rolünüzün ({ $role }) bu uygulamaya erişimi yok.
not-allowed-open-agent = Temsilci masaüstünü aç

## Agent status
status-label = Durumum
status-choose = Durum seçin
status-available = Müsait
status-not-ready = Hazır değil
status-offline = Çevrimdışı
status-pending = Sunucunun yanıtı bekleniyor…
status-time = Bu durumdaki süre

## Agent desktop
desk-call-title = Geçerli çağrı
desk-call-empty = Etkin çağrı yok. Müsait olduğunuzda size yönlendirilen çağrılar burada görünür.
desk-customer-title = Müşteri
desk-customer-empty = Çağrı başladığında arayan müşterinin kartı burada açılır.
desk-queues-title = Kuyruklarım
desk-queues-empty = Henüz gösterilecek kuyruk yok.

## Audio check
audio-check-title = Ses kontrolü
audio-check-intro = Çağrı almadan önce kulaklığınızı test edin: mikrofonunuz, hoparlörünüz ve sunucuya giden ses yolu.
audio-check-open = Sesimi test et
audio-check-close = Kapat
audio-mic = Mikrofon
audio-speaker = Hoparlör
audio-device-default = Sistem varsayılanı
audio-mic-unnamed = Mikrofon { $number }
audio-speaker-unnamed = Hoparlör { $number }
audio-speaker-fixed = Bu tarayıcı sesi her zaman sistemin varsayılan hoparlöründen çalar.
audio-mic-level = Mikrofon seviyesi
audio-echo-level = Geri dönen ses
audio-check-how = Kontrolü başlatın ve birkaç kelime söyleyin. Sunucu sesinizi doğrudan geri gönderir; kendinizi kısa bir gecikmeyle duyarsınız.
audio-check-start = Ses kontrolünü başlat
audio-check-stop = Durdur
audio-check-running = Kontrol ediliyor… Mikrofonunuza birkaç kelime söyleyin.
audio-check-ok = Sesiniz sunucudan geri geliyor: kendinizi kısa bir gecikmeyle duymalısınız.
audio-check-passed = Ses kontrolü başarılı: mikrofonunuz ve sunucuyla ses bağlantınız çalışıyor.
audio-check-failed-no-echo = 10 saniye içinde hiç ses geri gelmedi. Mikrofonunuzun sessize alınmadığını kontrol edin, konuşun ve yeniden deneyin.
audio-check-failed-timeout = Sunucu zamanında yanıt vermedi. Biraz sonra yeniden deneyin.
audio-check-failed-connection = Sunucuyla ses bağlantısı kurulamadı. Bir güvenlik duvarı veya VPN engelliyor olabilir; süpervizörünüze veya BT ekibine bildirin.
audio-check-failed-unavailable = Sunucunun ses hizmeti şu anda kullanılamıyor. Daha sonra yeniden deneyin.
audio-check-failed-refused = Sunucu ses bağlantısını reddetti. Yeniden deneyin veya süpervizörünüze ya da BT ekibine bildirin.
audio-check-failed-lost = Kontrol sırasında sunucu bağlantısı koptu.
audio-check-failed-device = Kontrol sırasında mikrofon değişti. Kontrolü yeniden başlatın.
audio-mic-denied = Tarayıcının mikrofonunuzu kullanma izni yok. Bu site için mikrofon erişimine izin verin, ardından ses kontrolünü kapatıp yeniden açın.
audio-mic-missing = Mikrofon bulunamadı. Kulaklığınızı bağlayıp yeniden deneyin.
audio-mic-busy = Mikrofon başlatılamadı. Başka bir uygulama kullanıyor olabilir.
audio-unsupported = Bu tarayıcı ses kontrolünü çalıştıramaz. Chrome, Edge veya Firefox'un güncel bir sürümünü kullanın.

## Calls (the softphone)
call-incoming = Gelen çağrı
call-incoming-list = Gelen çağrılar
call-announce = Gelen çağrı: { $caller }
call-waiting = Bekleme
call-to = Aranan numara
call-trunk = Hat
call-queue = Kuyruk
call-answer = Yanıtla
call-answer-label = { $caller } çağrısını yanıtla
call-decline = Reddet
call-decline-label = { $caller } çağrısını reddet
call-answer-busy = Başka bir çağrıyı yanıtlamak için önce geçerli çağrınızı sonlandırın.
call-state-connecting = Bağlanıyor…
call-state-talking = Görüşmede
call-talk-time = Görüşme süresi
call-hangup = Kapat
call-hangup-label = { $caller } ile görüşmeyi kapat
call-ended-title = Son çağrı sona erdi:
call-end-remote-hang-up = Arayan kapattı.
call-end-local-hang-up = Siz kapattınız.
call-end-abandoned = Arayan, çağrı yanıtlanmadan kapattı.
call-end-answered-elsewhere = Çağrıyı başka bir temsilci yanıtladı.
call-end-withdrawn = Bu çağrı artık size yönlendirilmiyor.
call-end-transferred = Çağrıyı aktardınız.
call-transfer = Aktar
call-transfer-label = { $caller } ile olan çağrıyı başka bir temsilciye aktar
call-transfer-title = Çağrıyı aktar
call-transfer-target = Temsilci kimliği
call-transfer-hint = Çağrıyı alacak temsilcinin kimliğini yazın. Çağrı onda çalarken arayan bekleme müziği duyar.
call-transfer-confirm = Şimdi aktar
call-transfer-cancel = Vazgeç
call-transfer-invalid = Temsilcinin kimliğini yalnızca rakamlarla yazın.
call-transfer-pending = Aktarılıyor…
call-transfer-error-unavailable = Bu temsilci çağrıyı almaya uygun değil. Başka bir temsilci seçin.
call-transfer-error-wrong-state = Çağrı şu anda aktarılamıyor. Beklemeden alıp yeniden deneyin.
call-transfer-error = Çağrı aktarılamadı. Yeniden deneyin.
call-elsewhere-title = Devam eden bir çağrınız var
call-elsewhere-hint = Bu sayfa yeniden yüklenirken çağrı sürdü. Burada konuşmak için geri alın.
call-elsewhere-held = Beklemede
call-rejoin = Geri al
call-rejoin-label = { $caller } ile olan çağrıyı geri al
call-end-declined = Çağrıyı reddettiniz.
call-end-rejected = Karşı taraf çağrıyı reddetti (meşgul veya ulaşılamıyor).
call-end-failed = Çağrı koptu: ağ veya karşı taraf yanıt vermeyi bıraktı.
call-end-sip = SIP { $status }
call-end-q850 = Q.850 nedeni { $cause }
call-error-gone = Bu çağrı artık mevcut değil: başka bir temsilci yanıtladı ya da arayan kapattı.
call-error-bad-sdp = Sunucu bu tarayıcının ses bağlantısını kullanamadı, bu yüzden çağrı bağlanmadı. Yeniden deneyin veya süpervizörünüze ya da BT ekibine bildirin.
call-error-media-unavailable = Sunucunun ses hizmeti şu anda kullanılamıyor, bu yüzden çağrı yanıtlanamadı. Biraz sonra yeniden deneyin.
call-error-refused = Sunucu çağrıyı bağlamayı reddetti. Yeniden deneyin.
call-error-timeout = Sunucu zamanında yanıt vermedi, bu yüzden çağrı bağlanmadı.
call-error-lost = Çağrı yanıtlanırken sunucu bağlantısı koptu.
call-error-connection = Çağrının ses bağlantısı kurulamadı. Bir güvenlik duvarı veya VPN engelliyor olabilir; süpervizörünüze veya BT ekibine bildirin.
call-mic-denied = Tarayıcının mikrofonunuzu kullanma izni yok, bu yüzden çağrı yanıtlanmadı. Bu site için mikrofon erişimine izin verip yeniden yanıtlayın.
call-mic-missing = Mikrofon bulunamadı, bu yüzden çağrı yanıtlanmadı. Kulaklığınızı bağlayıp yeniden yanıtlayın.
call-mic-busy = Mikrofon başlatılamadı, bu yüzden çağrı yanıtlanmadı. Başka bir uygulama kullanıyor olabilir.
call-unsupported = Bu tarayıcı çağrı alamaz. Chrome, Edge veya Firefox'un güncel bir sürümünü kullanın.
call-outgoing = Giden çağrı
call-caller-id = Arayan numara
call-state-dialing = Aranıyor…
call-state-ringing = Çalıyor…
call-state-held = Beklemede
call-hold = Beklet
call-resume = Devam et
call-hold-failed = Çağrı şu anda beklemeye alınamadı. Biraz sonra yeniden deneyin.
call-resume-failed = Çağrı şu anda beklemeden çıkarılamadı. Biraz sonra yeniden deneyin.
call-hold-refused = Karşı taraf beklemeyi kabul etmedi; görüşme eskisi gibi sürüyor.
call-resume-refused = Karşı taraf beklemeden çıkmayı kabul etmedi; çağrı hâlâ beklemede.
call-mute = Sessize al
call-muted = Sessizde
call-end-remote-hang-up-outbound = Karşı taraf kapattı.
call-end-busy = Numara meşguldü.
call-end-no-answer = Yanıt veren olmadı.
call-end-not-found = Numaraya ulaşılamadı: numara yok ya da eksik.
call-error-calls-unavailable = Bu sunucu çağrı taşıyacak şekilde ayarlanmamış. Süpervizörünüze veya BT ekibine bildirin.

## Calls: dialing out
dial-title = Arama yap
dial-number = Aranacak numara
dial-hint = Yalnızca rakamlar, * ve #; uluslararası numaralarda başa +. Boşluk, tire, nokta ve parantez sorun değil.
dial-call = Ara
dial-error-empty = Aranacak numarayı girin.
dial-error-invalid = Bu bir telefon numarası değil: yalnızca rakam, * ve # kullanın; + yalnızca başta olabilir.
dial-error-too-long = Bu numara çok uzun: en fazla { $max } rakam ve simge.
dial-error-bad-number = Sunucu bu numarayı arayamıyor. Numarayı kontrol edip yeniden deneyin.
dial-error-busy = Zaten bir görüşmedesiniz. Başka bir arama yapmak için önce kapatın.
dial-error-no-trunk = Bu sunucuda giden aramalar ayarlanmamış (hat yok). Süpervizörünüze veya BT ekibine bildirin.
dial-error-media-unavailable = Sunucunun ses hizmeti şu anda kullanılamıyor, bu yüzden arama yapılamadı. Biraz sonra yeniden deneyin.
dial-error-refused = Sunucu aramayı yapmayı reddetti. Yeniden deneyin.
dial-error-timeout = Sunucu zamanında yanıt vermedi, bu yüzden arama yapılmadı.
dial-error-lost = Arama yapılırken sunucu bağlantısı koptu.
dial-mic-denied = Tarayıcının mikrofonunuzu kullanma izni yok, bu yüzden arama yapılmadı. Bu site için mikrofon erişimine izin verip yeniden arayın.
dial-mic-missing = Mikrofon bulunamadı, bu yüzden arama yapılmadı. Kulaklığınızı bağlayıp yeniden arayın.
dial-mic-busy = Mikrofon başlatılamadı, bu yüzden arama yapılmadı. Başka bir uygulama kullanıyor olabilir.

## Calls: keypad and the caller's keys
call-keypad = Tuş takımı
call-keypad-hint = Bir tuşa basın ya da bir tuş odaktayken rakam, * ve # yazın. Karşı taraf tonları duyar.
call-key-star = Yıldız
call-key-hash = Kare
call-keys-sent = Gönderilen tuşlar
call-digits-heard = Arayanın bastığı tuşlar
call-dtmf-wrong-state = Tuşlar gönderilemedi: çağrı bağlı değil.
call-dtmf-bad-key = Sunucu bu tuşu kabul etmedi.
call-dtmf-refused = Tuşlar gönderilemedi. Yeniden deneyin.

## Call recording
record-title = Çağrı kaydı
record-state-off = Kaydedilmiyor
record-state-recording = Kaydediliyor
record-state-paused = Kayıt duraklatıldı
record-start = Kaydet
record-pause = Kaydı duraklat
record-resume = Kayda devam et
record-stop = Kaydı durdur
record-hint = Müşteri kart numarasını veya şifresini söylerken kaydı duraklatın; bu sırada sessizlik kaydedilir.
record-error-wrong-state = Kayıt şu anda değiştirilemez: çağrı bağlı değil.
record-error-gone = Bu çağrı sona erdi.
record-error-refused = Sunucu kaydı değiştirmedi. Yeniden deneyin.

## Supervisor: live calls
live-calls-title = Canlı çağrılar
live-calls-loading = Çağrılar yükleniyor…
live-calls-empty = Şu anda çağrı yok.
live-col-caller = Arayan
live-col-to = Aranan numara
live-col-state = Durum
live-col-agent = Temsilci
live-col-duration = Süre
live-col-recording = Kayıt
live-col-supervisors = Süpervizörler
live-col-supervise = İzleme
live-inbound = Gelen
live-outbound = Giden
live-state-ringing = Temsilci bekliyor
live-state-connecting = Bağlanıyor
live-state-talking = Görüşmede
live-state-held = Beklemede
live-no-agent = Henüz temsilci yok
live-agent-unknown = Bilinmeyen temsilci
live-supervisor-you = Siz
live-supervisor-other = Başka bir süpervizör
live-supervisors-none = Yok
live-record-start-label = { $caller } ile çağrıyı kaydetmeye başla
live-record-stop-label = { $caller } ile çağrının kaydını durdur

## Supervisor: joining a call
supervise-listen = Dinle
supervise-whisper = Fısılda
supervise-barge = Araya gir
supervise-leave = Ayrıl
supervise-modes-label = { $caller } ile çağrıya katıl
supervise-leave-label = { $caller } ile çağrıdan ayrıl
supervise-title = Bir çağrıdasınız
supervise-joining = Çağrıya katılınıyor…
supervise-call = Temsilci { $agent }, arayan { $caller }
supervise-mode = Mod
supervise-hint-listen = Dinleme: arayanı ve temsilciyi duyarsınız. Sizi kimse duymaz.
supervise-hint-whisper = Fısıltı: sizi yalnızca temsilci duyar, arayan duymaz.
supervise-hint-barge = Araya girme: sizi hem arayan hem temsilci duyar.
supervise-one-at-a-time = Başka bir çağrıdasınız. Bu çağrıya katılmak için önce ondan ayrılın.
supervise-ended = Bulunduğunuz çağrı sona erdi.
supervise-left = Çağrıdan ayrıldınız.
supervise-error-gone = Bu çağrı sona erdi.
supervise-error-wrong-state = Bu çağrıya şu anda katılınamaz: çağrı bağlı değil ya da zaten çağrıdasınız.
supervise-error-bad-sdp = Sunucu bu tarayıcının ses bağlantısını kullanamadı. Yeniden deneyin veya BT'ye bildirin.
supervise-error-media-unavailable = Sunucunun ses hizmeti şu anda kullanılamıyor. Biraz sonra yeniden deneyin.
supervise-error-refused = Sunucu isteği reddetti. Yeniden deneyin.
supervise-error-timeout = Sunucu zamanında yanıt vermedi, bu yüzden çağrıya katılmadınız.
supervise-error-lost = Çağrıya katılırken sunucuyla bağlantı kesildi.
supervise-error-connection = Çağrının ses bağlantısı kurulamadı. Bir güvenlik duvarı veya VPN engelliyor olabilir; BT'ye bildirin.
supervise-mic-denied = Tarayıcının mikrofonunuzu kullanma izni yok, bu yüzden çağrıya katılmadınız. Bu site için mikrofon erişimine izin verin ve yeniden deneyin.
supervise-mic-missing = Mikrofon bulunamadı, bu yüzden çağrıya katılmadınız. Kulaklığınızı bağlayın ve yeniden deneyin.
supervise-mic-busy = Mikrofon başlatılamadı, bu yüzden çağrıya katılmadınız. Başka bir uygulama kullanıyor olabilir.
supervise-unsupported = Bu tarayıcı çağrılara katılamaz. Chrome, Edge veya Firefox'un güncel bir sürümünü kullanın.

## Supervisor: agents
agents-title = Temsilciler
agents-overview = Ekip özeti
agents-col-name = Temsilci
agents-col-connection = Bağlantı
agents-col-status = Durum
agents-col-since = Durumdaki süre
agents-connected = Bağlı
agents-disconnected = Bağlı değil
agents-loading = Temsilciler yükleniyor…
agents-empty = Henüz temsilci yok.

# customer card and tickets
customer-loading = Arayan aranıyor…
customer-loading-list = Yükleniyor…
customer-retry = Yeniden dene
customer-edit = Düzenle
customer-announce = Müşteri kartı: { $name }
customer-call-ringing = Arayan:
customer-call-connected = Hattaki:
customer-call-ended = Son çağrı:
customer-no-name = Henüz ad yok
customer-code = Kod
customer-language = Dil
customer-vip = VIP
customer-phones = Telefon numaraları
customer-email = E-posta
customer-notes = Notlar
customer-none = Yok
customer-lang-en = İngilizce
customer-lang-fa = Farsça
customer-lang-ar = Arapça
customer-lang-tr = Türkçe
customer-last-disposition = Son çağrı sonucu
customer-history = Önceki çağrılar
customer-history-empty = Önceki çağrı yok.
customer-history-queue = Kuyruk:
customer-history-agent = Temsilci:
customer-outcome-answered = Yanıtlandı
customer-outcome-abandoned = Beklerken kapattı
customer-outcome-ivr-hang-up = Sesli menüde kapattı
customer-outcome-voicemail = Sesli mesaj bıraktı
customer-outcome-callback = Geri arama istedi
customer-outcome-overflow = Başka kuyruğa aktarıldı
customer-outcome-failed = Başarısız
customer-outcome-busy = Meşgul
customer-outcome-no-answer = Yanıt yok
customer-outcome-transferred = Aktarıldı
customer-unknown = Bu numaraya kayıtlı müşteri yok:
customer-unknown-withheld = Arayanın numarası gizli, bu yüzden müşteri bulunamadı.
customer-search = Müşteri bul
customer-search-hint = Ad, müşteri kodu veya telefon numarası.
customer-search-go = Ara
customer-search-none = Müşteri bulunamadı.
customer-new-title = Yeni müşteri
customer-edit-title = Müşteriyi düzenle
customer-form-name = Ad
customer-form-email = E-posta
customer-form-phones = Telefon numaraları
customer-form-phones-hint = Her satıra bir numara, ülke koduyla (+90…, 0090…).
customer-form-language = Dil
customer-form-vip = VIP müşteri
customer-form-notes = Notlar
customer-form-create = Müşteriyi kaydet
customer-form-save = Kaydet
customer-form-cancel = Vazgeç
customer-saving = Kaydediliyor…
customer-saved = Müşteri kaydedildi.
customer-error-invalid = Bir değer geçerli değil. İşaretli alanı kontrol edin.
customer-error-name = Bir ad veya telefon numarası girin.
customer-error-phone = Bir telefon numarası geçerli değil. Ülke koduyla yazın, örneğin +90 532 123 45 67.
customer-error-email = E-posta adresi geçerli değil.
customer-error-conflict = Bu telefon numarası veya kod başka bir müşteriye ait.
tickets-title = Açık talepler
tickets-empty = Açık talep yok.
ticket-new = Yeni talep
ticket-form-title = Yeni talep
ticket-form-kind = Tür
ticket-form-subject = Konu
ticket-form-notes = Notlar
ticket-form-due = Termin
ticket-form-due-hint = İsteğe bağlı: müşteriye söylediğiniz zaman.
ticket-form-linked = Talep bu çağrıya bağlanır.
ticket-form-save = Talebi oluştur
ticket-created = Talep oluşturuldu.
ticket-error-subject = Bir konu girin.
ticket-error-due = Termin zamanı geçerli değil.
ticket-error-status = Durum değiştirilemedi. Yeniden deneyin.
ticket-kind-request = İstek
ticket-kind-complaint = Şikâyet
ticket-kind-service = Servis
ticket-kind-order = Sipariş
ticket-status = Durum
ticket-status-open = Açık
ticket-status-in-progress = İşlemde
ticket-status-resolved = Çözüldü
ticket-status-closed = Kapatıldı
ticket-status-saved = Talep durumu kaydedildi.
ticket-due = Termin:
ticket-no-due = termin yok
ticket-overdue = Gecikmiş
ticket-this-call = Bu çağrıdan

# inbox and dashboard
inbox-title = Gelen kutum
inbox-tab-voicemail = Sesli mesaj
inbox-tab-callbacks = Geri aramalar
inbox-open-voicemails = Tamamlanmamış:
inbox-open-callbacks = Aranacak:
inbox-loading = Yükleniyor…
inbox-empty-voicemail = Size ait sesli mesaj yok.
inbox-empty-callbacks = Size ait geri arama yok.
inbox-unknown-caller = Bilinmeyen arayan
inbox-received = Alındı
inbox-length = Süre
inbox-mailbox = Posta kutusu
inbox-mailbox-mine = Sizin
inbox-mailbox-agent = Bir temsilcinin
inbox-assigned-to-me = Size atandı
inbox-audio-label = { $caller } numarasından sesli mesaj
inbox-mark-done = Tamamlandı olarak işaretle
inbox-reopen = Yeniden aç
inbox-call-back = Geri ara
inbox-call-back-label = { $number } numarasını geri ara
inbox-call = Ara
inbox-call-label = { $number } numarasını ara
inbox-call-sent = Numara yazılım telefonuna iletildi:
inbox-vm-new = Yeni
inbox-vm-assigned = Atandı
inbox-vm-in-progress = İşlemde
inbox-vm-done = Tamamlandı
inbox-cb-when = Zaman
inbox-cb-asap = En kısa sürede
inbox-cb-queue = Kuyruk
inbox-cb-attempts = Denemeler
inbox-cb-attempts-of = { $done } / { $max }
inbox-cb-last = Son deneme
inbox-cb-pending = Bekliyor
inbox-cb-dialing = Aranıyor
inbox-cb-completed = Tamamlandı
inbox-cb-failed = Başarısız
inbox-cb-cancelled = İptal edildi
inbox-cb-dialing-now = Sistem bu geri aramayı şu anda arıyor.
inbox-cb-cancel = Geri aramayı iptal et
inbox-cb-result-busy = Meşgul
inbox-cb-result-no-answer = Yanıt yok
inbox-cb-result-failed = Başarısız
inbox-cb-result-answered = Yanıtlandı
dash-title = Günüm
dash-calls = Çağrılar
dash-talk = Görüşme süresi
dash-aht = Ortalama işlem süresi
dash-missed = Kaçırılan çağrılar
dash-csat = Memnuniyet
dash-surveys = Yanıtlar:
dash-none = Henüz yok

# agent states and wrap-up
activity-ringing = Çalıyor
activity-on-call = Görüşmede
activity-wrap-up = Görüşme sonrası iş
activity-missed = Kaçırıldı
status-missed-text = Bir çağrıyı kaçırdınız, sıradaki temsilciye gitti. Bir durum seçene kadar çağrı almazsınız.
status-missed-ack = Yeniden hazırım
reason-break = Mola
reason-lunch = Öğle yemeği
reason-meeting = Toplantı
reason-training = Eğitim
reason-back_office = Arka ofis işi
reason-missed = Kaçırılan çağrılar
disposition-resolved = Çözüldü
disposition-follow_up = Takip gerekli
disposition-ticket_created = Kayıt açıldı
disposition-information = Bilgi verildi
disposition-complaint = Şikâyet
disposition-sale = Satış
disposition-wrong_number = Yanlış numara
disposition-escalated = Üst birime aktarıldı
disposition-callback_requested = Geri arama istendi
wrapup-title = Görüşme sonrası iş
wrapup-left = Kalan süre
wrapup-overdue = Süre doldu
wrapup-disposition = Sonuç kodu
wrapup-disposition-choose = Bir sonuç seçin
wrapup-disposition-required = Bitirmeden önce bir sonuç seçin.
wrapup-notes = Notlar
wrapup-done = Bitti
wrapup-extend = Ek süre

# keyboard shortcuts
shortcuts-title = Klavye kısayolları
shortcut-accept = Çalan çağrıyı kabul et
shortcut-decline = Çalan çağrıyı reddet
shortcut-hold = Beklet veya devam et
shortcut-mute = Sesi kapat veya aç
shortcut-transfer = Aktar
shortcut-end = Çağrıyı bitir
shortcut-wrap-up = Görüşme sonrası işi bitir
shortcut-status = Durum menüsüne git
shortcut-help = Bu listeyi göster
shortcuts-typing = Bir alana yazarken kısayollar çalışmaz.
shortcuts-close = Kapat
call-customer = Müşteri
call-vip = VIP
call-waited = Bekleme

# one desk per agent
tab-inactive-title = Masanız başka bir sekmede açık
tab-inactive-text = Çağrılar yalnızca orada çalar ve durumunuz orada ayarlanır. Masayı burada kullanmak ister misiniz?
tab-take-over = Masayı burada kullan

# offer alerting
alert-title = Gelen çağrı: { $caller }
alert-notification-title = Gelen çağrı
alert-notification-queue = Kuyruk: { $queue }
audio-ringer = Zil sesi cihazı
audio-ringer-same = Hoparlörle aynı
audio-ringer-hint = Gelen çağrılar burada çalar. Kulaklığınız takılı değilken de duymak için bilgisayarınızın hoparlörlerini seçin.
audio-ringer-test = Zili dene

# hold timer
call-hold-time = Beklemede

# caller ID choice
dial-caller-id = Görünecek numara
dial-error-bad-caller-id = Bu numara bu hatta gösterilemez. Başka birini seçin.

# transfer to a queue
call-transfer-queue = Aktarılacak yer
call-transfer-to-agent = Bir temsilci (kimlikle)
call-transfer-queue-hint = Çağrı kuyrukta ilk boş temsilciyi beklerken arayan bekleme müziği duyar.

# supervisor actions on agents
agents-col-actions = İşlemler
agents-force-status = Durumu ayarla…
agents-force-status-for = { $name } için durumu ayarla
agents-logout = Çıkış yaptır
agents-logout-for = { $name } için çıkış yaptır
call-page = Web sayfası

# calls report (supervisor)
nav-label = Süpervizör sayfaları
nav-live = Canlı görünüm
nav-calls-report = Çağrı raporu
report-title = Çağrı raporu
report-export = CSV olarak indir
report-from = Başlangıç
report-to = Bitiş
report-queue = Kuyruk
report-all-queues = Tüm kuyruklar
report-agent = Temsilci
report-all-agents = Tüm temsilciler
report-show = Göster
report-error-period = Başlangıç günü bitiş gününden sonra olamaz.
report-totals = Gösterilen çağrıların toplamları
report-total-offered = Sunulan
report-total-answered = Yanıtlanan
report-total-abandoned = Terk edilen
report-total-avg-wait = Ortalama bekleme (yanıtlanan)
report-total-avg-score = Ortalama puan
report-caption-day = { $day } tarihli çağrılar, en yenisi önce
report-caption = { $from } – { $to } arası çağrılar, en yenisi önce
report-col-start = Başlangıç
report-col-direction = Yön
report-col-caller = Arayan
report-col-number = Numara
report-col-queue = Kuyruk
report-col-wait = Bekleme
report-col-agent = Temsilci
report-col-talk = Görüşme süresi
report-col-hold = Beklemede kalma
report-col-outcome = Sonuç
report-col-disposition = Sonuç kodu
report-col-score = Puan
report-col-tickets = Talepler
report-col-call-id = Çağrı kimliği
report-csv-wait = Bekleme (saniye)
report-csv-wait-end = Bekleme sonu
report-csv-talk = Görüşme süresi (saniye)
report-csv-hold = Beklemede kalma (saniye)
report-empty = Bu dönemde çağrı yok.
report-loading = Çağrılar yükleniyor…
report-shown = Gösterilen çağrılar: { $count }
report-more = Daha fazla yükle
report-none = yok
report-wait-answered = yanıta kadar
report-wait-abandoned = kapatana kadar
report-wait-left = kuyruktan çıkana kadar
report-wait-waiting = hâlâ bekliyor
report-dir-inbound = Gelen
report-dir-outbound = Giden
report-dir-transfer = Aktarma
report-dir-callback = Geri arama
report-dir-web = Web çağrısı
report-dir-campaign = Kampanya
report-outcome-in-progress = Sürüyor
report-outcome-answered = Yanıtlandı
report-outcome-abandoned = Terk edildi
report-outcome-ivr-hang-up = Menüde kapattı
report-outcome-voicemail = Sesli mesaj
report-outcome-callback = Geri arama
report-outcome-overflow = Taştı
report-outcome-failed = Başarısız
report-outcome-busy = Meşgul
report-outcome-no-answer = Yanıt yok
report-outcome-transferred = Aktarıldı
call-transfer-to-number = Dış numara
call-transfer-number = Aktarılacak numara
call-transfer-number-hint = Arama hat üzerinden dışarı çıkar; numara yanıtlayana kadar arayan bekleme müziği duyar. Kimse yanıtlamazsa arama temsilcilere döner.
call-transfer-number-invalid = Bir telefon numarası yazın: rakamlar, uluslararası numaralar için başta +.
call-consult-dialing = Aranıyor:
call-consult-connected = Görüşülüyor:
call-consult-joined = Üçü birlikte hatta:
call-consult-ended = Danışma bitti
call-consult-complete = Şimdi aktar
call-consult-join = Birlikte konuşun
call-consult-cancel = Arayana dön
call-consult-start = Önce danış

# wallboard (supervisor)
nav-wallboard = Pano
wb-title = Pano
wb-updated = Güncellendi: { $time }
wb-loading = Pano yükleniyor…
wb-empty = Henüz kuyruk yok.
wb-tv-enter = TV modu
wb-tv-leave = TV modundan çık
wb-sl-rule = Hizmet düzeyi = { $target } sn içinde yanıtlanan ÷ (yanıtlanan + { $target } sn sonra bırakılan). { $target } sn içinde kapatan arayanlar sayılmaz.
wb-waiting = Bekleyen
wb-longest = En uzun bekleme
wb-callbacks = Bekleyen geri aramalar
wb-agents = Temsilciler
wb-today = Bugün
wb-recent = Son { $mins } dakika
wb-sl = Hizmet düzeyi
wb-abandon-rate = Bırakma oranı
wb-asa = Ort. yanıt hızı
wb-aht = Ort. işlem süresi
wb-offered = Gelen
wb-answered = Yanıtlanan
wb-abandoned = Bırakılan çağrılar
wb-level-green = Hedefte
wb-level-amber = Uyarı
wb-level-red = Kritik
wb-note = Bugün gece yarısından ({ $tz }) sayılır; pencere son { $mins } dakikadır. Bir çağrı kuyruğa girdiği dönemde sayılır. Bırakma oranı = bırakılan ÷ gelen. İşlem süresi = konuşma ve bekletme + çağrı sonrası iş.

# recordings (supervisor)
nav-recordings = Kayıtlar
rec-title = Kayıtlar
rec-customer = Müşteri (kod, ad veya numara)
rec-all-dispositions = Tüm sonuç kodları
rec-search = Ara
rec-player = Oynatıcı
rec-choose = Dinlemek için aşağıdan bir kayıt seçin.
rec-playing = { $caller } ile görüşme, { $time }
rec-selected = Oynatıcıda:
rec-unknown-caller = bilinmeyen arayan
rec-channel = Dinlenen
rec-channel-both = İki taraf
rec-channel-caller = Yalnız arayan (sol)
rec-channel-agent = Yalnız temsilci (sağ)
rec-channel-error = Bu tarayıcı tek tarafı ayrı çalamıyor; iki taraf birlikte çalınıyor.
rec-download = İndir
rec-caption = Kaydedilmiş çağrılar, en yenisi önce
rec-col-length = Süre
rec-col-actions = İşlemler
rec-empty = Eşleşen kayıt yok.
rec-play = Oynat
rec-play-label = { $caller } ile görüşmenin kaydını oynat
rec-loading = Kayıtlar yükleniyor…
rec-shown = Gösterilen kayıtlar: { $count }
call-coaching-whisper = Bir süpervizör sizinle konuşuyor
call-coaching-barge = Bir süpervizör görüşmeye katıldı
