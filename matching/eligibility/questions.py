"""The next questions worth asking a firm: the answers that settle the most money, phrased for a person.

A possibly-eligible measure waits on missing facts, undeclared declarations and
unconfirmed conditions (`CompiledCriteria.blocking` lists them). Asking for one of
them decides a measure when the answer fails it, or when the answer passes and it
was the measure's last open point. So a question is worth the money it is expected
to decide:

    expected_settled(q) = Σ over measures m waiting on q of
                          value(m) × (P(q fails m) + P(q passes m) × [q is m's only blocker])

The most common missing field is not necessarily the best question: a declaration
nearly everyone makes settles little unless it is the last thing a measure waits
for, while a revenue threshold half the firms miss settles half its money whatever
else is open. P(pass) comes from a `Prior`: the documented default the service uses, or
shares counted in a population of firms (`Prior.from_columns`, not yet wired into the
service: counting the stored firms on the match path would rebuild them after every write).

Simplifications, on purpose:

- Criteria are independent. Where one label appears in several criteria of a
  measure ("revenue ≥ 10 million" and "revenue ≤ 400 million") the answer passes
  the measure with the product of their pass probabilities; that understates the
  chance when the bounds are nested and overstates it when they are disjoint, and
  is the same for every question, so the order rarely moves.
- `blocking` reports leaves, not their structure: a blocker inside an `any_of` is
  counted as if failing it failed the measure, although another branch may still
  pass. Such alternatives are rare among open points (a branch that already passes
  removes the others), and counting them so only raises their question.
- A label in `already` is not asked again, but it still counts as open for the
  measures waiting on it: until the answer reaches the profile nobody knows it
  passes, so no money is counted as settled on its account.

Confirmations and per-scheme declarations hold for one measure or scheme only
(`FirmColumns.declared`), so each is its own question: one per scheme for
"not previously funded by X", one per measure for a hand-checked condition.
"""

import itertools
import math
import weakref
from collections.abc import Collection, Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from matching.eligibility import wording
from matching.eligibility.columnar import CompiledCriteria, FirmColumns
from matching.eligibility.rules import EPSILON
from matching.messages import MESSAGES
from policies.criteria import (
    AllOfCriterion,
    AnyOfCriterion,
    AttestationCriterion,
    Criterion,
    DesignationCriterion,
    FlagCriterion,
    IndustryCriterion,
    ManualCriterion,
    NumericCriterion,
    Op,
    RegionCriterion,
    SizeClassCriterion,
)
from policies.i18n import N_, OneLanguage
from policies.vocabulary import (
    DESIGNATION_NAMES_ZH,
    Attestation,
    Designation,
    FlagField,
    NumericField,
    SizeClass,
)

Answer = Literal["number", "money", "share", "yes_no", "date", "codes", "confirm", "declare"]


class NextQuestion(OneLanguage):
    """One question for the firm, with the measures it would help decide and the money it is expected to settle.

    `field` is the open point it settles, as `CompiledCriteria.blocking` names it, except
    that a hand-checked condition is named per measure, `confirmations.<id>@<MEASURE>`,
    since a confirmation holds for that measure only (the portal stores it as
    {measure, condition}); a per-scheme declaration keeps its `@<SCHEME>`.
    """

    field: str
    question_en: str
    question_zh: str
    answer: Answer
    measures: list[str]
    value_at_stake: int
    expected_settled: int


# ---------------------------------------------------------------------------------------------------------------
# The default prior. Every number is P(the answer passes the criterion) for a firm that has not said; where no
# statistic fits the firms that use a support portal, it is a judgement and says so.
# ---------------------------------------------------------------------------------------------------------------

