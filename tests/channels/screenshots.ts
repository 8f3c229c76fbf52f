// Screenshots the tests render themselves: a login page like the platform's, with one of its
// messages in red under the form (sharp's SVG input and the WenQuanYi font), and a phone photo
// of the same screen (turned a few degrees, lower contrast, JPEG). Nothing is read from disk
// but the font.
import sharp from "sharp";

export const FONT = "WenQuanYi Micro Hei";

/** The platform's login messages as the seeds give them, with the entry each one answers. */
export const SCREEN_MESSAGES: { message: string; topic: string }[] = [
  { message: "您的账号不存在，请核对是否输入有误!若未注册，可点此立即注册。", topic: "login.account-not-found" },
  { message: "密码错误请重新输入，若忘记登录密码，可点此找回密码。", topic: "login.wrong-password" },
  { message: "您选择的登录角色未注册，请选择正确的登录角色", topic: "login.wrong-role" },
  { message: "您的账号正在审核中，可点击查询审核部门", topic: "login.under-review" },
];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Splits a message into lines of at most `n` characters (how the page wraps it). */
function wrap(text: string, n: number): string[] {
  const c = [...text];
  const out: string[] = [];
  for (let i = 0; i < c.length; i += n) out.push(c.slice(i, i + n).join(""));
  return out;
}

/** A login page with `message` shown under the form (null: no message). */
export function loginPageSvg(message: string | null, opts: { role?: string } = {}): string {
  const lines = message ? wrap(message, 22) : [];
  const msg = lines.map((l, i) => `<text x="272" y="${336 + i * 22}" font-family="${FONT}" font-size="15" fill="#d9342b">${esc(l)}</text>`).join("");
  const role = opts.role ?? "专技人员";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600">
<rect width="900" height="600" fill="#eef3f8"/>
<rect x="0" y="0" width="900" height="70" fill="#1e5fa8"/>
<text x="30" y="45" font-family="${FONT}" font-size="26" fill="#ffffff">山东省专业技术人员继续教育公共服务平台</text>
<rect x="250" y="110" width="400" height="440" fill="#ffffff" stroke="#ccd6e0"/>
<text x="405" y="158" font-family="${FONT}" font-size="24" fill="#333333">用户登录</text>
<text x="290" y="195" font-family="${FONT}" font-size="15" fill="#1e5fa8">${esc(role)}</text>
<text x="420" y="195" font-family="${FONT}" font-size="15" fill="#666666">单位管理员</text>
<text x="540" y="195" font-family="${FONT}" font-size="15" fill="#666666">主管部门</text>
<rect x="270" y="215" width="360" height="38" fill="#ffffff" stroke="#bbbbbb"/>
<text x="282" y="240" font-family="${FONT}" font-size="15" fill="#999999">请输入身份证号</text>
<rect x="270" y="268" width="360" height="38" fill="#ffffff" stroke="#bbbbbb"/>
<text x="282" y="293" font-family="${FONT}" font-size="15" fill="#999999">请输入密码</text>
${msg}
<rect x="270" y="410" width="360" height="44" fill="#1e5fa8"/>
<text x="430" y="439" font-family="${FONT}" font-size="18" fill="#ffffff">登 录</text>
<text x="272" y="490" font-family="${FONT}" font-size="14" fill="#1e5fa8">忘记登录密码？</text>
<text x="560" y="490" font-family="${FONT}" font-size="14" fill="#1e5fa8">立即注册</text>
</svg>`;
}

/** The login page as a PNG screenshot. */
export async function screenshot(message: string | null): Promise<Buffer> {
  return sharp(Buffer.from(loginPageSvg(message)))
    .png()
    .toBuffer();
}

/** A phone photo of the screen: turned a few degrees, lower contrast, a little soft, JPEG. */
export async function phonePhoto(message: string, degrees = 4): Promise<Buffer> {
  const png = await screenshot(message);
  return sharp(png).rotate(degrees, { background: "#8a8f96" }).linear(0.6, 50).modulate({ brightness: 0.95 }).blur(0.6).jpeg({ quality: 70 }).toBuffer();
}

/** A picture with no text at all. */
export async function blankPicture(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 200, channels: 3, background: "#dde6ee" } })
    .png()
    .toBuffer();
}

export const dataUri = (bytes: Buffer, type = "image/png") => `data:${type};base64,${bytes.toString("base64")}`;
