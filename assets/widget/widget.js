/* The contact center's web call button. Embed with one tag:
 *
 *   <script src="https://GATEWAY/widget.js" data-widget="support" async
 *           data-label="Call us" data-lang="en" data-color="#0b5cad"></script>
 *
 * Optional: data-token="<the site's signed customer token>" (or
 * CCWidget.setToken(t) later), data-side="left".
 *
 * Plain script on purpose: it loads on strangers' pages before any call, so
 * it must stay a few kilobytes (a WASM app would be hundreds). It keeps no
 * cookies and no storage, and speaks only to the gateway it came from.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.CCWidget) return;
  var cfg = script.dataset;
  var base = new URL(script.src, location.href).origin;
  var id = cfg.widget || 'default';
  var api = base + '/api/v1/widgets/' + encodeURIComponent(id);
  var token = cfg.token || null;

  var T = {
    en: { away: 'Nobody can take your call right now.', call: 'Call us', connecting: 'Connecting…', menu: 'Listening to the menu', waiting: 'Waiting for an agent', agent: 'Talking with an agent', held: 'On hold', voicemail: 'Leave a message after the tone', survey: 'How was your call?', ended: 'Call ended', failed: 'The call could not be made', mic: 'We need your microphone to call', mute: 'Mute', unmute: 'Unmute', hangup: 'Hang up', keypad: 'Keypad', close: 'Close', again: 'Call again', closed: 'We are closed now.', long: 'The wait is long now.', wait: 'Expected wait: about {m} min.', cbTitle: 'We can call you back', number: 'Your phone number', when: 'When', asap: 'As soon as possible', send: 'Call me back', callAnyway: 'Call now anyway', cbDone: 'Thank you. We will call you back.', cbBad: 'Please check the number.', busy: 'Too many requests. Please try later.', thanks: 'Thank you for your rating.', rate: 'Rate {n} of 5' },
    fa: { away: 'اکنون کارشناسی در دسترس نیست.', call: 'با ما تماس بگیرید', connecting: 'در حال اتصال…', menu: 'در حال شنیدن منو', waiting: 'در انتظار کارشناس', agent: 'در حال گفتگو با کارشناس', held: 'در انتظار', voicemail: 'پس از بوق پیام بگذارید', survey: 'تماس شما چطور بود؟', ended: 'تماس پایان یافت', failed: 'برقراری تماس ممکن نشد', mic: 'برای تماس به میکروفون شما نیاز داریم', mute: 'بی‌صدا', unmute: 'با صدا', hangup: 'قطع تماس', keypad: 'صفحه‌کلید', close: 'بستن', again: 'تماس دوباره', closed: 'اکنون خارج از ساعت کاری هستیم.', long: 'اکنون زمان انتظار طولانی است.', wait: 'زمان انتظار: حدود {m} دقیقه.', cbTitle: 'می‌توانیم با شما تماس بگیریم', number: 'شماره تلفن شما', when: 'زمان', asap: 'در اولین فرصت', send: 'با من تماس بگیرید', callAnyway: 'با این حال تماس می‌گیرم', cbDone: 'سپاس. با شما تماس خواهیم گرفت.', cbBad: 'لطفاً شماره را بررسی کنید.', busy: 'درخواست‌ها زیاد است. لطفاً بعداً تلاش کنید.', thanks: 'از امتیاز شما سپاسگزاریم.', rate: 'امتیاز {n} از ۵' },
    ar: { away: 'لا يوجد موظف متاح الآن.', call: 'اتصل بنا', connecting: 'جارٍ الاتصال…', menu: 'تستمع إلى القائمة', waiting: 'بانتظار موظف', agent: 'تتحدث مع موظف', held: 'قيد الانتظار', voicemail: 'اترك رسالة بعد الصافرة', survey: 'كيف كانت مكالمتك؟', ended: 'انتهت المكالمة', failed: 'تعذّر إجراء المكالمة', mic: 'نحتاج إلى الميكروفون لإجراء المكالمة', mute: 'كتم', unmute: 'إلغاء الكتم', hangup: 'إنهاء', keypad: 'لوحة الأرقام', close: 'إغلاق', again: 'اتصل مجددًا', closed: 'نحن مغلقون الآن.', long: 'الانتظار طويل الآن.', wait: 'الانتظار المتوقع: نحو {m} دقيقة.', cbTitle: 'يمكننا معاودة الاتصال بك', number: 'رقم هاتفك', when: 'الموعد', asap: 'في أقرب وقت', send: 'اتصلوا بي', callAnyway: 'اتصل الآن على أي حال', cbDone: 'شكرًا لك. سنعاود الاتصال بك.', cbBad: 'يرجى التحقق من الرقم.', busy: 'طلبات كثيرة. يرجى المحاولة لاحقًا.', thanks: 'شكرًا على تقييمك.', rate: 'التقييم {n} من 5' },
    tr: { away: 'Şu an müsait temsilcimiz yok.', call: 'Bizi arayın', connecting: 'Bağlanıyor…', menu: 'Menü dinleniyor', waiting: 'Temsilci bekleniyor', agent: 'Temsilciyle görüşülüyor', held: 'Beklemede', voicemail: 'Sinyal sesinden sonra mesaj bırakın', survey: 'Görüşmeniz nasıldı?', ended: 'Görüşme bitti', failed: 'Arama yapılamadı', mic: 'Arama için mikrofonunuz gerekiyor', mute: 'Sesi kapat', unmute: 'Sesi aç', hangup: 'Kapat', keypad: 'Tuş takımı', close: 'Kapat', again: 'Tekrar ara', closed: 'Şu an kapalıyız.', long: 'Bekleme süresi şu an uzun.', wait: 'Tahmini bekleme: yaklaşık {m} dk.', cbTitle: 'Sizi geri arayabiliriz', number: 'Telefon numaranız', when: 'Ne zaman', asap: 'En kısa sürede', send: 'Beni geri arayın', callAnyway: 'Yine de şimdi ara', cbDone: 'Teşekkürler. Sizi geri arayacağız.', cbBad: 'Lütfen numarayı kontrol edin.', busy: 'Çok fazla istek. Lütfen sonra deneyin.', thanks: 'Puanınız için teşekkürler.', rate: '5 üzerinden {n}' }
  };
  var lang = (cfg.lang || (navigator.language || 'en')).slice(0, 2).toLowerCase();
  if (!T[lang]) lang = 'en';
  var t = function (k, n) { return T[lang][k].replace('{m}', n).replace('{n}', n); };
  var rtl = lang === 'fa' || lang === 'ar';

  var host = document.createElement('div');
  host.setAttribute('data-cc-widget', id);
  var root = host.attachShadow({ mode: 'open' });
  var side = cfg.side === 'left' ? 'left' : 'right';
  root.innerHTML =
    '<style>' +
    ':host{all:initial}*{box-sizing:border-box;font:15px/1.4 system-ui,sans-serif}' +
    '.w{position:fixed;bottom:20px;' + side + ':20px;z-index:2147483000;color:#111}' +
    'button{cursor:pointer;border:0;border-radius:8px;padding:10px 14px;background:var(--a);color:#fff;font-weight:600}' +
    'button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f5a623;outline-offset:2px}' +
    'button.s{background:#e8e8ee;color:#111}button.h{background:#b3261e}' +
    '.p{width:300px;margin-bottom:10px;padding:16px;border-radius:12px;background:#fff;box-shadow:0 6px 24px #0004}' +
    '.row{display:flex;gap:8px;flex-wrap:wrap;margin-top:10px}.k{display:grid;grid-template-columns:repeat(3,1fr);gap:6px;margin-top:10px;direction:ltr}' +
    '.k button{background:#f1f1f5;color:#111;font-size:18px}.st{font-weight:600}.tm{font-variant-numeric:tabular-nums;color:#555;direction:ltr;unicode-bidi:isolate}' +
    'label{display:block;margin-top:8px}input,select{width:100%;padding:8px;border:1px solid #888;border-radius:6px;margin-top:4px}' +
    '[hidden]{display:none!important}' +
    '@media (prefers-color-scheme:dark){.p{background:#1e1e24;color:#eee}.w{color:#eee}.k button,button.s{background:#33333d;color:#eee}.tm{color:#bbb}input,select{background:#2a2a31;color:#eee}}' +
    '</style>' +
    '<div class="w" dir="' + (rtl ? 'rtl' : 'ltr') + '" lang="' + lang + '">' +
    '<div class="p" role="dialog" aria-label="' + (cfg.label || t('call')).replace(/[<>"&]/g, '') + '" data-testid="widget-panel" hidden>' +
    '<div class="st" role="status" aria-live="polite" data-testid="widget-status"></div>' +
    '<div class="tm" data-testid="widget-timer"></div>' +
    '<div class="row" data-part="controls" hidden>' +
    '<button class="s" data-act="mute" data-testid="widget-mute" aria-pressed="false"></button>' +
    '<button class="s" data-act="keypad" data-testid="widget-keypad-toggle" aria-expanded="false"></button>' +
    '<button class="h" data-act="hangup" data-testid="widget-hangup"></button></div>' +
    '<div class="k" data-part="keypad" data-testid="widget-keypad" hidden></div>' +
    '<div class="row" data-part="survey" data-testid="widget-survey" hidden></div>' +
    '<form data-part="cb" data-testid="widget-callback" hidden><div class="st" data-part="cbt"></div>' +
    '<label><span data-part="numl"></span><input name="n" type="tel" dir="ltr" autocomplete="tel" required data-testid="widget-callback-number"></label>' +
    '<label><span data-part="whenl"></span><select name="w" data-testid="widget-callback-when"></select></label>' +
    '<div class="row"><button type="submit" data-testid="widget-callback-send"></button>' +
    '<button type="button" class="s" data-act="anyway" data-testid="widget-call-anyway" hidden></button></div></form>' +
    '<div class="row" data-part="end" hidden><button data-act="again" data-testid="widget-again"></button>' +
    '<button class="s" data-act="close" data-testid="widget-close"></button></div>' +
    '</div>' +
    '<button data-act="open" data-testid="widget-button" aria-haspopup="dialog" aria-expanded="false"></button></div>';
  var $ = function (s) { return root.querySelector(s); };
  var part = function (n) { return $('[data-part="' + n + '"]'); };
  var wrap = $('.w'), panel = $('.p'), status = $('.st'), timer = $('.tm');
  wrap.style.setProperty('--a', /^#[0-9a-fA-F]{3,8}$/.test(cfg.color || '') ? cfg.color : '#0b5cad');
  var openBtn = $('[data-act="open"]');
  openBtn.textContent = '\u260E ' + (cfg.label || t('call'));
  $('[data-act="keypad"]').textContent = t('keypad');
  $('[data-act="hangup"]').textContent = t('hangup');
  $('[data-act="again"]').textContent = t('again');
  $('[data-act="close"]').textContent = t('close');
  $('[data-act="anyway"]').textContent = t('callAnyway');
  $('[type="submit"]').textContent = t('send');
  part('cbt').textContent = t('cbTitle');
  part('numl').textContent = t('number');
  part('whenl').textContent = t('when');
  '123456789*0#'.split('').forEach(function (d) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = d;
    b.setAttribute('data-digit', d);
    b.setAttribute('data-testid', 'widget-key-' + d);
    part('keypad').appendChild(b);
  });
  for (var n = 1; n <= 5; n++) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = n;
    b.setAttribute('data-score', n);
    b.setAttribute('aria-label', t('rate', n));
    b.setAttribute('data-testid', 'widget-score-' + n);
    part('survey').appendChild(b);
  }

  var call = null;
  var show = function (el, on) { el.hidden = !on; };
  var say = function (text, phase) { status.textContent = text; panel.setAttribute('data-phase', phase || ''); };

  function tick() {
    if (!call || !call.since) { timer.textContent = ''; return; }
    var s = Math.floor((Date.now() - call.since) / 1000);
    timer.textContent = Math.floor(s / 60) + ':' + ('0' + (s % 60)).slice(-2);
  }

  // Ends call `c` (a late handler of an older call does nothing).
  function finish(c, reason) {
    if (!c || c !== call) return;
    call = null;
    clearInterval(c.timer);
    try { c.ws && c.ws.close(); } catch (e) {}
    try { c.pc && c.pc.close(); } catch (e) {}
    if (c.mic) c.mic.getTracks().forEach(function (tr) { tr.stop(); });
    if (c.audio) c.audio.remove();
    show(part('controls'), false);
    show(part('keypad'), false);
    $('[data-act="keypad"]').setAttribute('aria-expanded', 'false');
    show(part('survey'), false);
    show(part('end'), true);
    if (c.error) say(c.error, 'error');
    else if (!c.rated) say(t(reason === 'ended' ? 'ended' : 'failed'), 'ended');
    timer.textContent = '';
  }

  function send(msg) {
    if (call && call.ws && call.ws.readyState === 1) call.ws.send(JSON.stringify(msg));
  }

  function startCall() {
    if (call) return;
    show(part('cb'), false);
    show(part('end'), false);
    if (!window.RTCPeerConnection || !navigator.mediaDevices) {
      // An insecure (http) page or an old browser: no microphone to ask for.
      say(t('failed'), 'error');
      show(part('end'), true);
      return;
    }
    say(t('connecting'), 'connecting');
    var c = (call = { rated: false });
    var mute = $('[data-act="mute"]');
    mute.setAttribute('aria-pressed', 'false');
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (mic) {
      if (call !== c) { mic.getTracks().forEach(function (tr) { tr.stop(); }); return; }
      c.mic = mic;
      var ws = (c.ws = new WebSocket(api.replace(/^http/, 'ws') + '/call'));
      var pc = null;
      // The gateway's first word: the STUN/TURN servers to offer with.
      function connect(iceServers) {
        if (pc || call !== c) return;
        pc = c.pc = new RTCPeerConnection({ iceServers: iceServers || [] });
        mic.getTracks().forEach(function (tr) { pc.addTrack(tr, mic); });
        pc.ontrack = function (e) { c.audio.srcObject = e.streams[0] || new MediaStream([e.track]); };
        pc.onconnectionstatechange = function () { if (pc.connectionState === 'failed') finish(c, 'failed'); };
        pc.createOffer().then(function (o) { return pc.setLocalDescription(o); }).then(function () {
          return new Promise(function (done) {
            if (pc.iceGatheringState === 'complete') return done();
            pc.onicegatheringstatechange = function () { if (pc.iceGatheringState === 'complete') done(); };
            setTimeout(done, 2000);
          });
        }).then(function () {
          // The page without its query or fragment (they may carry tokens).
          var page = location.origin + location.pathname;
          send({ type: 'call', sdp: pc.localDescription.sdp, page: page, language: lang, token: token });
        }).catch(function () { finish(c, 'failed'); });
      }
      c.audio = document.createElement('audio');
      c.audio.autoplay = true;
      c.audio.hidden = true;
      c.audio.setAttribute('data-testid', 'widget-audio');
      document.body.appendChild(c.audio);
      ws.onmessage = function (ev) {
        var m = JSON.parse(ev.data);
        if (call !== c) return;
        if (m.type === 'ready') {
          connect(m.ice_servers);
        } else if (m.type === 'answer') {
          pc.setRemoteDescription({ type: 'answer', sdp: m.sdp }).catch(function () {
            send({ type: 'hang_up' });
            finish(c, 'failed');
          });
          c.since = Date.now();
          c.timer = setInterval(tick, 1000);
          show(part('controls'), true);
          mute.textContent = t('mute');
        } else if (m.type === 'phase') {
          say(t(m.phase), m.phase);
          var survey = m.phase === 'survey';
          show(part('survey'), survey);
          // Hang up stays: rating is not a must.
          if (survey) show(part('keypad'), false);
        } else if (m.type === 'ended') {
          finish(c, m.reason);
        } else if (m.type === 'error' && m.code !== 'bad_digits') {
          // A refusal that ends the call: its reason stays on screen.
          c.error = t('failed') + ' (' + m.code + ')';
          say(c.error, 'error');
        }
      };
      ws.onclose = function () { finish(c, 'ended'); };
    }).catch(function (e) {
      var micRefused = e && (e.name === 'NotAllowedError' || e.name === 'NotFoundError');
      c.error = micRefused ? t('mic') : t('failed');
      finish(c, 'failed');
    });
  }

  function offerCallback(s) {
    var why = !s.open ? t('closed') : s.wait_secs != null ? t('long') + ' ' + t('wait', Math.ceil(s.wait_secs / 60)) : t('away');
    say(why, 'callback');
    var sel = root.querySelector('select');
    sel.innerHTML = '';
    var o = document.createElement('option');
    o.value = '';
    o.textContent = t('asap');
    sel.appendChild(o);
    var now = new Date();
    for (var h = 1; h <= 24; h++) {
      var at = new Date(now.getTime() + h * 3600000);
      at.setMinutes(0, 0, 0);
      var opt = document.createElement('option');
      opt.value = at.toISOString();
      opt.textContent = at.toLocaleString(lang, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
      sel.appendChild(opt);
    }
    show(part('cb'), true);
    show($('[data-act="anyway"]'), s.open);
  }

  function open() {
    show(panel, true);
    if (call) return;
    show(part('end'), false);
    say(t('connecting'), 'checking');
    fetch(api, { credentials: 'omit' }).then(function (r) { return r.json(); }).then(function (s) {
      if (s.suggest_callback) offerCallback(s);
      else startCall();
    }).catch(function () { startCall(); });
  }

  part('cb').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target;
    var btn = $('[type="submit"]');
    if (btn.disabled) return;
    btn.disabled = true;
    var body = { number: f.n.value, token: token };
    if (f.w.value) body.due_at = f.w.value;
    fetch(api + '/callbacks', {
      method: 'POST', credentials: 'omit', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
    }).then(function (r) {
      btn.disabled = false;
      if (r.status === 201) { show(part('cb'), false); show(part('end'), true); say(t('cbDone'), 'callback_done'); }
      else say(t(r.status === 429 ? 'busy' : 'cbBad'), 'callback');
    }).catch(function () { btn.disabled = false; say(t('failed'), 'callback'); });
  });

  root.addEventListener('click', function (e) {
    var el = e.target.closest('button');
    if (!el) return;
    var act = el.getAttribute('data-act');
    if (act === 'open') { if (panel.hidden) open(); else if (!call) show(panel, false); openBtn.setAttribute('aria-expanded', String(!panel.hidden)); }
    else if (act === 'hangup') { send({ type: 'hang_up' }); finish(call, 'ended'); }
    else if (act === 'mute' && call && call.mic) {
      var on = call.mic.getAudioTracks()[0].enabled;
      call.mic.getAudioTracks().forEach(function (tr) { tr.enabled = !on; });
      el.textContent = t(on ? 'unmute' : 'mute');
      el.setAttribute('aria-pressed', String(on));
    } else if (act === 'keypad') {
      var k = part('keypad');
      show(k, k.hidden);
      el.setAttribute('aria-expanded', String(!k.hidden));
    } else if (act === 'again' || act === 'anyway') startCall();
    else if (act === 'close') { show(panel, false); openBtn.setAttribute('aria-expanded', 'false'); openBtn.focus(); }
    else if (el.hasAttribute('data-digit')) send({ type: 'digits', digits: el.getAttribute('data-digit') });
    else if (el.hasAttribute('data-score') && call) {
      send({ type: 'digits', digits: el.getAttribute('data-score') });
      call.rated = true;
      show(part('survey'), false);
      say(t('thanks'), 'rated');
    }
  });

  root.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !call && !panel.hidden) { show(panel, false); openBtn.setAttribute('aria-expanded', 'false'); openBtn.focus(); }
  });

  window.CCWidget = { setToken: function (tk) { token = tk || null; }, open: open };
  var attach = function () { document.body.appendChild(host); };
  if (document.body) attach(); else document.addEventListener('DOMContentLoaded', attach);
})();
