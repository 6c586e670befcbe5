"""The Polish catalog speaks to people formally (Pan/Pani, "Proszę …", or impersonal "można"), as
Dutch public services do in Polish and as the programme texts do: no "ty", "Twój", "możesz".

Short command labels on buttons and links ("Zapisz", "Pobierz jako CSV") keep the imperative,
as Polish interfaces that address people formally do; an imperative inside a sentence does not.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[3] / "locale" / "pl" / "LC_MESSAGES" / "messages.po"

#: "ty" and its forms, and "twój" in every case.
PRONOUNS = (
    r"ty|ci|cię|ciebie|tobie|tobą|twój|twoja|twoje|twojego|twojej|twojemu|twoją|twoich|twoim|twoimi|twym|twych|twe|twą"
)
#: 2nd person singular: present/future ("możesz", "chcesz", "masz", "jesteś"), past ("wpisałeś",
#: "zrezygnowałaś"). Not "nasz"/"wasz" (our/your-plural), nor imperatives ending in -pisz ("zapisz").
VERBS = r"jesteś|będziesz|\w+łeś|\w+łaś|(?!(?:na|wa)sz\b)(?!\w*pisz\b)\w{2,}(?:esz|isz|ysz|asz)"
INFORMAL = re.compile(rf"\b(?:{PRONOUNS}|{VERBS})\b", re.IGNORECASE)
#: Imperatives that tell the reader what to do: fine as a button's label, informal in a sentence.
IMPERATIVES = re.compile(
    r"\b(?:wybierz|wpisz|podaj|kliknij|sprawdź|przyjdź|napisz|odpisz|zadzwoń|odpowiedz|pamiętaj|weź|przynieś"
    r"|poproś|zmień|otwórz|użyj|skorzystaj|zaloguj|przejdź|spróbuj|zostaw|wróć|daj|powiedz|zobacz|przeczytaj"
    r"|poczekaj|zaczekaj|popraw|uzupełnij|skontaktuj|zgłoś|potwierdź|zrezygnuj|zapisz|dodaj|usuń|zaznacz|wyślij"
    r"|pokaż|ustaw|anuluj|odwołaj|przenieś|zeskanuj|zachowaj|skopiuj|wklej|wprowadź|określ|wyjaśnij|zapytaj"
    r"|poinformuj|udostępnij|pobierz|zrób|wyloguj|zarejestruj|zapamiętaj|przekaż|oznacz|opisz|dotknij|nadaj|nazwij"
    r"|opublikuj|pomiń|porozmawiaj|prześlij|ułóż|używaj|zamknij|zaplanuj|znajdź|zostań|odrzuć|przyjmij|zatwierdź|wypełnij|wyznacz"
    r"|przenieś|wpisz|utwórz|zeskanuj|zainstaluj|zaznacz|kliknij|naciśnij|wyjaśnij|odczekaj|zajrzyj|wczytaj|otwórz|powiadom|połącz|podziel|zacznij|zakończ)\b",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"[.?!]\s|[.?!:]$")
#: A button's name quoted in a sentence („Zapisz”) is a name, not an order.
QUOTED = re.compile(r"„[^”]*”|“[^”]*”|\"[^\"]*\"")


def informal_words(text: str) -> list[str]:
    """The informal words in one Polish text; imperatives count only inside a sentence."""
    found = INFORMAL.findall(text)
    if SENTENCE.search(text.strip()):
        found += IMPERATIVES.findall(QUOTED.sub("", text))
    return found


def polish_texts() -> list[tuple[str, str]]:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="pl")
    texts = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts += [(msgid, s) for s in strings if s]
    return texts


@pytest.mark.parametrize(
    "informal",
    [
        "Możesz się wypisać w każdej chwili.",
        "Twoje dane są bezpieczne",
        "Napiszemy do ciebie jutro.",
        "Wybierz termin, który ci pasuje.",
        "Czy jesteś w ciąży?",
        "Dziękujemy, że się zapisałaś.",
        "Jeśli chcesz, wpisz swój numer.",
    ],
)
def test_the_check_finds_informal_polish(informal):
    assert informal_words(informal), informal


@pytest.mark.parametrize(
    "formal",
    [
        "Może Pan/Pani się wypisać w każdej chwili.",
        "Pana/Pani dane są bezpieczne",
        "Proszę wybrać termin, który Panu/Pani odpowiada.",
        "Nasz zespół napisze do Pana/Pani.",
        "Zapisz",
        "Pobierz jako CSV",
        "Można się wypisać w każdej chwili.",
        "Proszę nacisnąć „Zapisz”.",
        "Pobierz jako CSV (średniki: 78,4)",
    ],
)
def test_the_check_leaves_formal_polish_alone(formal):
    assert informal_words(formal) == []


def test_the_polish_catalog_is_formal():
    informal = [(msgid, text, informal_words(text)) for msgid, text in polish_texts() if informal_words(text)]
    assert not informal, "\n".join(f"{m!r}\n  -> {t!r} {w}" for m, t, w in informal[:40]) + f"\n({len(informal)})"


def test_the_built_in_programme_texts_in_polish_are_formal_too():
    from groepsaanbod.programmes.library import builtin_templates

    texts: list[tuple[str, str]] = []

    def walk(value, where: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "pl" and isinstance(inner, str):
                    texts.append((where, inner))
                else:
                    walk(inner, f"{where}.{key}")
        elif isinstance(value, list | tuple):
            for n, inner in enumerate(value):
                walk(inner, f"{where}[{n}]")
        elif hasattr(value, "__dataclass_fields__"):
            walk({k: getattr(value, k) for k in value.__dataclass_fields__}, where)

    for key, template in builtin_templates().items():
        walk(template, key)
    assert len(texts) > 50  # names, descriptions and every meeting's topic were read
    assert [(where, text) for where, text in texts if informal_words(text)] == []


if __name__ == "__main__":  # list what is left: python tests/unit/i18n/test_polish_formal.py
    for msgid, text in polish_texts():
        if informal_words(text):
            print(f"{msgid!r}\n  -> {text!r}  {informal_words(text)}", file=sys.stdout)
