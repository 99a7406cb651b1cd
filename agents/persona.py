"""Personas: who an agent is.

A persona follows the FPS set-up (a US first name, an age, one of nine education levels and
the Big Five described by one adjective per dimension) and adds gender, occupation and the
Big Five as numbers in [0, 1], so that a rule-based surrogate can read traits as numbers while
a language model reads the adjectives.

Personas are generated reproducibly from a seed or loaded from a CSV/JSONL file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

EDUCATION_LEVELS: tuple[str, ...] = (
    "none",
    "primary",
    "middle_school",
    "high_school",
    "associate",
    "bachelor",
    "master",
    "phd",
    "professional_certificate",
)
"""The nine FPS education levels, in the order used for generation."""

# How much formal training in weighing evidence each level brings, in [0, 1]. A professional
# certificate sits with an associate degree: vocational training, not academic method.
EDUCATION_SCORE: dict[str, float] = {
    "none": 0.0,
    "primary": 1 / 7,
    "middle_school": 2 / 7,
    "high_school": 3 / 7,
    "associate": 4 / 7,
    "professional_certificate": 4 / 7,
    "bachelor": 5 / 7,
    "master": 6 / 7,
    "phd": 1.0,
}

EDUCATION_LABEL: dict[str, str] = {
    "none": "no formal education",
    "primary": "primary school",
    "middle_school": "middle school",
    "high_school": "high school",
    "associate": "an associate degree",
    "bachelor": "a bachelor's degree",
    "master": "a master's degree",
    "phd": "a PhD",
    "professional_certificate": "a professional certificate",
}

# Rough shares of US adults by highest level (the FPS code draws uniformly; a population
# that is mostly PhDs is not what users model).
_EDUCATION_WEIGHTS = np.array([0.02, 0.03, 0.05, 0.27, 0.10, 0.23, 0.10, 0.03, 0.17])

TRAITS: tuple[str, ...] = (
    "agreeableness",
    "conscientiousness",
    "extraversion",
    "emotional_stability",
    "openness",
)
"""The Big Five dimensions as FPS names them (openness means openness/intellect)."""

# One adjective per dimension, from the high (>= 0.5) or the low end.
TRAIT_ADJECTIVES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "agreeableness": (
        ("cold", "critical", "stubborn", "suspicious", "blunt"),
        ("warm", "trusting", "cooperative", "kind", "accommodating"),
    ),
    "conscientiousness": (
        ("careless", "impulsive", "disorganised", "hasty", "easy-going"),
        ("careful", "thorough", "disciplined", "methodical", "diligent"),
    ),
    "extraversion": (
        ("reserved", "quiet", "withdrawn", "private", "shy"),
        ("outgoing", "talkative", "energetic", "sociable", "assertive"),
    ),
    "emotional_stability": (
        ("anxious", "moody", "easily alarmed", "tense", "insecure"),
        ("calm", "composed", "even-tempered", "relaxed", "secure"),
    ),
    "openness": (
        ("conventional", "incurious", "set in their ways", "literal-minded", "unreflective"),
        ("curious", "imaginative", "reflective", "analytical", "open-minded"),
    ),
}

_FEMALE_NAMES = [
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Lisa",
    "Nancy",
    "Betty",
    "Sandra",
    "Margaret",
    "Ashley",
    "Kimberly",
    "Emily",
    "Donna",
    "Michelle",
    "Carol",
    "Amanda",
    "Melissa",
    "Deborah",
    "Stephanie",
    "Rebecca",
    "Laura",
    "Sharon",
    "Cynthia",
    "Kathleen",
    "Amy",
    "Angela",
    "Shirley",
    "Brenda",
    "Emma",
    "Anna",
    "Pamela",
    "Nicole",
    "Samantha",
    "Katherine",
    "Christine",
    "Helen",
    "Debra",
    "Rachel",
    "Carolyn",
    "Janet",
    "Maria",
    "Olivia",
    "Heather",
    "Diane",
]
_MALE_NAMES = [
    "James",
    "Robert",
    "John",
    "Michael",
    "David",
    "William",
    "Richard",
    "Joseph",
    "Thomas",
    "Christopher",
    "Charles",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Donald",
    "Steven",
    "Andrew",
    "Paul",
    "Joshua",
    "Kenneth",
    "Kevin",
    "Brian",
    "George",
    "Timothy",
    "Ronald",
    "Jason",
    "Edward",
    "Jeffrey",
    "Ryan",
    "Jacob",
    "Gary",
    "Nicholas",
    "Eric",
    "Jonathan",
    "Stephen",
    "Larry",
    "Justin",
    "Scott",
    "Brandon",
    "Benjamin",
    "Samuel",
    "Gregory",
    "Alexander",
    "Patrick",
    "Frank",
    "Raymond",
    "Jack",
    "Dennis",
    "Jerry",
]
_UNISEX_NAMES = [
    "Alex",
    "Jordan",
    "Taylor",
    "Casey",
    "Riley",
    "Morgan",
    "Jamie",
    "Avery",
    "Quinn",
    "Rowan",
    "Skyler",
    "Emerson",
]

GENDERS: tuple[str, ...] = ("female", "male", "non-binary")
_GENDER_WEIGHTS = np.array([0.49, 0.49, 0.02])

# Occupations by education tier, so that a PhD is rarely a cashier and never the reverse.
_OCCUPATIONS: dict[str, tuple[str, ...]] = {
    "low": (
        "cashier",
        "warehouse worker",
        "farm hand",
        "cleaner",
        "delivery driver",
        "cook",
        "construction labourer",
        "retail assistant",
        "security guard",
        "home carer",
    ),
    "mid": (
        "electrician",
        "truck driver",
        "nurse assistant",
        "office clerk",
        "mechanic",
        "sales representative",
        "plumber",
        "dental hygienist",
        "paralegal",
        "small business owner",
    ),
    "high": (
        "teacher",
        "software developer",
        "accountant",
        "marketing manager",
        "civil engineer",
        "journalist",
        "pharmacist",
        "financial analyst",
        "social worker",
        "architect",
    ),
    "advanced": (
        "university lecturer",
        "research scientist",
        "physician",
        "lawyer",
        "economist",
        "data scientist",
        "clinical psychologist",
        "policy analyst",
    ),
}
_OCCUPATION_TIER: dict[str, str] = {
    "none": "low",
    "primary": "low",
    "middle_school": "low",
    "high_school": "mid",
    "associate": "mid",
    "professional_certificate": "mid",
    "bachelor": "high",
    "master": "advanced",
    "phd": "advanced",
}


@dataclass(slots=True, frozen=True)
class Persona:
    """Who an agent is: identity, education and the Big Five (numbers in [0, 1])."""

    name: str
    age: int
    gender: str
    education: str
    occupation: str
    agreeableness: float
    conscientiousness: float
    extraversion: float
    emotional_stability: float
    openness: float
    _adjectives: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once: prompts and the surrogate's texts ask for them every day.
        object.__setattr__(self, "_adjectives", self._describe_traits())

    def trait(self, name: str) -> float:
        """The value of one Big Five dimension."""
        return getattr(self, name)

    def adjectives(self) -> tuple[str, ...]:
        """One describing adjective per Big Five dimension, as FPS gives them to the model."""
        return self._adjectives

    def _describe_traits(self) -> tuple[str, ...]:
        # The choice within the high or low list is fixed by the name and value, so the same
        # persona always reads the same.
        words = []
        for i, trait in enumerate(TRAITS):
            value = self.trait(trait)
            pool = TRAIT_ADJECTIVES[trait][value >= 0.5]
            words.append(pool[(int(value * 1000) + len(self.name) + i) % len(pool)])
        return tuple(words)

    @property
    def education_score(self) -> float:
        """Formal training in weighing evidence, 0 (none) to 1 (PhD)."""
        return EDUCATION_SCORE[self.education]

    def describe(self) -> str:
        """A one-sentence description for prompts (age is left out, as in FPS)."""
        return (
            f"{self.name}, a {self.occupation} with {EDUCATION_LABEL[self.education]}, "
            f"who is {', '.join(self.adjectives())}"
        )


class PersonaRecord(BaseModel):
    """Schema of one persona in a persona file (CSV or JSON Lines)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)
    age: int = Field(ge=13, le=120)
    gender: str = Field(min_length=1, max_length=40)
    education: Literal[
        "none",
        "primary",
        "middle_school",
        "high_school",
        "associate",
        "bachelor",
        "master",
        "phd",
        "professional_certificate",
    ]
    occupation: str = Field(default="unspecified", min_length=1, max_length=80)
    agreeableness: float = Field(ge=0, le=1)
    conscientiousness: float = Field(ge=0, le=1)
    extraversion: float = Field(ge=0, le=1)
    emotional_stability: float = Field(ge=0, le=1)
    openness: float = Field(ge=0, le=1)


