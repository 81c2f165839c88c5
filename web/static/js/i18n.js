// Words: every text a page shows comes from one catalogue per language, merged by
// the server from web/i18n/*.json (the templates read the same one). The page's
// language is the server's choice from the fuhua_lang cookie, written into
// <body data-lang>; setLanguage changes the cookie and reloads.

export const lang = document.body && document.body.dataset.lang === 'en' ? 'en' : 'zh';

const words = await fetch('/app/i18n/' + lang + '.json').then((r) => (r.ok ? r.json() : {}), () => ({}));

// t is the text of key with vars put into its {name} slots. A key the catalogue
// lacks shows as the key itself (web tests refuse pages that use one).
export function t(key, vars) {
  let s = Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key;
  if (vars) {
    for (const [k, v] of Object.entries(vars)) s = s.split('{' + k + '}').join(String(v));
  }
  return s;
}

// has says whether the catalogue holds key (for texts that are optional).
export function has(key) {
  return Object.prototype.hasOwnProperty.call(words, key) && words[key] !== '';
}

// setLanguage keeps l ('zh' or 'en') in the cookie for a year and reloads.
export function setLanguage(l) {
  document.cookie = 'fuhua_lang=' + (l === 'en' ? 'en' : 'zh') + '; path=/; max-age=31536000; samesite=lax';
  location.reload();
}

// msg is an API error's or notification's text in the page's language: objects
// carry zh and en (or message_zh and message_en).
export function msg(o) {
  if (!o) return '';
  if (lang === 'en') return o.en || o.message_en || o.zh || o.message_zh || '';
  return o.zh || o.message_zh || o.en || o.message_en || '';
}
