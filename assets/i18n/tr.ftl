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
