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