# Numeric thresholds: 0.5, the least committal value. Catalogue bounds are set by policy makers to split
# applicants, not at any known quantile of SME distributions, so no field's distribution is documented well
# enough here to do better; `Prior.from_columns` would replace it with a population's share.
NUMERIC_PASS = 0.5
# Declarations of compliance (no violation, no accident, taxes paid, products not restricted, insurance paid):
# 0.9, a judgement. A firm that knows it cannot sign them rarely comes to a support portal at all, and the
# bureaus' own checks reject a small minority of applicants on these grounds.
DECLARATION_PASS = 0.9
ATTESTATION_PASS: dict[Attestation, float] = {
    Attestation.no_serious_violation_3y: DECLARATION_PASS,
    Attestation.no_major_accident_3y: DECLARATION_PASS,
    Attestation.tax_compliant: DECLARATION_PASS,
    Attestation.products_not_restricted: DECLARATION_PASS,
    Attestation.unemployment_insurance_paid: DECLARATION_PASS,
    # Judgement: firms registering on a Chinese portal are nearly all independent legal persons in China;
    # branches and sole proprietorships are the exception.
    Attestation.independent_legal_person: 0.95,
    # Judgement: "not previously funded by this scheme" fails for repeat applicants, a real minority in
    # annual schemes (about one in five).
    Attestation.not_previously_funded: 0.8,
}
# Hand-checked conditions (the project is on a list, passes due diligence, …): 0.5, a judgement; no firm data
# says how often a project is on a list, and the catalogue's conditions are written to be selective.
CONFIRMATION_PASS = 0.5
# Award dates ("first recognised in the 2026 batch") of a title the firm holds: 0.5, a judgement: titles are
# valid three years and batches are yearly, so a window of one or two batches catches about half the holders.
AWARD_DATE_PASS = 0.5
# Industry lists: 0.5, a judgement; a criterion's industries are usually broad (manufacturing, software) and the
# firms a measure is matched against are already those its text is about.
INDUSTRY_PASS = 0.5
# Share of each size class among Chinese enterprise legal persons, after the Fourth National Economic Census
# (国家统计局, 2018 data, published December 2019): medium 239 thousand, small 2.39 million, micro 15.44 million of
# about 18.1 million SMEs, which are 99.8% of enterprises. Rounded, and skewed to micro firms more than portal
# users are; `from_columns` would correct that from the firms on file.
SIZE_SHARE: dict[SizeClass, float] = {
    SizeClass.large: 0.002,
    SizeClass.medium: 0.013,
    SizeClass.small: 0.132,
    SizeClass.micro: 0.853,
}
# P(the flag is true). All judgements, with the reasoning:
FLAG_TRUE: dict[FlagField, float] = {
    # About 5,300 A-share listed companies against tens of millions of firms; few SMEs seeking support are listed.
    FlagField.listed: 0.02,
    # 规上 industrial firms are about half a million of several million industrial firms; portal users skew larger.
    FlagField.above_scale: 0.3,
    FlagField.has_rd_institution: 0.3,  # a minority of SMEs run a recognised R&D centre or lab
    # Firms above 5 million yuan of sales must register as general taxpayers; many smaller ones choose to.
    FlagField.general_vat_taxpayer: 0.5,
    FlagField.no_overdue_loans: 0.9,  # as compliance declarations: firms in arrears rarely apply
    FlagField.no_bad_credit_record: 0.9,
    FlagField.strategic_emerging: 0.3,  # a minority of SMEs make products in the strategic emerging catalogue
    FlagField.key_chain_role: 0.2,  # a stronger claim than strategic_emerging
    FlagField.own_brand: 0.5,
    # Most firms with R&D spend claim the super-deduction; those without have nothing to claim.
    FlagField.rd_super_deduction_claimed: 0.5,
    FlagField.led_standard: 0.3,  # a minority of SMEs have drafted a standard; 专精特新 firms more often
}
FLAG_TRUE_UNKNOWN = 0.5  # a flag added to the vocabulary after this table: no opinion
# Below this many firms that know a fact, a population share is too noisy to replace the default: with 30 firms
# a share's standard error is up to √(0.25/30) ≈ 0.09, about the gap between the judgements above.
MIN_KNOWN = 30

_NUMERIC_INDEX = {field: i for i, field in enumerate(NumericField)}
_FLAG_INDEX = {field: i for i, field in enumerate(FlagField)}
_DESIGNATION_INDEX = {designation: i for i, designation in enumerate(Designation)}
_SIZE_INDEX = {size: i for i, size in enumerate(SizeClass)}
_NO_DAY = float(2**31)

CacheKey = tuple[object, ...]


_DEFAULT: "Prior | None" = None