class PersonaFileError(ValueError):
    """A persona file that cannot be read; the message names the file, row and field."""


class PersonaTable(Sequence[Persona]):
    """A population's personas in columns: a million of them cost arrays, not objects.

    ``table[i]`` is agent i's ``Persona``, made when first asked for and kept; ``column(name)``
    one field (a trait, ``age`` or ``education_score``) for everyone as an array.
    """

    def __init__(
        self,
        names: list[str],
        ages: np.ndarray,
        genders: list[str],
        education: list[str],
        occupations: list[str],
        traits: np.ndarray,
    ):
        self._names, self._genders = names, genders
        self._education, self._occupations = education, occupations
        self._ages = np.asarray(ages, dtype=np.int64)
        self._traits = np.asarray(traits, dtype=float).reshape(len(names), len(TRAITS))
        self._made: dict[int, Persona] = {}

    @classmethod
    def of(cls, personas: Sequence[Persona]) -> PersonaTable:
        """The table of ``personas`` (itself when it is one already)."""
        if isinstance(personas, PersonaTable):
            return personas
        table = cls(
            [p.name for p in personas],
            np.array([p.age for p in personas], dtype=np.int64),
            [p.gender for p in personas],
            [p.education for p in personas],
            [p.occupation for p in personas],
            np.array([[p.trait(t) for t in TRAITS] for p in personas], dtype=float),
        )
        table._made = dict(enumerate(personas))
        return table

    def __len__(self) -> int:
        return len(self._names)

    def __getitem__(self, index):  # type: ignore[override]
        made = self._made.get(index)  # first: a sampled table asks for the same few each day
        if made is not None:
            return made
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = int(index)
        made = self._made.get(i)
        if made is None:
            made = self._made[i] = Persona(
                name=self._names[i],
                age=int(self._ages[i]),
                gender=self._genders[i],
                education=self._education[i],
                occupation=self._occupations[i],
                **dict(zip(TRAITS, self._traits[i].tolist(), strict=True)),
            )
        return made

    def __iter__(self) -> Iterator[Persona]:
        return (self[i] for i in range(len(self)))

    def column(self, name: str) -> np.ndarray:
        """One field of every persona: a Big Five trait, ``age`` or ``education_score``."""
        if name == "age":
            return self._ages
        if name == "education_score":
            scores = {level: EDUCATION_SCORE[level] for level in EDUCATION_LEVELS}
            return np.array([scores[e] for e in self._education])
        return self._traits[:, TRAITS.index(name)]


