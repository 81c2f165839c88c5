// Sign in and register. Registering signs in too; a new account is led to create
// its first profile (我的资料 with a prompt), anyone else goes back where they were.

import { get, post, signedIn, signIn, ApiError } from './api.js';
import { clearErrors, setupPage, showError } from './ui.js';

setupPage();

// next is where to go after signing in: only a path on this site, never another
// origin, so the link cannot be used to send someone elsewhere.
function next(fallback) {
  const n = new URLSearchParams(location.search).get('next') || '';
  return n.startsWith('/app/') && !n.startsWith('//') && !n.startsWith('/app/login') ? n : fallback;
}

// enter remembers the account of a sign-in or registration answer (registration
// answers with the account and sets the session cookie). A server that answered
// registration without signing in is asked to sign in.
async function enter(r, email, password) {
  let d = r.data || {};
  if (d.id && d.email && signedIn()) {
    signIn('', d);
    return;
  }
  if (!d.user && !d.token) {
    d = (await post('/auth/login', { email, password }, { noRedirect: true })).data;
  }
  let user = d.user;
  if (!user) user = (await get('/me', { noRedirect: true })).data;
  signIn(d.token, user);
}

function busy(form, on) {
  for (const b of form.querySelectorAll('button')) b.disabled = on;
}

const loginForm = document.getElementById('login-form');
loginForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(loginForm);
  busy(loginForm, true);
  const email = loginForm.email.value.trim();
  const password = loginForm.password.value;
  try {
    await enter(await post('/auth/login', { email, password }, { noRedirect: true }), email, password);
    location.assign(next('/app/me'));
  } catch (err) {
    showError(loginForm, err instanceof ApiError ? err : { zh: String(err) });
  } finally {
    busy(loginForm, false);
  }
});

const regForm = document.getElementById('register-form');
regForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(regForm);
  busy(regForm, true);
  const email = regForm.email.value.trim();
  const password = regForm.password.value;
  try {
    const r = await post('/auth/register', { email, password, name: regForm.name.value.trim(), role: regForm.role.value }, { noRedirect: true });
    await enter(r, email, password);
    location.assign('/app/me?welcome=1');
  } catch (err) {
    showError(regForm, err instanceof ApiError ? err : { zh: String(err) });
  } finally {
    busy(regForm, false);
  }
});

// The forms answer now (tests wait for this before typing).
document.body.dataset.ready = '1';