class Prior:
    """How likely a firm that has not answered is to pass a criterion.

    Built once per population (or once for the default) and shared across requests:
    shares are counted once per (field, operator, bound) and cached, so a million stored
    firms cost one vectorised pass per distinct bound, never a loop over firms.
    Declarations and confirmations always use the default: a population records who
    declared, not who could not, so its share would count the silent as failing.
    """

    def __init__(self, columns: FirmColumns | None = None, *, min_known: int = MIN_KNOWN) -> None:
        self._columns = columns
        self._min_known = min_known
        self._cache: dict[CacheKey, float | None] = {}
        self._by_node: weakref.WeakKeyDictionary[CompiledCriteria, npt.NDArray[np.float64]] = (
            weakref.WeakKeyDictionary())

    def p_nodes(self, compiled: CompiledCriteria) -> npt.NDArray[np.float64]:
        """`p_pass` of every labelled leaf of a compiled catalogue (1.0 elsewhere), computed once per catalogue."""
        found = self._by_node.get(compiled)
        if found is None:
            found = np.ones(compiled.n_nodes)
            for node in np.flatnonzero(compiled.labelled).tolist():
                found[node] = self.p_pass(compiled.node_criterion[node])
            self._by_node[compiled] = found
        return found

    @classmethod
    def default(cls) -> "Prior":
        """One shared instance: its per-catalogue numbers are computed once, not on every request."""
        global _DEFAULT
        if _DEFAULT is None:
            _DEFAULT = cls()
        return _DEFAULT

    @classmethod
    def from_columns(cls, columns: FirmColumns, *, min_known: int = MIN_KNOWN) -> "Prior":
        """Shares counted in a stored population, falling back to the default where under `min_known` firms know."""
        return cls(columns, min_known=min_known)

    def p_pass(self, criterion: Criterion) -> float:
        """P(a firm that answers passes this criterion)."""
        if isinstance(criterion, AllOfCriterion):
            return math.prod(self.p_pass(part) for part in criterion.criteria)
        if isinstance(criterion, AnyOfCriterion):
            return 1.0 - math.prod(1.0 - self.p_pass(part) for part in criterion.criteria)
        observed = self.observed(criterion)
        return observed if observed is not None else default_pass(criterion)

    def observed(self, criterion: Criterion) -> float | None:
        """Among stored firms that know the fact, the share that pass; None where fewer than `min_known` know it.

        For an award-date window the share is among holders that gave a date: only a
        holder can be waiting on one, so non-holders (who fail outright) would bias it.
        """
        if self._columns is None:
            return None
        key = _cache_key(criterion)
        if key is None:
            return None
        if key not in self._cache:
            self._cache[key] = self._count(criterion, self._columns)
        return self._cache[key]

    def _count(self, criterion: Criterion, columns: FirmColumns) -> float | None:
        known: npt.NDArray[np.bool_]
        ok: npt.NDArray[np.bool_]
        match criterion:
            case NumericCriterion():
                values = columns.numbers[:, _NUMERIC_INDEX[criterion.field]]
                known = ~np.isnan(values)
                ok = meets(values[known], criterion.op, criterion.low, criterion.high)
            case FlagCriterion():
                flags = columns.flags[:, _FLAG_INDEX[criterion.field]]
                known = flags >= 0
                ok = flags[known] == int(criterion.value)
            case SizeClassCriterion():
                known = columns.size >= 0
                allowed = np.zeros(len(SizeClass), dtype=bool)
                allowed[[_SIZE_INDEX[size] for size in criterion.classes]] = True
                ok = allowed[columns.size[known]]
            case IndustryCriterion():
                known = columns.has_industry
                wanted = [columns.prefix_vocab[code] for code in criterion.codes if code in columns.prefix_vocab]
                inside = np.isin(columns.prefix_ids[known], np.array(wanted, dtype=np.int64)).any(axis=1)
                ok = inside != criterion.exclude
            case DesignationCriterion():
                column = _DESIGNATION_INDEX[criterion.designation]
                held = columns.held[:, column]
                if criterion.awarded_from is None and criterion.awarded_to is None:
                    known = np.ones(columns.count, dtype=bool)
                    ok = held == criterion.held
                else:
                    # Only a holder can be waiting on its award date, so the share is among holders who gave one.
                    day = columns.awarded[:, column]
                    known = held & ~np.isnan(day)
                    low = -_NO_DAY if criterion.awarded_from is None else criterion.awarded_from.toordinal()
                    high = _NO_DAY if criterion.awarded_to is None else criterion.awarded_to.toordinal()
                    ok = (day[known] >= low) & (day[known] <= high)
            case _:
                return None
        count = int(np.count_nonzero(known))
        if count < self._min_known:
            return None
        return float(np.count_nonzero(ok)) / count


def meets(values: npt.NDArray[np.float64], op: Op, low: float | None, high: float | None) -> npt.NDArray[np.bool_]:
    """`rules.numeric_status` over an array of known values, with the same tolerance at inclusive bounds."""
    if op is Op.gt:
        return np.asarray(values > low + EPSILON * max(1.0, abs(low)), dtype=bool) if low is not None \
            else np.zeros(values.shape, dtype=bool)
    if op is Op.lt:
        return np.asarray(values < high - EPSILON * max(1.0, abs(high)), dtype=bool) if high is not None \
            else np.zeros(values.shape, dtype=bool)
    ok = np.ones(values.shape, dtype=bool)
    if low is not None:
        ok &= values >= low - EPSILON * max(1.0, abs(low))
    if high is not None:
        ok &= values <= high + EPSILON * max(1.0, abs(high))
    return ok


def _cache_key(criterion: Criterion) -> CacheKey | None:
    match criterion:
        case NumericCriterion():
            return ("numeric", criterion.field, criterion.op, criterion.low, criterion.high)
        case FlagCriterion():
            return ("flag", criterion.field, criterion.value)
        case SizeClassCriterion():
            return ("size", tuple(sorted(criterion.classes)))
        case IndustryCriterion():
            return ("industry", tuple(sorted(criterion.codes)), criterion.exclude)
        case DesignationCriterion():
            return ("designation", criterion.designation, criterion.held, criterion.awarded_from, criterion.awarded_to)
    return None


def default_pass(criterion: Criterion) -> float:
    """The documented prior for one criterion (see the constants above)."""
    match criterion:
        case NumericCriterion():
            return NUMERIC_PASS
        case FlagCriterion():
            true = FLAG_TRUE.get(criterion.field, FLAG_TRUE_UNKNOWN)
            return true if criterion.value else 1.0 - true
        case SizeClassCriterion():
            return min(1.0, sum(SIZE_SHARE.get(size, 0.0) for size in set(criterion.classes)))
        case IndustryCriterion():
            return INDUSTRY_PASS
        case DesignationCriterion():
            return AWARD_DATE_PASS
        case AttestationCriterion():
            return ATTESTATION_PASS.get(criterion.attestation, DECLARATION_PASS)
        case ManualCriterion():
            return CONFIRMATION_PASS
        case RegionCriterion():
            return 1.0  # never open: the region is always known
        case AllOfCriterion() | AnyOfCriterion():
            return Prior.default().p_pass(criterion)
    return 0.5


