import { esc } from './html.ts';

/**
 * The frame every connect page shares: one document language, a skip link, the page's main
 * landmark, and the inline style and script, both allowed by the response's CSP nonce only
 * (connect-account.ts sets the header).
 */
export function layout(p: { title: string; nonce: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(p.title)}</title>
<style nonce="${esc(p.nonce)}">${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<main id="main" tabindex="-1">
${p.body}
</main>
<script nonce="${esc(p.nonce)}">${SCRIPT}</script>
</body>
</html>
`;
}

/** Contrast at least 4.5:1 everywhere; focus always visible (a thick outline, never removed). */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:8px}
h1{font-size:1.5rem;margin:0 0 1rem}
a{color:#0550ae}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,main:focus-visible,[tabindex="-1"]:focus{outline:3px solid #0550ae;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
ul.integrations{list-style:none;padding:0;margin:0}
ul.integrations li{margin:0 0 .5rem}
ul.integrations a{display:block;padding:.75rem 1rem;border:1px solid #d0d7de;border-radius:6px;text-decoration:none;font-weight:600}
ul.integrations a:hover{background:#f6f8fa}
.category{display:block;font-weight:400;color:#57606a;font-size:.875rem}
fieldset{border:1px solid #d0d7de;border-radius:6px;padding:1rem;margin:0 0 1rem}
legend{font-weight:600;padding:0 .25rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600}
.help{margin:.25rem 0;color:#57606a;font-size:.875rem}
.field-error{margin:.25rem 0;color:#a40e26;font-weight:600}
input,select{width:100%;padding:.5rem;font:inherit;border:1px solid #6e7781;border-radius:6px}
input[aria-invalid="true"],select[aria-invalid="true"]{border:2px solid #a40e26}
button,.button{display:inline-block;padding:.625rem 1.25rem;font:inherit;font-weight:600;color:#fff;background:#1a7f37;border:0;border-radius:6px;cursor:pointer;text-decoration:none}
button.secondary{color:#1f2328;background:#eaeef2}
.error-summary{border:3px solid #a40e26;border-radius:6px;padding:1rem;margin:0 0 1rem}
.error-summary h2{font-size:1.125rem;margin:0 0 .5rem;color:#a40e26}
.actions{display:flex;gap:.75rem;align-items:center;flex-wrap:wrap}
`;

/**
 * Moves focus to the error summary (or the result's heading), and reports a result to whoever
 * opened the page the way the link SDK listens: to `window.opener` in popup mode, to the parent in
 * iframe mode, then follows the redirect when there is one (docs/connect.md, "Popup protocol").
 */
const SCRIPT = `(function(){
var f=document.getElementById('error-summary')||document.getElementById('result-heading');
if(f)f.focus();
var r=document.getElementById('connect-result');
if(r){var d=JSON.parse(r.textContent);
var target=window.opener&&window.opener!==window?window.opener:(window.parent!==window?window.parent:null);
if(target)target.postMessage(d.message,'*');
if(d.redirect)window.location.replace(d.redirect);}
var c=document.getElementById('cancel');
if(c)c.addEventListener('click',function(){if(window.parent!==window)window.parent.postMessage('closed','*');else window.close();});
})();`;
