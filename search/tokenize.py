"""The one tokenizer behind the whoosh index, the exported shards and the browser.

No word segmentation: segmenters lose names (博物/业). A Chinese run becomes its characters
and character bigrams; a name also gets its pinyin at syllable boundaries, full and initials,
as syllable unigrams and bigrams; a run with digits (codes, house numbers) becomes one
``n:`` term, and a credit code also all its prefixes. The browser (static/search.js) runs
the query half of this file: same normalisation, same pinyin segmentation (the syllable list
travels in the manifest), same terms, same plan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

# Field kinds: how a field is tokenized and what a match in it weighs. A document's weight for
# a term is the sum over its fields containing the term, in whoosh and in the browser alike.
FIELD_WEIGHTS = {
    "name": 10, "former": 6, "code": 8, "legal_rep": 6, "title": 8, "street": 4, "address": 3,
    "company": 2, "district": 2, "text": 1, "exact": 50,
}
PINYIN_FIELDS = frozenset({"name", "former", "legal_rep", "title", "street"})
EXACT_PREFIX = "="
NUMBER_PREFIX = "n:"
PINYIN_PREFIX = "p:"
# A term held by more than this share of documents (and more than FREQUENT_MIN of them) is
# "frequent": when a query has rarer terms too, it is dropped from the plan, so the browser
# never downloads a posting list of half the province to answer "恒信物业".
FREQUENT_RATIO = 0.02
FREQUENT_MIN = 200

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"([{_HAN}]+)|([a-z0-9]+)")

# Readings the general dictionary gets wrong for this city's place names, and surnames read
# differently from the common word (only the first character of a person's name).
PHRASES = {
    "西小召": ("xi", "xiao", "zhao"), "补隆淖": ("bu", "long", "nao"), "乌加河": ("wu", "jia", "he"),
    "巴音宝力格": ("ba", "yin", "bao", "li", "ge"), "潮格温都尔": ("chao", "ge", "wen", "du", "er"),
    "巴彦高勒": ("ba", "yan", "gao", "le"), "陕坝": ("shan", "ba"), "磴口": ("deng", "kou"),
    "乌拉特": ("wu", "la", "te"), "巴彦淖尔": ("ba", "yan", "nao", "er"), "银行": ("yin", "hang"),
}
SURNAMES = {"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
            "乐": "yue", "盖": "ge", "覃": "qin", "翟": "zhai", "缪": "miao", "尉": "yu", "召": "shao"}

_SYLLABLE_TEXT = (
    "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce "
    "cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun "
    "chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dian diao die ding diu dong "
    "dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen "
    "geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hm hong hou hu hua "
    "huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang "
    "kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian "
    "liang liao lie lin ling liu lo long lou lu luan lun luo lv lve m ma mai man mang mao me mei men meng mi "
    "mian miao mie min ming miu mo mou mu n na nai nan nang nao ne nei nen neng ng ni nian niang niao nie nin "
    "ning niu nong nou nu nuan nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping "
    "po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong "
    "rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng "
    "shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao "
    "te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian "
    "xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue "
    "yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu "
    "zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo"
)
SYLLABLES = tuple(_SYLLABLE_TEXT.split(" "))
_SYLLABLE_SET = frozenset(SYLLABLES)
_LONGEST = max(len(s) for s in SYLLABLES)


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case, on both the index and the query side."""
    return unicodedata.normalize("NFKC", text).lower()


def exact_key(text: str) -> str:
    """The whole value as one term: normalised, with spaces and punctuation dropped."""
    return EXACT_PREFIX + "".join(m.group(0) for m in _RUNS.finditer(normalize(text)))


@cache
def _dictionaries() -> tuple[dict[str, list[list[str]]], dict[int, str], int]:
    """pypinyin's phrase and character dictionaries, and the longest phrase's length; read at
    the first name turned into pinyin, not at import (0.2 s): a build whose documents all
    have kept terms needs none."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    return phrases_dict, pinyin_dict, max(len(p) for p in (*phrases_dict, *PHRASES))


@lru_cache(maxsize=1 << 12)
def _plain(marked: str) -> str:
    """"lǜ" → "lv": tone marks off, ü written v as people type it."""
    decomposed = unicodedata.normalize("NFKD", marked).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def han_pinyin(run: str, person: bool = False) -> tuple[str, ...]:
    """One syllable per character of a run of Chinese characters ("" where none is known).

    Longest phrase first from pypinyin's phrase dictionary (and PHRASES), else each
    character's first reading: what pypinyin's lazy_pinyin does, read straight from its
    dictionaries, since lazy_pinyin itself takes about a millisecond a name. Cached because a
    province repeats its estate names, streets and people's names thousands of times."""
    phrases, characters, longest = _dictionaries()
    out: list[str] = []
    i = 0
    while i < len(run):
        for length in range(min(longest, len(run) - i), 1, -1):
            piece = run[i:i + length]
            reading = PHRASES.get(piece)
            if reading is None and piece in phrases:
                reading = tuple(_plain(r[0]) for r in phrases[piece])
            if reading is not None and len(reading) == length:
                out += reading
                i += length
                break
        else:
            marked = characters.get(ord(run[i]))
            out.append(_plain(marked.split(",")[0]) if marked else "")
            i += 1
    if person and run and run[0] in SURNAMES:
        out[0] = SURNAMES[run[0]]
    return tuple(s if s in _SYLLABLE_SET else "" for s in out)


