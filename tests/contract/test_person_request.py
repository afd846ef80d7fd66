"""The shared recogniser of requests for a person: polite, indirect, in eight languages, and the
look-alikes it must leave alone. Written here, not taken from any evaluation set."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from contract.person_request import (
    DATA_DIR,
    LANGUAGES,
    PersonRequestDataError,
    PersonRequestRecogniser,
    Verdict,
    fold,
    recognise,
)

REQUESTS = [
    # A person's hand or judgement asked for, without "talk to" or "agent".
    ("en", "I think this needs a human touch to be honest"), ("en", "could I have this reviewed by a manager"),
    ("en", "let me talk to whoever is in charge"), ("en", "put a human on please"),
    ("en", "can someone from your returns department email me"), ("en", "is anyone actually reading this"),
    # English, polite and indirect, inside a topic, after an answer
    ("en", "could you possibly hand this over to one of your colleagues?"),
    ("en", "thanks, but I'd prefer to go over it with a member of staff"),
    ("en", "my trainers came with a hole in them, can somebody from the team have a look"),
    ("en", "would it be ok if a real person took over from here"),
    ("en", "is there anyone at the shop I could talk to about this"),
    ("en", "I'd be grateful if a manager could call me"),
    ("en", "would a colleague of yours drop me an email about it"),
    ("en", "any chance of a humn?"),
    ("en", "agnet pls"),
    ("en", "AGENT AGENT"),
    ("en", "can I get someone from customer care"),
    ("en", "I don't want to chat with a bot"),
    # German
    ("de", "Könnte ich bitte mit einer Mitarbeiterin sprechen?"),
    ("de", "Verbinden Sie mich bitte mit dem Kundenservice"),
    ("de", "ich brauche einen echten Menschen"),
    # French
    ("fr", "Est-ce possible de parler à un conseiller ?"),
    ("fr", "passez-moi un opérateur s'il vous plaît"),
    ("fr", "j'ai besoin d'un agent humain"),
    # Spanish
    ("es", "¿Podría hablar con un asesor?"),
    ("es", "páseme con alguien de atención al cliente"),
    ("es", "quiero una persona real"),
    # Italian
    ("it", "potrei parlare con un addetto?"),
    ("it", "mi mette in contatto con il servizio clienti?"),
    ("it", "ho bisogno di un operatore umano"),
    # Dutch
    ("nl", "Kan ik een collega van u spreken?"),
    ("nl", "verbind me door met een medewerker alstublieft"),
    ("nl", "ik wil met een echte mens praten"),
    # whether one is there, and asked the other way round (each language)
    ("de", "Ist gerade eine Beraterin erreichbar?"),
    ("de", "Gibt es jemanden, der sich das ansehen kann?"),
    ("fr", "Il y a un conseiller disponible ?"),
    ("es", "¿Hay alguna asesora disponible ahora?"),
    ("es", "¿Alguien me puede atender?"),
    ("es", "¿Puede alguien ayudarme con esto?"),
    ("it", "c'è qualcuno che mi possa aiutare?"),
    ("it", "È disponibile un operatore?"),
    ("it", "Preferisco essere messo in contatto con un consulente"),
    ("it", "mi potete richiamare più tardi?"),
    ("nl", "Is er een medewerker beschikbaar?"),
    ("nl", "Kan iemand van de klantenservice even meekijken?"),
    # Portuguese and Polish, alone and mixed with English
    ("pt", "Posso falar com um atendente, por favor?"),
    ("pt", "the zip broke on day two, quero falar com uma pessoa de verdade"),
    ("pl", "Czy mogę porozmawiać z konsultantem?"),
    ("pl", "my parcel never came, połączcie mnie z obsługą klienta"),
    # flagged, raised, waited for, better off with (probes of our own)
    ("en", "could you flag this up to someone who can decide?"), ("en", "I'd like to raise it with a manager"),
    ("en", "please get my complaint in front of a real person"), ("en", "can my case be passed on to your team?"),
    ("en", "who could I go over this with"), ("en", "I'd feel better talking this through with a colleague"),
    ("en", "fine, I'll wait for someone from the team to get back to me"),
    ("en", "is one of your staff available?"), ("en", "surely a colleague of yours would know"),
    # a person just named, pointed back at
    ("en", "you're open now so can I speak to one of them?"),
    ("en", "could I have a word with one of you please"),
    # mixed with English
    ("de", "the parcel is missing, kann ich mit jemandem reden?"),
    ("it", "order LK-100233 is wrong, vorrei parlare con qualcuno"),
    ("nl", "hello, mijn pakket is kapot, kan ik iemand van de klantenservice spreken"),
]

NOT_REQUESTS = [
    "does my parcel need a person to sign for it?", "who is in charge of the rewards programme?",
    "the jacket was checked by a person before shipping?", "is a person reading my messages or a bot?",
    # an item or a rule asked after, in the languages' "is there ... available" forms
    "Ist die Jacke in Größe M verfügbar?",
    "Y a-t-il une taille L disponible ?",
    "¿Hay alguna talla disponible en azul?",
    "È disponibile il maglione in verde?",
    "Is er een maat S beschikbaar?",
    "Gibt es eine Rückgabefrist?",
    "is there a support email address I can write to?",  # an address asked for, not a person
    "where are your customer service contact details?",
    "are you a real person or a bot?",
    "am I chatting with a human?",
    "what time does your support team start on Mondays?",
    "is DHL the delivery agent for Germany?",
    "the colleague I spoke with yesterday was lovely",
    "can someone tell me if the jacket runs small?",
    "do you do a staff discount?",
    "where is my order LK-100231",
    "Bist du ein Roboter?",
    "je ne veux parler à personne, merci",
    "no quiero hablar con nadie",
    "Versendet ihr auch nach Belgien?",
    "¿Cuánto tarda un envío a Madrid?",
    "Quanto costa la spedizione in Italia?",
    "Hoe lang duurt de levering naar Utrecht?",
    "i need support with my order",
    "one of them arrived with a stain, can I swap it?",
    "I'll wait for the parcel to arrive", "can this go in the washing machine?", "take it to the post office",
    "is any of the stock available", "my son is better off with a medium",
    "Quanto custa o envio para Portugal?",
    "Czy jesteś człowiekiem?",
]

DECLINED = [
    "I don't need an agent, just tell me the return address",
    "no need for a human, how long does a refund take?",
    "ich muss nicht mit einem Mitarbeiter sprechen",
    "non ho bisogno di un operatore",
]


@pytest.mark.parametrize(("language", "text"), REQUESTS)
def test_requests(language, text):
    recognition = recognise(text)
    assert recognition.verdict is Verdict.REQUEST, text
    assert recognition.language == language, text
    assert recognition.evidence


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_not_requests(text):
    assert not recognise(text).requested, text


@pytest.mark.parametrize("text", DECLINED)
def test_a_person_declined(text):
    assert recognise(text).verdict is Verdict.DECLINED, text


@pytest.mark.parametrize("text", ["are you a real person or a bot?", "am I chatting with a human?",
                                  "what time does your support team start on Mondays?"])
def test_questions_about_people_are_said_so(text):
    assert recognise(text).verdict is Verdict.QUESTION, text


def test_a_request_beside_a_question_about_people_wins():
    assert recognise("are you a bot? I want a person").requested


def test_a_request_after_a_declined_clause_wins():
    assert recognise("I don't want the FAQ, I want a person").requested


@pytest.mark.parametrize(
    "text",
    [
        "pouvez-vous transférer ma demande à un collègue ?",  # Italian "ma" ("but") is French "my"
        "I don't want the FAQ but I want a person",
    ],
)
def test_each_language_cuts_clauses_at_its_own_breaks_and_englishs(text):
    assert recognise(text).requested, text


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "not a bot but a human please"),
        ("en", "a real person please, not a bot"),
        ("en", "I want to talk not to a bot but to a human"),
        ("de", "ich möchte nicht mit dem Bot schreiben, sondern mit einem Menschen"),
        ("de", "lieber einen Menschen statt eines Bots"),
        ("fr", "je ne veux pas un robot mais un conseiller"),
        ("es", "no quiero hablar con un bot, sino con una persona"),
        ("it", "non voglio il bot ma un operatore"),
        ("nl", "ik wil geen chatbot, maar een echte medewerker"),
    ],
)
def test_a_person_asked_for_instead_of_the_bot(language, text):
    found = recognise(text)
    assert found.requested and found.language == language, (text, found)


@pytest.mark.parametrize(
    "text", ["I am not a bot, but a human", "you are not a bot but a person?", "I bought a robot vacuum not a human"]
)
def test_saying_what_someone_is_is_not_a_request(text):
    assert not recognise(text).requested, text


@pytest.mark.parametrize("text", ["I think this needs someone who can actually look at my account",
                                  "is anyone from the shop there?", "hello? anyone there?",
                                  "honestly it could use a closer look from a member of your team",
                                  "can somebody on your side find out what happened to the parcel",
                                  "is there anybody real that can sort this out", "is anyone actually there?",
                                  "mind passing this on to whoever deals with complaints?",
                                  "could you pass it on to the team that handles refunds"])
def test_someone_of_the_shop_asked_for(text):
    assert recognise(text).requested, text


def test_someone_at_a_place_nearby_is_not():
    assert not recognise("is there anyone at the store near me?").requested
    assert not recognise("the seam needs a proper look, is there a repair service?").requested
    assert not recognise("can I pass this jacket on to someone who needs it").requested
    assert not recognise("is anyone actually home to sign for the parcel?").requested


@pytest.mark.parametrize("text", ["how can I reach a real person?", "is there a way to contact an actual human"])
def test_asking_how_to_reach_a_person_inside_the_chat_is_a_request(text):
    assert recognise(text).requested, text


def test_asking_for_a_channel_is_not():
    assert not recognise("how can I contact customer service by email").requested


@pytest.mark.parametrize("text", ["talk 2 sum1 real plz", "can u get me sum1 frm ur team"])
def test_a_request_in_chat_shorthand(text):
    assert recognise(text).requested, text


def test_shorthand_is_read_only_after_the_words_as_typed():
    # Dutch "u" is "you" (formal): written out as English it would no longer read as Dutch.
    assert recognise("kunt u mij doorverbinden met een medewerker?").language == "nl"
    assert recognise("hw lng 4 shiping").verdict is Verdict.NONE


def test_fold():
    assert fold("Ich MÖCHTE  mit   jemandem sprechen \u2019") == "ich mochte mit jemandem sprechen '"
    assert fold("Straße") == "strasse"


def test_every_language_file_is_read():
    recogniser = PersonRequestRecogniser.load()
    assert tuple(rule.language for rule in recogniser.rules) == LANGUAGES


def test_long_and_hostile_input_is_bounded():
    started = time.monotonic()
    for text in ("talk " * 2000, "a" * 100_000, "one of your " * 500, "\u0000\ufffd" * 1000, ""):
        recognise(text)
    assert time.monotonic() - started < 2.0


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "xx.txt").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_list_of_its_own_is_read(tmp_path):
    data = write(tmp_path, "[person]\nwizard\n[request]\n\\bsummon\\s+{human}\n[determiner]\na\n")
    recogniser = PersonRequestRecogniser.load(data, ("xx",))
    assert recogniser.recognise("please summon a wizard").requested
    assert not recogniser.recognise("please summon a bot").requested


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[person]\nhuman\n[request]\n(unclosed {human}\n", "bad pattern"),
        ("[person]\nhuman\n[wishes]\nx\n", "unknown section"),
        ("human\n[request]\nx\n", "before any section"),
        ("[request]\n\\bhi\\b\n", "needs \\[person\\]"),
    ],
)
def test_malformed_lists_are_refused_with_the_file_named(tmp_path, text, problem):
    data = write(tmp_path, text)
    with pytest.raises(PersonRequestDataError, match=problem) as error:
        PersonRequestRecogniser.load(data, ("xx",))
    assert "xx.txt" in str(error.value)


def test_a_missing_list_is_refused(tmp_path):
    with pytest.raises(PersonRequestDataError, match="cannot be read"):
        PersonRequestRecogniser.load(tmp_path, ("xx",))


def test_the_shipped_lists_exist():
    assert all((DATA_DIR / f"{language}.txt").is_file() for language in LANGUAGES)