PROGRESS_EVERY = 10_000


def generate_personas(
    n: int, seed: int, progress: Callable[[int], object] | None = None
) -> PersonaTable:
    """Draw ``n`` personas reproducibly from ``seed``; ``progress(k)`` is told of every
    ``PROGRESS_EVERY`` personas made.

    The personas use their own random stream, so changing other parts of a scenario (the
    contact structure, say) never changes who the agents are.
    """
    rng = np.random.default_rng([seed, 0x9E75])
    genders = rng.choice(len(GENDERS), size=n, p=_GENDER_WEIGHTS)
    name_draw = rng.random(n)
    ages = rng.integers(18, 65, size=n)
    education = rng.choice(len(EDUCATION_LEVELS), size=n, p=_EDUCATION_WEIGHTS)
    # Beta(2, 2): most people are near the middle of each dimension, few at the extremes.
    traits = rng.beta(2.0, 2.0, size=(n, len(TRAITS))).round(3)
    occupation_draw = rng.random(n)
    names = np.empty(n, dtype=object)
    for g, pool in enumerate((_FEMALE_NAMES, _MALE_NAMES, _UNISEX_NAMES)):
        rows = np.flatnonzero(genders == g)
        names[rows] = np.array(pool, dtype=object)[(name_draw[rows] * len(pool)).astype(int)]
    occupations = np.empty(n, dtype=object)
    for e, level in enumerate(EDUCATION_LEVELS):
        rows = np.flatnonzero(education == e)
        jobs = _OCCUPATIONS[_OCCUPATION_TIER[level]]
        picked = (occupation_draw[rows] * len(jobs)).astype(int)
        occupations[rows] = np.array(jobs, dtype=object)[picked]
    if progress is not None:
        for start in range(0, n, PROGRESS_EVERY):
            progress(min(PROGRESS_EVERY, n - start))
    return PersonaTable(
        names.tolist(),
        ages,
        np.array(GENDERS, dtype=object)[genders].tolist(),
        np.array(EDUCATION_LEVELS, dtype=object)[education].tolist(),
        occupations.tolist(),
        traits,
    )


def load_personas(path: Path) -> list[Persona]:
    """Read personas from a CSV (with a header row) or a JSON Lines file.

    Raises PersonaFileError naming the row and field of the first bad entry, the column a CSV
    header lacks, or the line of a file that is not UTF-8.
    """
    kind = path.suffix.lower()
    if kind not in (".csv", ".jsonl", ".ndjson"):
        raise PersonaFileError(f"{path}: unknown persona file type (allowed: .csv, .jsonl)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PersonaFileError(f"{path}: cannot read persona file ({exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PersonaFileError(
            f"{path}: line {line} is not UTF-8 text (byte {raw[exc.start]:#04x}); save the "
            "file as UTF-8"
        ) from None
    if kind == ".csv":
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""))
            header = reader.fieldnames or []
            needed = [n for n, f in PersonaRecord.model_fields.items() if f.is_required()]
            missing = [name for name in needed if name not in header]
            if missing:
                raise PersonaFileError(
                    f"{path}: the header row lacks the column(s) {', '.join(missing)} "
                    f"(needed: {', '.join(needed)}; optional: occupation)"
                )
            rows = list(reader)
        except csv.Error as exc:
            raise PersonaFileError(f"{path}: malformed CSV ({exc})") from None
    else:
        rows = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise PersonaFileError(
                        f"{path}: line {lineno} is not valid JSON ({exc.msg})"
                    ) from None
    personas = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise PersonaFileError(f"{path}: row {number} is not an object with persona fields")
        try:
            record = PersonaRecord.model_validate(row)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "row"
            raise PersonaFileError(
                f"{path}: row {number}, field '{field}': {err['msg']} (got {err['input']!r:.60})"
            ) from None
        personas.append(Persona(**record.model_dump()))
    if not personas:
        raise PersonaFileError(f"{path}: the persona file holds no personas")
    return personas