def _pinyin_terms(syllables: tuple[str, ...]) -> set[str]:
    # Whole syllables alone ("heng") and any pair of adjacent syllables, each whole or as its
    # initial (heng.xin, h.x, heng.x, h.xin). A lone initial is no term: one typed letter
    # matches half the province and is not a search.
    terms: set[str] = {PINYIN_PREFIX + s for s in syllables if s}
    forms = [(s, s[0]) if s else () for s in syllables]
    for i, here in enumerate(forms):
        if i + 1 < len(forms):
            terms.update(f"{PINYIN_PREFIX}{a}.{b}" for a in here for b in forms[i + 1])
    return terms


@lru_cache(maxsize=1 << 12)
def field_terms(kind: str, value: str) -> frozenset[str]:
    """Every term one field value contributes to the index (cached: streets, districts and
    company names repeat across tens of thousands of documents; a small cache keeps those,
    while the many values seen once pass through: a cache of 131,072 entries held several
    hundred MB at province scale)."""
    if not value:
        return frozenset()
    if kind == "exact":
        key = exact_key(value)
        return frozenset({key} if len(key) > 1 else ())
    text = normalize(value)
    terms: set[str] = set()
    if kind == "code":
        code = "".join(m.group(0) for m in _RUNS.finditer(text))
        terms.update(NUMBER_PREFIX + code[:k] for k in range(2, len(code) + 1))
        return frozenset(terms)
    for match in _RUNS.finditer(text):
        han, other = match.groups()
        if han:
            if kind in PINYIN_FIELDS or len(han) == 1:
                # Single characters only where a one-character query makes sense: names,
                # people, titles and streets, not every character of every address.
                terms.update(han)
            terms.update(han[i:i + 2] for i in range(len(han) - 1))
            if kind in PINYIN_FIELDS:
                terms |= _pinyin_terms(han_pinyin(han, person=kind == "legal_rep"))
        elif any(c.isdigit() for c in other):
            terms.add(NUMBER_PREFIX + other)
    return frozenset(terms)


def segment_letters(letters: str) -> list[str]:
    """Split typed Latin letters into pinyin units: whole syllables, or single letters taken as
    initials ("hxwy" → h x w y; "hengxin" → heng xin). Fewest units wins; on a tie, the longer
    unit first. The browser runs the same dynamic programme."""
    n = len(letters)
    best = [0] * (n + 1)
    step = [1] * (n + 1)
    for i in range(n - 1, -1, -1):
        best[i] = n + 1
        for length in range(min(_LONGEST, n - i), 0, -1):
            if (length == 1 or letters[i:i + length] in _SYLLABLE_SET) and 1 + best[i + length] < best[i]:
                best[i], step[i] = 1 + best[i + length], length
    units, i = [], 0
    while i < n:
        units.append(letters[i:i + step[i]])
        i += step[i]
    return units


@dataclass(frozen=True)
class QueryTerms:
    # Readings of the query, each a set of terms that must all match: typed letters read as
    # pinyin syllables where they can be, and, when that differs, as initials only ("hmwy" is
    # 和美物业, not the interjection hm). A document scores its best reading.
    readings: tuple[tuple[str, ...], ...]
    exact: str  # an optional bonus term: the whole query equals a name, code or person
    code: str  # the query as an 18-character credit code candidate, upper case, or ""

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for reading in self.readings for t in reading))


def _reading(text: str, initials_only: bool) -> tuple[str, ...]:
    terms: list[str] = []
    pending: list[str] = []  # pinyin units of adjacent letter runs ("heng xin" reads as "hengxin")

    def flush() -> None:
        if len(pending) == 1:
            terms.append(PINYIN_PREFIX + pending[0])
        terms.extend(f"{PINYIN_PREFIX}{a}.{b}" for a, b in pairwise(pending))
        pending.clear()

    for match in _RUNS.finditer(text):
        han, other = match.groups()
        if han:
            flush()
            terms.extend([han] if len(han) == 1 else [han[i:i + 2] for i in range(len(han) - 1)])
        elif any(c.isdigit() for c in other):
            flush()
            terms.append(NUMBER_PREFIX + other)
        else:
            pending.extend(list(other) if initials_only else segment_letters(other))
    flush()
    return tuple(dict.fromkeys(terms))


def query_terms(query: str) -> QueryTerms:
    text = normalize(query)
    readings = [_reading(text, initials_only=False)]
    letters = [m.group(2) for m in _RUNS.finditer(text) if m.group(2) and not any(c.isdigit() for c in m.group(2))]
    if any(len(unit) == 1 for run in letters for unit in segment_letters(run)):
        initials = _reading(text, initials_only=True)
        if initials != readings[0]:
            readings.append(initials)
    compact = "".join(m.group(0) for m in _RUNS.finditer(text))
    code = compact.upper() if len(compact) == 18 and any(c.isdigit() for c in compact) else ""
    if not readings[0]:
        return QueryTerms((), "", code)
    return QueryTerms(tuple(readings), exact_key(query), code)


def frequent_cap(doc_count: int) -> int:
    return max(FREQUENT_MIN, int(doc_count * FREQUENT_RATIO))


def plan(terms: tuple[str, ...], document_frequency: dict[str, int], cap: int) -> tuple[str, ...]:
    """The terms actually required: frequent ones are dropped when a rarer one remains."""
    rare = tuple(t for t in terms if document_frequency.get(t, 0) <= cap)
    return rare if rare else terms


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over UTF-8: the shard of a term, computed the same way in the browser."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value