# ---------------------------------------------------------------------------------------------------------------
# Phrasing. Each numeric and yes/no field: (the question, the answer to collect); the question is said in Chinese
# from the catalogue. Derived fields ask for what they are derived from: nobody knows their "R&D ratio", everybody
# knows their R&D spend and revenue.
# ---------------------------------------------------------------------------------------------------------------

FIELD_QUESTIONS: dict[str, tuple[str, Answer]] = {
    "employees": (N_("How many people does the firm employ?"), "number"),
    "operating_revenue": (N_("What was the firm's operating revenue last year, in yuan?"), "money"),
    "total_assets": (N_("What are the firm's total assets, in yuan?"), "money"),
    "rd_expense": (N_("How much did the firm spend on R&D last year, in yuan?"), "money"),
    "rd_expense_prev": (N_("How much did the firm spend on R&D the year before last, in yuan?"), "money"),
    "rd_staff": (N_("How many of the firm's staff work in R&D?"), "number"),
    "invention_patents": (N_("How many granted invention patents does the firm own?"), "number"),
    "ip_class1": (N_("How many class-I IP items (invention patents, plant varieties, chip layout designs and the "
                     "like) does the firm own?"), "number"),
    "ip_class2": (N_("How many class-II IP items (utility models, design patents, software copyrights) does the firm "
                     "own?"), "number"),
    "main_business_share": (N_("What percentage of the firm's operating revenue came from its main business last "
                               "year?"), "share"),
    "revenue_growth": (N_("By what percentage did the firm's operating revenue grow last year?"), "share"),
    "revenue_growth_avg_2y": (N_("What was the firm's average yearly revenue growth over the last two years, in "
                                 "percent?"), "share"),
    "revenue_growth_prev": (N_("By what percentage did the firm's operating revenue grow the year before "
                               "last?"), "share"),
    "net_profit_margin": (N_("What was the firm's net profit margin last year, in percent?"), "share"),
    "debt_ratio": (N_("What is the firm's asset-liability ratio, in percent?"), "share"),
    "export_share": (N_("What percentage of the firm's revenue came from exports last year?"), "share"),
    "years_in_niche": (N_("For how many years has the firm worked in its niche market?"), "number"),
    "niche_market_share": (N_("What percentage of its niche market does the firm's main product hold?"), "share"),
    "new_equity_financing_2y": (N_("How much new equity financing has the firm raised in the last two years, in "
                                   "yuan?"), "money"),
    "planned_investment": (N_("How much does the firm plan to invest in the project, in yuan?"), "money"),
    "loan_need": (N_("How large a loan does the firm need, in yuan?"), "money"),
    "main_business_revenue": (N_("What was the firm's main-business revenue last year, in yuan?"), "money"),
    "main_business_revenue_avg_3y": (N_("What was the firm's average yearly main-business revenue over the last three "
                                        "years, in yuan?"), "money"),
    "main_business_revenue_max_3y": (N_("What was the firm's main-business revenue in its best year of the last "
                                        "three, in yuan?"), "money"),
    "niche_rank_china": (N_("Where does the firm's main product rank by market share in its niche in China "
                            "(1 = first)?"), "number"),
    "niche_rank_global": (N_("Where does the firm's main product rank by market share in its niche worldwide "
                             "(1 = first)?"), "number"),
    "development_score": (N_("What score (0–100) did the firm get in this year's 专精特新 development "
                             "evaluation?"), "number"),
    "high_tech_revenue_share": (N_("What percentage of the firm's total revenue last year came from high-tech "
                                   "products and services?"), "share"),
    "manufacturing_sales_share": (N_("What percentage of the firm's sales last year were of manufactured "
                                     "goods?"), "share"),
    "taxable_income": (N_("What was the firm's taxable income last year, in yuan (0 for a loss)?"), "money"),
    "output_growth": (N_("By what percentage did the firm's industrial output value grow last year?"), "share"),
    "output_growth_prev": (N_("By what percentage did the firm's industrial output value grow the year before "
                              "last?"), "share"),
    "layoff_rate": (N_("What percentage of its insured staff did the firm lay off last year?"), "share"),
    "insured_staff": (N_("How many of the firm's staff are covered by unemployment insurance through the "
                         "firm?"), "number"),
    "above_scale_year": (N_("In which year was the firm first counted among above-designated-size (规上) "
                            "enterprises?"), "number"),
    "mu_efficiency_grade": (N_("Which grade did the firm get in its latest per-mu efficiency (亩均效益) evaluation: A, B, "
                               "C or D?"), "number"),
    "digital_level": (N_("Which level (1–4) did the firm reach in the SME digitalisation level assessment?"), "number"),
    # Derived: ask what they are computed from.
    "age_years": (N_("On what date was the firm founded (registered)?"), "date"),
    "rd_ratio": (N_("What were the firm's R&D expense and its operating revenue last year, in yuan?"), "money"),
    "rd_ratio_prev": (N_("How much did the firm spend on R&D the year before last, in yuan, and by what percentage "
                         "did its revenue grow last year?"), "money"),
    "rd_expense_2y": (N_("How much did the firm spend on R&D in each of the last two years, in yuan?"), "money"),
    "rd_staff_ratio": (N_("How many staff does the firm have in all, and how many of them work in R&D?"), "number"),
    # Yes/no facts.
    "listed": (N_("Is the firm listed on a stock exchange?"), "yes_no"),
    "above_scale": (N_("Is the firm counted among above-designated-size (规上) enterprises?"), "yes_no"),
    "has_rd_institution": (N_("Does the firm run its own R&D institution, such as an R&D centre, lab or technology "
                              "centre?"), "yes_no"),
    "general_vat_taxpayer": (N_("Is the firm a general VAT taxpayer?"), "yes_no"),
    "no_overdue_loans": (N_("Is the firm repaying all its bank loans on time, with none overdue?"), "yes_no"),
    "no_bad_credit_record": (N_("Is the firm's credit record clean, with no bad record?"), "yes_no"),
    "strategic_emerging": (N_("Is the firm's main product in a strategic emerging industry?"), "yes_no"),
    "key_chain_role": (N_("Does the firm's main product fill a gap or strengthen a weak link in a key industrial "
                          "chain?"), "yes_no"),
    "own_brand": (N_("Does the firm sell under its own brand?"), "yes_no"),
    "rd_super_deduction_claimed": (N_("Did the firm claim the R&D expense super-deduction on last year's tax "
                                      "return?"), "yes_no"),
    "led_standard": (N_("Has the firm led or taken part in drafting a national, industry or group "
                        "standard?"), "yes_no"),
}

