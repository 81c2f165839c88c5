// Sign in and register. Registering signs in at once, so a new user lands on
// their profiles page ready to create one.

import { post, signIn, ApiError } from './api.js';
import { clearErrors, setupPage, showError } from './ui.js';

setupPage();

// next is where to go after signing in: only a path on this site, never another
// origin, so the link cannot be used to send someone elsewhere.
function next() {
  const n = new URLSearchParams(location.search).get('next') || '';
  return n.startsWith('/app/') && !n.startsWith('//') ? n : '/app/me';
}

async function login(email, password) {
  const r = await post('/auth/login', { email, password }, { noRedirect: true });
  signIn(r.data.token, r.data.user);
}

function busy(form, on) {
  for (const b of form.querySelectorAll('button')) b.disabled = on;
}

const loginForm = document.getElementById('login-form');
loginForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clearErrors(loginForm);
  busy(loginForm, true);
  try {
    await login(loginForm.email.value.trim(), loginForm.password.value);
    location.assign(next());
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
    await post('/auth/register', { email, password, name: regForm.name.value.trim(), role: regForm.role.value }, { noRedirect: true });
    await login(email, password);
    location.assign(next());
  } catch (err) {
    showError(regForm, err instanceof ApiError ? err : { zh: String(err) });
  } finally {
    busy(regForm, false);
  }
});
