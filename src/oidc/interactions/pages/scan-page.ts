/**
 * "Scan with the mini-program" (issue 13 #3): the unlimited mini-program code carrying the ticket's
 * scene (`data-scene`), the ticket's state in words (`data-scan-status`), and a small script under the
 * page's CSP nonce that long-polls the state from our own origin (connect-src 'self') and, once the
 * phone confirmed, goes on to complete the sign-in. Without the script nothing completes, by design.
 */
import { escapeHtml, type PageShell } from '../../../pages/html.ts';
import type { PageLanguage } from '../../../pages/page-language.ts';
import { textFor, type ScanStatus } from './page-text.ts';

export interface ScanPage {
  readonly language: PageLanguage;
  readonly clientName: string;
  readonly scene: string;
  readonly image: { readonly contentType: string; readonly base64: string };
  readonly statusUrl: string;
  readonly completeUrl: string;
  /** A fresh code (a new ticket) for the same interaction. */
  readonly againHref: string;
  /** The sign-in page with every method. */
  readonly methodsHref: string;
}

// Plain ES5 in a string: it runs in every browser WeChat's users have, with no build step.
const SCRIPT = `(function () {
  var card = document.querySelector('[data-scan]');
  var line = document.getElementById('scan-status');
  var again = document.querySelector('[data-action="scan-again"]');
  var code = document.querySelector('img[data-scene]');
  var known = 'pending';
  var failures = 0;
  function show(status) {
    card.setAttribute('data-scan-status', status);
    line.textContent = line.getAttribute('data-text-' + status) || '';
    var over = status === 'rejected' || status === 'expired' || status === 'lost';
    again.hidden = !over;
    if (over || status === 'confirmed') code.className = 'qr spent';
  }
  function poll() {
    fetch(card.getAttribute('data-status-url') + '?known=' + known, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) return { status: 'lost' };
        return response.json();
      })
      .then(function (answer) {
        failures = 0;
        known = answer.status;
        show(known);
        if (known === 'confirmed') window.location.assign(card.getAttribute('data-complete-url'));
        else if (known === 'pending' || known === 'scanned') poll();
      }, function () {
        failures += 1;
        if (failures > 5) show('lost'); else setTimeout(poll, 2000);
      });
  }
  poll();
})();`;

export function scanPage(page: ScanPage): PageShell {
  const text = textFor(page.language);
  const statuses = (Object.keys(text.scanStatus) as ScanStatus[]).map((status) => `data-text-${status}="${escapeHtml(text.scanStatus[status])}"`).join(' ');
  return {
    language: page.language,
    title: text.scanTitle,
    body: `<div class="card" data-scan data-scan-status="pending" data-status-url="${escapeHtml(page.statusUrl)}" data-complete-url="${escapeHtml(page.completeUrl)}">
<h1>${escapeHtml(text.scanTitle)}</h1>
<p>${escapeHtml(text.scanLead(page.clientName))}</p>
<img class="qr" data-scene="${escapeHtml(page.scene)}" alt="${escapeHtml(text.scanImageAlt)}" src="data:${escapeHtml(page.image.contentType)};base64,${page.image.base64}">
<p class="status" id="scan-status" role="status" aria-live="polite" ${statuses}>${escapeHtml(text.scanStatus.pending)}</p>
<a class="method primary" data-action="scan-again" href="${escapeHtml(page.againHref)}" hidden>${escapeHtml(text.scanAgain)}</a>
<a class="method" data-action="other-methods" href="${escapeHtml(page.methodsHref)}">${escapeHtml(text.otherMethods)}</a>
</div>`,
    script: SCRIPT,
  };
}