# Declarations, as a bureau asks the firm to sign them: "can the firm declare …".
ATTESTATION_QUESTIONS: dict[str, str] = {
    "no_serious_violation_3y": N_("Can the firm declare that it has committed no serious violation of law in the last "
                                  "three years and is not on the list of seriously dishonest entities?"),
    "no_major_accident_3y": N_("Can the firm declare that it has had no major safety, quality or environmental "
                               "accident in the last three years?"),
    "tax_compliant": N_("Can the firm declare that it pays its taxes in full, with no tax evasion?"),
    "products_not_restricted": N_("Can the firm declare that none of its products is in the eliminated or restricted "
                                  "categories of the industrial restructuring catalogue?"),
    "independent_legal_person": N_("Is the firm an independent legal person registered in mainland China?"),
    "not_previously_funded": N_("Can the firm declare that the project has not already been funded by the same "
                                "special fund?"),
    "unemployment_insurance_paid": N_("Can the firm declare that it has paid its unemployment insurance premiums in "
                                      "full?"),
}

# English names of the titles, to go with DESIGNATION_NAMES_ZH.
DESIGNATION_NAMES_EN: dict[str, str] = {
    "tech_sme": "a technology-based SME",
    "innovative_sme": "an innovative SME",
    "specialized_sme": "a specialised, refined, distinctive and innovative (专精特新) SME",
    "provincial_hidden_champion": "a provincial hidden champion",
    "little_giant": "a national 专精特新 “little giant”",
    "key_little_giant": "a key “little giant”",
    "single_champion": "a national manufacturing single champion",
    "provincial_single_champion": "a provincial manufacturing single champion",
    "high_tech_enterprise": "a high-tech enterprise",
    "provincial_rd_institution": "the holder of a provincial-level R&D institution",
    "national_rd_institution": "the holder of a national-level R&D institution",
    "science_tech_award": "the winner of a provincial or national science and technology award",
}
# Titles that are not "recognised as" the firm itself; asked in their own words.
_AWARD_QUESTIONS: dict[str, str] = {
    "provincial_rd_institution": N_("When was the firm's R&D institution recognised at provincial level or above?"),
    "national_rd_institution": N_("When was the firm's R&D institution recognised at national level?"),
    "science_tech_award": N_("When did the firm receive its provincial or national science and technology award?"),
}

INDUSTRIES_QUESTION = N_("Which industry is the firm's main business in (its GB/T 4754 code)?")
SIZE_QUESTION = N_("Which industry is the firm in, how many people does it employ, and what were its operating revenue "
                   "last year and its total assets, in yuan?")


def _title(titles: Mapping[str, tuple[str, str]] | None, code: str) -> tuple[str, str]:
    """A measure or scheme by its titles; by its code where the caller has none (a scheme outside the catalogue)."""
    return (titles or {}).get(code, (code, code))


def _sentence(text: str) -> str:
    return text.strip().rstrip(".。;；")


def phrase(label: str, criterion: Criterion | None = None, *, measure: str = "",
           titles: Mapping[str, tuple[str, str]] | None = None) -> tuple[str, str, Answer]:
    """The question that settles `label`, in English and Chinese, and the kind of answer to collect.

    Never fails: a field added to the vocabulary after the tables reads by its name, so a
    new catalogue criterion still gets a question, if a plainer one.
    """
    if label in FIELD_QUESTIONS:
        question, answer = FIELD_QUESTIONS[label]
        return (*MESSAGES.pair(question), answer)
    if label == "industries":
        return (*MESSAGES.pair(INDUSTRIES_QUESTION), "codes")
    if label == "size_class":
        return (*MESSAGES.pair(SIZE_QUESTION), "number")
    if label.startswith("attestations."):
        name, _, scheme = label.removeprefix("attestations.").partition("@")
        return (*_declaration(name, scheme, titles), "declare")
    if label.startswith("confirmations."):
        title_en, title_zh = _title(titles, measure)
        text = criterion.text if isinstance(criterion, ManualCriterion) else label.removeprefix("confirmations.")
        text_zh = criterion.text_zh if isinstance(criterion, ManualCriterion) and criterion.text_zh else text
        message = N_("“{title}” requires: {condition}. Does the firm meet this condition?")
        return (MESSAGES.say("en", message, title=title_en, condition=_sentence(text)),
                MESSAGES.say("zh", message, title=title_zh, condition=_sentence(text_zh)), "confirm")
    if label.startswith("designations."):
        name, _, rest = label.removeprefix("designations.").partition(".")
        return _designation(name, awarded=rest == "awarded")
    return _fallback(label)


