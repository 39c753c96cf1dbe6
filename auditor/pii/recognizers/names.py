"""Person names the English NER model misses: cue phrases, titles, contact blocks, CJK names.

The small English spaCy model labels many non-English names as places or companies,
and cannot read Chinese or Japanese at all. These rules look for what *says* a name
follows: a title (Mr., Frau, Sra.), a naming phrase ("my name is", "Dear", "ich heiße",
"je m'appelle"), a verb of the order and message talk that follows a person ("... ordered",
"... schrieb", "... pidió"), the first line of a contact block, or, in Chinese and
Japanese, a common surname followed by an honorific (先生, 女士, さん, 様) or preceded
by a role (买家, 收件人, お名前).
A capitalised word alone is never enough.
"""

from __future__ import annotations

from auditor.pii.context import words
from auditor.pii.recognizers.base import Rule, RuleRecognizer

PERSON = "PERSON"

# Capitalised words that are never part of a name: sentence starters, address and company words.
NOT_NAME_WORDS = frozenset(
    words(
        "The This That These Those It Its We You He She They My Our Your His Her Their A An I Please "
        "Thanks Thank Hello Hi Dear Sir Madam Everyone Someone Nobody Mom Dad Here There What When Where "
        "Who Why How Yes No Not And But Or "
        # the seller domain's own nouns: "Seller Hub", "Customer Support", "Buyer Protection"
        "Seller Sellers Buyer Buyers Customer Customers Support Service Services Team Help Desk Hub "
        "Center Centre Store Shop Marketplace Account Order Orders Card Plan Fulfilment Fulfillment "
        "Protection Policy Program Programme Prime Premium Basic Pro Item Items Offer Offers Listing "
        "Listings Product Products Refund Refunds Return Returns Shipping Delivery Payment Payments "
        "Invoice "
        # titles: part of how a person is addressed, not of their name
        "Mr Mrs Ms Miss Mx Dr Prof Herr Frau Sr Sra Srta Mme Mlle Dott "
        # address and company words
        "Apt Apartment Suite Unit Street St Road Avenue Ave Box Inc Ltd LLC Corp Corporation Company "
        "Group GmbH University Club Phone Mobile Email Address"
    )
)
_STOP = "(?:" + "|".join(sorted(NOT_NAME_WORDS, key=len, reverse=True)) + r")\b"
# A Latin-script name: 1-4 capitalised words, initials ("D.") and lower-case particles allowed.
_CAP = rf"(?!{_STOP})\p{{Lu}}[\p{{Ll}}\p{{M}}'’\-]*\p{{Ll}}[\p{{Ll}}\p{{M}}'’\-]*"
_INITIAL = r"\p{Lu}\.?"
_PARTICLE = r"(?:van|von|de|da|di|del|der|den|le|la|dos|das|du|bin|al|ter|zu)"
NAME = (
    rf"(?:{_INITIAL}[ \t]+)?{_CAP}"
    rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+)?(?:{_CAP}|{_INITIAL}(?=[ \t]+\p{{Lu}}))){{0,3}}"
)

