// Slots people give without being asked: a name next to an ID number, the unit they move to,
// how a title was obtained. Pure functions over the text; the flows decide what to do with them.

// The commonest surnames (single and double), enough to tell "王芳" from "注册进度".
const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";
const DOUBLE_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "夏侯", "长孙", "宇文", "司徒"];
// Words that are never part of a name typed next to a request.
const NOT_NAME = /[查办撤调转注册审核进度帮我你他她们的了吗呢吧啊哦嗯是在有要想请问一下好单位身份证号码验证密忘记账登录平台时间职称通过取得怎么填写哪里]/;
const EXPLICIT = /(?:我叫|名字是|名字叫|姓名是|姓名[:：]?|本人)\s*([\u4e00-\u9fa5·]{2,5})/;

const looksLikeName = (s: string): boolean =>
  /^[\u4e00-\u9fa5·]{2,4}$/.test(s) && (SURNAMES.includes(s[0]) || DOUBLE_SURNAMES.some((d) => s.startsWith(d))) && !NOT_NAME.test(s.slice(1));

/** A person's name in a message ("370481199202084527 王芳", "我叫王芳"), else null. */
export function findName(text: string): string | null {
  const t = text.normalize("NFKC");
  const explicit = t.match(EXPLICIT);
  if (explicit && looksLikeName(explicit[1].slice(0, 4))) return explicit[1].slice(0, 4);
  // Otherwise a separate piece of the message: between spaces, punctuation or digits.
  const pieces = t
    .split(/[\s\dXx,，。.、;；:：!！?？()（）"“”'‘’/-]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  return pieces.find(looksLikeName) ?? null;
}

/** The unit someone wants to move to: "从A单位调到B单位" → "B单位". */
export function findTargetUnit(text: string): string | null {
  // ID numbers and the rest of the message after a space are not part of the unit's name.
  const t = text.normalize("NFKC").replace(/\d{6,}[\dXx]?/g, " ");
  const m = t.match(
    /(?:调到|调往|调入|调去|转到|转入|转去|换到|去往|调至)\s*([\u4e00-\u9fa5A-Za-z0-9（）()]{2,40}?)(?:去|吧|了|呢|怎么办|怎么弄|怎么操作|怎么调|可以吗|行吗|[\s,，。.!！?？]|$)/,
  );
  if (!m) return null;
  const unit = m[1].replace(/^(新的?|别的)/, "");
  // "调到别的单位" / "调到新单位" name no unit.
  if (/^(单位|新单位|其他单位|别的单位|另一个单位|另外的单位|哪)/.test(unit) || [...unit].length < 2) return null;
  return unit;
}