def _declaration(name: str, scheme: str, titles: Mapping[str, tuple[str, str]] | None) -> tuple[str, str]:
    if scheme:
        title_en, title_zh = _title(titles, scheme)
        if name == Attestation.not_previously_funded:
            message = N_("Can the firm declare that it has not previously received funding from “{title}”?")
            return MESSAGES.say("en", message, title=title_en), MESSAGES.say("zh", message, title=title_zh)
        general_en, general_zh = _declaration(name, "", titles)
        message = N_("{question}, for “{title}”?")
        return (MESSAGES.say("en", message, question=general_en.rstrip("?"), title=title_en),
                MESSAGES.say("zh", message, question=general_zh.rstrip("？"), title=title_zh))
    if name in ATTESTATION_QUESTIONS:
        return MESSAGES.pair(ATTESTATION_QUESTIONS[name])
    plain = name.replace("_", " ")
    message = N_("Can the firm declare that it meets this requirement: {requirement}?")
    return (MESSAGES.say("en", message, requirement=plain),
            MESSAGES.say("zh", message, requirement=_from_wording("attestation_zh", plain, name)))


def _designation(name: str, *, awarded: bool) -> tuple[str, str, Answer]:
    try:
        name_zh = DESIGNATION_NAMES_ZH[Designation(name)]
    except ValueError:
        name_zh = name
    name_en = DESIGNATION_NAMES_EN.get(name, name.replace("_", " "))
    if not awarded:
        message = N_("Is the firm currently recognised as {title}?")
        return MESSAGES.say("en", message, title=name_en), MESSAGES.say("zh", message, title=name_zh), "yes_no"
    if name in _AWARD_QUESTIONS:
        return (*MESSAGES.pair(_AWARD_QUESTIONS[name]), "date")
    message = N_("On what date was the firm recognised as {title}?")
    return MESSAGES.say("en", message, title=name_en), MESSAGES.say("zh", message, title=name_zh), "date"


def _from_wording(function: str, default: str, *args: str) -> str:
    """What `wording.<function>(*args)` says, or `default`.

    `wording` is a colleague's module that keeps growing; a fallback question must not
    fail because it renamed or reshaped a helper, so anything but a string reads as absent.
    """
    try:
        found = getattr(wording, function)(*args)
    except Exception:  # a question in the field's raw name beats an error on the whole page
        return default
    return found if isinstance(found, str) and found else default


def _fallback(label: str) -> tuple[str, str, Answer]:
    """A field the tables do not know: asked by the names `wording` gives it (else its own name), in its unit."""
    plain = label.replace("_", " ")
    en, zh = _from_wording("field_name", plain, label, "en"), _from_wording("field_name", plain, label, "zh")
    answer: Answer = "number"
    if label in {flag.value for flag in FlagField}:
        message, answer = N_("Is this true of the firm: {name}?"), "yes_no"
    else:
        match _from_wording("unit_of", "number", label):
            case "yuan":
                message, answer = N_("What is the firm's {name}, in yuan?"), "money"
            case "share":
                message, answer = N_("What is the firm's {name}, in percent?"), "share"
            case "years":
                message = N_("How many years is the firm's {name}?")
            case _:
                message = N_("What is the firm's {name}?")
    return MESSAGES.say("en", message, name=en), MESSAGES.say("zh", message, name=zh), answer


# ---------------------------------------------------------------------------------------------------------------
# Choosing.
# ---------------------------------------------------------------------------------------------------------------


def _question_key(label: str, code: str) -> str:
    """Confirmations hold per measure, so each (condition, measure) is a question of its own."""
    return f"{label}@{code}" if label.startswith("confirmations.") else label


def _skipped(key: str, already: Collection[str]) -> bool:
    """Whether the firm or its question already answered it: a general declaration answers every scheme's,
    and a condition's id answers it for every measure."""
    return key in already or key.partition("@")[0] in already