_TITLES = (
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Sr|Sra|Srta|Señor|Señora|Señorita|Dona|Doña|Mme|Mlle"
    r"|Monsieur|Madame|Sig|Sig\.ra|Signor|Signora|Dott|Dott\.ssa)"
)
_BEFORE = (
    # English
    r"(?:my name is|name is|name's|my name's|name:|names?[ \t]+are|named|called|call me|calls me|i am|i'm"
    r"|dear|hi|hello|hey|attn:?|attention:?|c/o|care of|contact|ask for|recipient:|customer:|buyer:"
    r"|consignee:?|signed|regards,|thanks,|cheers,|spoke to|speak to|son|daughter|wife|husband|partner"
    r"|mother|father|brother|sister|friend|colleague|last name\??|first name\??|full name:?|surname:?"
    # Spanish, German, French, Italian, Portuguese, Dutch
    r"|nombre:?|me llamo|se llama|apellido:?|estimado|estimada|hola"
    r"|mein name ist|ich bin|ich heiße|heißt|heisst|vorname:?|nachname:?|sehr geehrter|sehr geehrte|hallo"
    r"|je m'appelle|s'appelle|nom:?|prénom:?|cher|chère|bonjour"
    r"|mi chiamo|si chiama|cognome:?|gentile|caro|cara|ciao"
    r"|meu nome é|chamo-me|chama-se|sobrenome:?|prezado|prezada|olá"
    r"|mijn naam is|ik ben|ik heet|heet|beste"
    r"|sr\.?|sra\.?|cliente:|kunde:|kundin:|klant:"
    r"|destinatario:?|destinatário:?|empfänger:?|destinataire:?|ontvanger:?)"
)
_FULL_NAME = rf"{_CAP}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_CAP}){{1,3}}"  # first and last name at least
# "The buyer is ...", "O comprador é ...", "Der Käufer heißt ...".
_COPULA = r"(?:is|was|named|called|é|era|es|ist|heißt|heisst|est|è|se llama|chama-se)"
# Buyer and recipient words: followed by a capitalised word they name a product as often
# as a person ("Buyer Protection"), so they count only before a full name.
_ROLE = (
    r"(?:buyer|customer|recipient|client|cliente|clienta|comprador|compradora|destinatario|destinataria"
    r"|käufer|käuferin|kunde|kundin|empfänger|empfängerin|acheteur|acheteuse|destinataire"
    r"|acquirente|destinatário)"
)
# Verbs of message and order talk that follow the person doing them, per language.
_AFTER = (
    r"(?:said|says|asked|replied|wrote|emailed|ordered|paid|bought|returned|complained|signed for"
    r"|sagte|schrieb|fragte|bestellte|bezahlte|kaufte|hat bestellt|hat geschrieben"
    r"|dijo|escribió|preguntó|pidió|pagó|compró|devolvió"
    r"|a dit|a écrit|a demandé|a commandé|a payé|a acheté"
    r"|ha detto|ha scritto|ha chiesto|ha ordinato|ha pagato|ha comprato"
    r"|disse|escreveu|perguntou|pediu|pagou|comprou|devolveu"
    r"|zei|schreef|vroeg|bestelde|betaalde)"
)


# The first line of a contact block or letterhead: "Jane Doe\nAcme Ltd\n...".
_BLOCK_NAME = rf"{_CAP}(?:[ \t]+{_INITIAL})?(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_CAP}){{1,2}}"
_BLOCK_HEAD = rf"(?m)(?:^|(?<=\n))[ \t>]*(?P<name>{_BLOCK_NAME})[ \t]*(?=\n(?:[ \t>]*\n)?[ \t>]*\S)"


def latin_name_recognizer() -> RuleRecognizer:
    """Latin-script names after a title or a naming phrase, or heading a contact block."""
    return RuleRecognizer(
        "NameCueRecognizer",
        [
            Rule("title", PERSON, rf"(?<!\w){_TITLES}\.?[ \t]+(?P<name>{NAME})", 0.85, group="name"),
            Rule(
                "cue_before",
                PERSON,
                rf"(?<!\w)(?i:{_BEFORE})[ \t]+(?:{_TITLES}\.?[ \t]+)?(?P<name>{NAME})",
                0.8,
                group="name",
            ),
            Rule(
                "role",
                PERSON,
                rf"(?<!\w)(?i:{_ROLE})(?:,|[ \t]+(?i:{_COPULA}))?[ \t]+(?P<name>{_FULL_NAME})",
                0.75,
                group="name",
            ),
            Rule("cue_after", PERSON, rf"(?<![\w-])(?P<name>{NAME})[ \t]+{_AFTER}(?!\w)", 0.6, group="name"),
            Rule("block_head", PERSON, _BLOCK_HEAD, 0.55, group="name"),
        ],
    )


# The most common Chinese surnames (covering most of the population), compound ones first.
_CN_SURNAMES = words(
    "欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 司徒 夏侯 "
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 "
    "郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 "
    "余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 "
    "石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 "
    "龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 "
    "陳 張 劉 楊 黃 趙 吳 孫 鄭 許"
)
# The most common Japanese surnames.
_JP_SURNAMES = words(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 山本 中村 小林 加藤 吉田 "
    "山田 佐々木 山口 松本 井上 木村 林 斎藤 斉藤 清水 山崎 森 "
    "池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 "
    "藤田 後藤 近藤 村上 遠藤 青木 坂本 福田 太田 西村 藤井 金子 "
    "岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 田村 中山 和田 "
    "石田 森田 上田 原 柴田 酒井 工藤 横山 宮崎 宮本 内田 高木 "
    "安藤 島田 谷口 大野 高田 丸山 今井 河野 藤本 村田 武田 上野 "
    "杉山 増田 小山 大塚 平野 菅原 久保 松井 千葉 岩崎 桜井 木下 "
    "野口 松尾 菊地 野村 新井 渡部"
)

