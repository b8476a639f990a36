// The look of the simulated authorize pages: WeChat's grey and green, one card, readable on a phone and a
// desktop, visible keyboard focus, and colours that pass WCAG AA (WeChat's own #07C160 under white text
// does not, so the green is darker). Served inline under a CSP nonce; nothing is fetched.

export const PAGE_STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:#ededed;color:#191919;font:16px/1.5 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei","Helvetica Neue",Arial,sans-serif}
body.desktop{background:#2e2e2e}
.notice{margin:0;padding:8px 16px;background:#fff4e0;color:#5c3b00;font-size:13px;text-align:center}
main{max-width:420px;margin:24px auto;padding:28px 24px 20px;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08)}
body.desktop main{margin-top:48px}
.brand{display:flex;align-items:center;gap:12px;margin-bottom:20px}
.brand svg{flex:none}
h1{margin:0;font-size:21px;font-weight:600}
.app{display:flex;align-items:center;gap:14px;margin:0 0 16px}
.avatar{flex:none;display:flex;align-items:center;justify-content:center;width:52px;height:52px;border-radius:50%;background:#e3f2e9;color:#0a6b36;font-size:22px;font-weight:600}
.app p{margin:0;font-size:17px;font-weight:500}
.qr{display:flex;justify-content:center;margin:8px 0 12px}
.qr svg{width:176px;height:176px;padding:10px;border:1px solid #e1e1e1;border-radius:8px;background:#fff}
.hint{margin:4px 0 16px;color:#595959;font-size:14px}
.qr+.hint{text-align:center}
.scopes{margin:0 0 20px;padding:12px 16px;list-style:none;border-top:1px solid #ececec;border-bottom:1px solid #ececec;color:#333}
.scopes li::before{content:"• ";color:#0a7f3f;font-weight:700}
label{display:block;margin-bottom:6px;font-weight:600}
input[type=text]{width:100%;padding:11px 12px;border:1px solid #a8a8a8;border-radius:8px;font:inherit;color:inherit;background:#fff}
input[type=text]:focus,button:focus-visible,a:focus-visible{outline:3px solid #0a7f3f;outline-offset:2px}
.field-error{margin:-8px 0 16px;color:#b3261e;font-size:14px;font-weight:500}
button{display:block;width:100%;padding:12px;border:0;border-radius:8px;font:inherit;font-size:17px;font-weight:600;cursor:pointer}
button.primary{background:#0a7f3f;color:#fff}
button.primary:hover{background:#086b35}
button.secondary{margin-top:10px;background:#f2f2f2;color:#191919}
button.secondary:hover{background:#e6e6e6}
form{margin:0}
.returns{margin:16px 0 0;color:#595959;font-size:14px;text-align:center;overflow-wrap:anywhere}
.lang{display:block;margin-top:12px;color:#0a6b36;font-size:14px;text-align:center}
.error-code{display:inline-block;margin:4px 0 16px;padding:2px 10px;border-radius:6px;background:#fdecea;color:#8c1d18;font-weight:600}
.problem{margin:0 0 12px;font-size:17px;font-weight:500}
.next{margin:0;color:#454545}
`;