def next_questions(pending: Mapping[str, Sequence[tuple[str, Criterion]]], values: Mapping[str, float],
                   prior: Prior, *, titles: Mapping[str, tuple[str, str]] | None = None, already: Collection[str] = (),
                   limit: int = 5) -> list[NextQuestion]:
    """The questions whose answers are expected to decide the most money, best first.

    Args:
        pending: measure code → its open points, as (label, criterion) pairs from `CompiledCriteria.blocking`.
        values: measure code → its value to the firm in yuan; a measure missing here is worth 0.
        prior: how likely each answer is to pass.
        titles: code → (English title, Chinese title), to name a measure or scheme in a question.
        already: labels the firm or its question already answered; not asked again.
        limit: how many questions at most.

    Ties go to the question with more value at stake, then to the one expected to decide more
    measures (so measures worth nothing still order sensibly), then by name.
    """
    # One pass over the open points, allocating little: on a large catalogue thousands of measures
    # wait, and every object made here is garbage for the collector to scan.
    tally: dict[str, _Tally] = {}
    for code, items in pending.items():
        value = max(0.0, float(values.get(code, 0.0)))
        if len(items) == 1:  # the common case: one open point, so any answer settles the measure
            label, criterion = items[0]
            _add(tally, _question_key(label, code), label, criterion, code, value, 1.0)
            continue
        keys = [_question_key(label, code) for label, _ in items]
        only = len(set(keys)) == 1
        for position, (key, (label, criterion)) in enumerate(zip(keys, items, strict=True)):
            if key in keys[:position]:
                continue  # this measure's other criteria on the same question are folded in below
            passes = math.prod(prior.p_pass(c) for k, (_, c) in zip(keys, items, strict=True) if k == key)
            _add(tally, key, label, criterion, code, value, (1.0 - passes) + (passes if only else 0.0))
    ranked = [(entry.money, entry.stake, entry.count, key) for key, entry in tally.items()
              if entry.count > 0 and not _skipped(key, already)]  # a question nothing hangs on is not asked
    ranked.sort(key=_rank)
    found: list[NextQuestion] = []
    for money, stake, _, key in ranked[:max(limit, 0)]:
        entry = tally[key]
        codes = sorted(entry.codes)
        en, zh, answer = phrase(entry.label, entry.first, measure=entry.first_code, titles=titles)
        found.append(NextQuestion(field=key, question_en=en, question_zh=zh, answer=answer, measures=codes,
                                  value_at_stake=round(stake), expected_settled=round(money)))
    return found


class _Tally:
    """What one question would settle, summed over the measures waiting on it."""

    __slots__ = ("codes", "count", "first", "first_code", "label", "money", "stake")

    def __init__(self, label: str, first: Criterion, first_code: str) -> None:
        self.label, self.first, self.first_code = label, first, first_code
        self.codes: list[str] = []
        self.money = self.stake = self.count = 0.0


def _add(tally: dict[str, _Tally], key: str, label: str, criterion: Criterion, code: str, value: float,
         settled: float) -> None:
    """Count one measure towards a question; `settled` is the chance asking decides it (1.0 for an only blocker)."""
    entry = tally.get(key)
    if entry is None:
        entry = tally[key] = _Tally(label, criterion, code)
    elif code < entry.first_code:  # the question names its first measure in code order, as before
        entry.first, entry.first_code = criterion, code
    entry.codes.append(code)
    entry.money += value * settled
    entry.stake += value
    entry.count += settled


def _rank(item: tuple[float, float, float, str]) -> tuple[float, float, float, str]:
    """Best first; sums are rounded to a thousandth of a yuan so the order of adding cannot reorder ties."""
    money, stake, count, key = item
    return (-round(money, 3), -round(stake, 3), -round(count, 9), key)


class NodeKeys:
    """Every labelled leaf's question in one compiled catalogue, numbered, computed once per catalogue."""

    __slots__ = ("ids", "names", "numbered", "shared")

    def __init__(self, compiled: CompiledCriteria) -> None:
        self.numbered: dict[str, int] = {}  # question → its number here
        self.ids = np.full(compiled.n_nodes, -1, dtype=np.int64)  # each node's question number, -1 for none
        for node in np.flatnonzero(compiled.labelled).tolist():
            key = _question_key(str(compiled.node_field[node]), compiled.codes[int(compiled.node_measure[node])])
            self.ids[node] = self.numbered.setdefault(key, len(self.numbered))
        self.names = list(self.numbered)
        # A field's question can wait in several catalogues (shards), so it has one number in all of them;
        # a condition's belongs to one measure, so to one catalogue, and has none (-1).
        self.shared = np.array([-1 if name.startswith("confirmations.") else _shared_number(name)
                                for name in self.names], dtype=np.int64)


# The shared numbering of field and declaration questions: one per field, declaration and scheme, so it
# grows with the schemes catalogues name, not with their measures or versions.
_SHARED: dict[str, int] = {}
_SHARED_NAMES: list[str] = []


def _shared_number(name: str) -> int:
    number = _SHARED.get(name)
    if number is None:
        number = _SHARED[name] = len(_SHARED_NAMES)
        _SHARED_NAMES.append(name)
    return number

_KEYS: weakref.WeakKeyDictionary[CompiledCriteria, NodeKeys] = weakref.WeakKeyDictionary()


def _node_keys(compiled: CompiledCriteria) -> NodeKeys:
    found = _KEYS.get(compiled)
    if found is None:
        found = _KEYS[compiled] = NodeKeys(compiled)
    return found


Blocking = tuple[CompiledCriteria, npt.NDArray[np.int64], npt.NDArray[np.int64]]


