// The not-found page needs only the header.

import { setupPage } from './ui.js';

setupPage();