_CN_SURNAME = "(?:" + "|".join(sorted(_CN_SURNAMES, key=len, reverse=True)) + ")"
# Surnames that are also everyday words ("买家向承运商申请" = the buyer applies *to* the
# carrier; 马上 = at once): after a role word or before a verb they are read as words.
_CN_AMBIGUOUS = frozenset(words("向 于 马 万 方 高 白"))
_CN_SURNAME_STRICT = "(?:" + "|".join(sorted(set(_CN_SURNAMES) - _CN_AMBIGUOUS, key=len, reverse=True)) + ")"
_JP_SURNAME = "(?:" + "|".join(sorted(_JP_SURNAMES, key=len, reverse=True)) + ")"
# A given-name character: any Han character except the particles and verbs that follow names.
_CN_NOT_GIVEN = "的说在已于和与是把被给向对跟请您你我他她们了吗呢吧先女老同经师阿总电手地号"
_CN_GIVEN = rf"[\p{{Han}}--[{_CN_NOT_GIVEN}]]"
_CN_HONORIFIC = r"(?:先生|女士|小姐|老师|同学|经理|师傅|阿姨|总)"
_CN_ROLE = (
    r"(?:买家|卖家|客户|顾客|收件人|收货人|联系人|寄件人"
    r"|发件人|用户|姓名|名字|叫|致|会员|店主|由)"
)
# Verbs that follow a person in order and delivery talk: "王建国签收" (signed for by ...).
_CN_AFTER = r"(?:签收|下单|购买|收货|寄出|投诉|评价|留言|表示|说)"
_JP_HONORIFIC = r"(?:さん|様|さま|先生|くん|君|ちゃん|氏|殿)"
_JP_LABEL = r"(?:氏名|お名前|名前|宛名|担当者?|ご担当|受取人|お届け先|購入者)"
_KANA = r"[\p{Hiragana}\p{Katakana}ー]"


_JP_GIVEN = rf"(?:[ 　]?\p{{Han}}{{1,2}}|[ 　]?{_KANA}{{2,5}})"
_ZH_BY_HONORIFIC = rf"(?P<name>{_CN_SURNAME}\p{{Han}}{{0,2}}?)(?={_CN_HONORIFIC})"
_ZH_BY_ROLE = rf"(?<={_CN_ROLE}[:：]?[ 　]?)(?P<name>{_CN_SURNAME_STRICT}{_CN_GIVEN}{{1,2}})"
_ZH_BY_VERB = rf"(?P<name>{_CN_SURNAME_STRICT}{_CN_GIVEN}{{1,2}})(?={_CN_AFTER})"
_JA_BY_HONORIFIC = rf"(?P<name>{_JP_SURNAME}{_JP_GIVEN}??)(?={_JP_HONORIFIC})"
_JA_BY_LABEL = rf"(?<={_JP_LABEL}[:：]?[ 　]?)(?P<name>{_JP_SURNAME}{_JP_GIVEN}?)"


def cjk_name_recognizer() -> RuleRecognizer:
    """Chinese and Japanese names: a common surname plus an honorific or a role word."""
    return RuleRecognizer(
        "CjkNameRecognizer",
        [
            Rule("zh_honorific", PERSON, _ZH_BY_HONORIFIC, 0.8, group="name"),
            Rule("zh_role", PERSON, _ZH_BY_ROLE, 0.75, group="name"),
            Rule("zh_verb", PERSON, _ZH_BY_VERB, 0.6, group="name"),
            Rule("ja_honorific", PERSON, _JA_BY_HONORIFIC, 0.8, group="name"),
            Rule("ja_label", PERSON, _JA_BY_LABEL, 0.75, group="name"),
        ],
    )