def next_questions_columnar(parts: Sequence[Blocking], values: npt.NDArray[np.float64], prior: Prior, *,
                            titles: Mapping[str, tuple[str, str]] | None = None, already: Collection[str] = (),
                            limit: int = 5) -> list[NextQuestion]:
    """`next_questions` over compiled catalogues, tallied with numpy: what match uses for thousands of measures.

    Args:
        parts: (compiled criteria, the open leaves as `CompiledCriteria.blocking_nodes` gives them, each
            compiled measure's position in `values`).
        values: each measure's value to the firm in yuan, by position.

    The choice is `next_questions`'s, which a property test holds this to. Questions stay
    numbers until the few asked are named: at 100,000 measures thousands of conditions wait.
    """
    rows: list[tuple[NodeKeys, npt.NDArray[np.intp], npt.NDArray[np.float64]]] = []  # per part with open leaves
    leaves: list[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.int64]]] = []  # part, open leaves, their keys
    for number, (compiled, nodes, positions) in enumerate(parts):
        if not len(nodes):
            continue
        numbering = _node_keys(compiled)
        keys, measures = numbering.ids[nodes], compiled.node_measure[nodes]
        width = len(numbering.names)
        # One sort groups the leaves by (measure, question); np.unique would sort twice more.
        combined = measures * width + keys
        order = np.argsort(combined, kind="stable")
        ordered = combined[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        pairs = ordered[starts]
        passes = np.multiply.reduceat(prior.p_nodes(compiled)[nodes][order], starts)
        pair_measure, pair_key = pairs // width, pairs % width
        only = np.bincount(pair_measure, minlength=compiled.n_measures)[pair_measure] == 1
        settled = (1.0 - passes) + np.where(only, passes, 0.0)
        worth = np.maximum(values[positions[pair_measure]], 0.0)
        present = np.flatnonzero(np.bincount(pair_key, minlength=width))
        sums = np.stack([np.bincount(pair_key, worth * settled, minlength=width),
                         np.bincount(pair_key, worth, minlength=width),
                         np.bincount(pair_key, settled, minlength=width)], axis=1)[present]
        rows.append((numbering, present, sums.astype(np.float64, copy=False)))
        leaves.append((number, nodes, keys))
    if not rows:
        return []
    # Shared questions are summed over the parts; a condition's question is one part's row as it stands.
    shared_id = np.concatenate([numbering.shared[present] for numbering, present, _ in rows])
    every = np.concatenate([sums for _, _, sums in rows])
    which = np.concatenate([np.full(len(present), i) for i, (_, present, _) in enumerate(rows)])
    local = np.concatenate([present for _, present, _ in rows])
    shared = shared_id >= 0
    merged, inverse = np.unique(shared_id[shared], return_inverse=True)
    own = np.flatnonzero(~shared)
    totals = np.zeros((len(merged) + len(own), 3))
    np.add.at(totals, inverse, every[shared])
    totals[len(merged):] = every[own]

    def name(index: int) -> str:
        if index < len(merged):
            return _SHARED_NAMES[int(merged[index])]
        row = int(own[index - len(merged)])
        return rows[int(which[row])][0].names[int(local[row])]

    rounded = np.column_stack([np.round(totals[:, 0], 3), np.round(totals[:, 1], 3), np.round(totals[:, 2], 9)])
    order = np.lexsort((-rounded[:, 2], -rounded[:, 1], -rounded[:, 0]))
    ranked = rounded[order]
    bounds = [0, *(np.flatnonzero(np.any(ranked[1:] != ranked[:-1], axis=1)) + 1).tolist(), len(order)]
    found: list[NextQuestion] = []
    for start, end in itertools.pairwise(bounds):  # equal sums are ordered by name, as `next_questions` does
        for index in sorted(order[start:end].tolist(), key=name):
            if len(found) >= max(limit, 0):
                return found
            key, (money, stake, count) = name(index), totals[index].tolist()
            if count <= 0 or _skipped(key, already):
                continue  # a question nothing hangs on, or one already answered, is not asked
            found.append(_asked(key, money, stake, parts, leaves, titles))
    return found


def _asked(key: str, money: float, stake: float, parts: Sequence[Blocking],
           leaves: list[tuple[int, npt.NDArray[np.int64], npt.NDArray[np.int64]]],
           titles: Mapping[str, tuple[str, str]] | None) -> NextQuestion:
    """One chosen question, phrased from its first measure (in code order) and naming every measure it settles."""
    first: dict[str, tuple[int, int]] = {}  # each waiting measure's code → (its first leaf, its part)
    for number, nodes, keys in leaves:
        compiled = parts[number][0]
        mine = nodes[keys == _node_keys(compiled).numbered.get(key, -1)]
        waiting, at = np.unique(compiled.node_measure[mine], return_index=True)  # leaves are in node order
        first.update((compiled.codes[measure], (node, number))
                     for measure, node in zip(waiting.tolist(), mine[at].tolist(), strict=True))
    codes = sorted(first)
    node, number = first[codes[0]]
    compiled = parts[number][0]
    en, zh, answer = phrase(str(compiled.node_field[node]), compiled.node_criterion[node], measure=codes[0],
                            titles=titles)
    return NextQuestion(field=key, question_en=en, question_zh=zh, answer=answer, measures=codes,
                        value_at_stake=round(stake), expected_settled=round(money))
