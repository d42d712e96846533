"""The controlled vocabularies of the facts format.

Every conduct, kind of object, purpose, mental state and result the offences of
Arts. 6–34 mention is a member here; a unit test checks both directions against the
Convention model, so the vocabulary and the law cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum


class Conduct(StrEnum):
    """What the actor did, in the words of the offence provisions."""

    ACCEPT = "accept"
    ACCESS = "access"
    ACQUIRE = "acquire"
    ADVERTISE = "advertise"
    ADVOCATE = "advocate"
    ALTER = "alter"
    APPROPRIATE = "appropriate"
    ASSIST = "assist"
    BLOCK = "block"
    BRIBE = "bribe"
    BUY = "buy"
    CALL_FOR = "call_for"
    COERCE = "coerce"
    COMMIT_TERRORIST_ACT = "commit_terrorist_act"
    COMPILE = "compile"
    CONCEAL = "conceal"
    CONTROL = "control"
    CONVERT = "convert"
    COPY = "copy"
    CREATE = "create"
    DAMAGE = "damage"
    DELETE = "delete"
    DESTROY = "destroy"
    DETERIORATE = "deteriorate"
    DEVELOP = "develop"
    DISCLOSE = "disclose"
    DISGUISE = "disguise"
    DISSEMINATE = "disseminate"
    DISTRIBUTE = "distribute"
    ENCOURAGE = "encourage"
    EXCHANGE = "exchange"
    FACILITATE = "facilitate"
    FINANCE = "finance"
    GROOM = "groom"
    IMPORT = "import"
    INCITE = "incite"
    INFRINGE_COPYRIGHT = "infringe_copyright"
    INFRINGE_RELATED_RIGHTS = "infringe_related_rights"
    INPUT = "input"
    INSTALL = "install"
    INTERCEPT = "intercept"
    INTERFERE = "interfere"
    INTIMIDATE = "intimidate"
    INVOLVE = "involve"
    JUSTIFY = "justify"
    LURE = "lure"
    MAINTAIN = "maintain"
    MAKE_AVAILABLE = "make_available"
    MODERATE = "moderate"
    OBTAIN = "obtain"
    OFFER = "offer"
    POSSESS = "possess"
    PROCURE = "procure"
    PRODUCE = "produce"
    PROMOTE = "promote"
    PROPOSITION = "proposition"
    PROVIDE = "provide"
    PROVIDE_ACCESS = "provide_access"
    PUBLISH = "publish"
    RECEIVE = "receive"
    RECRUIT = "recruit"
    REPRODUCE = "reproduce"
    SELL = "sell"
    SOLICIT = "solicit"
    SUPPRESS = "suppress"
    THREATEN = "threaten"
    THREATEN_TO_DISTRIBUTE = "threaten_to_distribute"
    TRAFFIC = "traffic"
    TRAIN = "train"
    TRANSFER = "transfer"
    TRANSMIT = "transmit"
    USE = "use"
    USE_FORCE = "use_force"


class DataKind(StrEnum):
    """What a datum is. Any datum is computer data; a datum may have several kinds."""

    CONTENT = "content"
    TRAFFIC = "traffic"
    SUBSCRIBER = "subscriber"
    PERSONAL_DATA = "personal_data"
    PAYMENT_INSTRUMENT_DATA = "payment_instrument_data"
    PASSWORD = "password"
    ACCESS_CODE = "access_code"
    CREDENTIALS = "credentials"
    ELECTRONIC_SIGNATURE = "electronic_signature"
    IDENTIFIER = "identifier"
    INTIMATE_IMAGE = "intimate_image"
    SEXUALLY_EXPLICIT = "sexually_explicit"
    """Material that visually shows sexually explicit conduct (Art. 18(2))."""
    CHILD_IDENTIFYING_INFORMATION = "child_identifying_information"
    COPYRIGHTED_WORK = "copyrighted_work"
    CONFIDENTIAL_GOVERNMENT_INFORMATION = "confidential_government_information"
    MALWARE = "malware"
    PROGRAM = "program"
    NON_PUBLIC_TRANSMISSION = "non_public_transmission"
    ELECTROMAGNETIC_EMISSION = "electromagnetic_emission"
    HATE_MATERIAL = "hate_material"
    DENIAL_MATERIAL = "denial_material"


class ItemKind(StrEnum):
    """A physical thing an act deals in."""

    DEVICE = "device"
    SKIMMING_DEVICE = "skimming_device"
    FORGERY_TOOL = "forgery_tool"
    FORGED_PAYMENT_INSTRUMENT = "forged_payment_instrument"
    DRUGS = "drugs"
    ARMS = "arms"
    COUNTERFEIT_MEDICINE = "counterfeit_medicine"


class Purpose(StrEnum):
    """An aim or further intent an offence may require."""

    OBTAIN_DATA = "obtain_data"
    DISHONEST = "dishonest"
    DEFRAUD = "defraud"
    COMMIT_CYBER_OFFENCE = "commit_cyber_offence"
    LEGAL_AUTHENTICITY = "legal_authenticity"
    ECONOMIC_BENEFIT = "economic_benefit"
    FACILITATE_CSAM = "facilitate_csam"
    SEXUAL_ABUSE_OF_CHILD = "sexual_abuse_of_child"
    MEET_CHILD_FOR_SEX = "meet_child_for_sex"
    SUICIDE = "suicide"
    HARASS = "harass"
    COERCE = "coerce"
    INTIMIDATE = "intimidate"
    OBTAIN_BENEFIT = "obtain_benefit"
    OBTAIN_SEXUAL_ACTIVITY = "obtain_sexual_activity"
    CAUSE_DISTRESS = "cause_distress"
    VIOLENT_OVERTHROW = "violent_overthrow"
    CONCEAL_ORIGIN = "conceal_origin"
    EVADE_CONSEQUENCES = "evade_consequences"
    INTERFERE_WITH_EVIDENCE = "interfere_with_evidence"
    INTERFERE_WITH_OFFICIALS = "interfere_with_officials"


class MentalState(StrEnum):
    """The actor's state of mind as to the conduct, strongest first."""

    INTENT = "intent"
    KNOWLEDGE = "knowledge"
    RECKLESSNESS = "recklessness"
    NEGLIGENCE = "negligence"
    NONE = "none"


class ResultKind(StrEnum):
    """A result or harm an act caused."""

    LOSS_OF_PROPERTY = "loss_of_property"
    PROPERTY_TAKEN = "property_taken"
    SERIOUS_HARM = "serious_harm"
    SERIOUS_HINDERING = "serious_hindering"
    INAUTHENTIC_DATA = "inauthentic_data"
    PHYSICAL_HARM = "physical_harm"
    PSYCHOLOGICAL_HARM = "psychological_harm"


class PersonKind(StrEnum):
    """A natural or a legal person."""

    NATURAL = "natural"
    LEGAL = "legal"


class Role(StrEnum):
    """The part an actor played in an act (Art. 36(1))."""

    PERPETRATOR = "perpetrator"
    CO_PERPETRATOR = "co_perpetrator"
    ACCOMPLICE = "accomplice"
    ASSISTANT = "assistant"
    INSTIGATOR = "instigator"
    ABETTOR = "abettor"
    CONSPIRATOR = "conspirator"
    ORGANISER = "organiser"
    DIRECTOR = "director"


class Stage(StrEnum):
    """How far the act went (Art. 36(2) attempt, 36(3) preparation)."""

    COMPLETED = "completed"
    ATTEMPTED = "attempted"
    PREPARED = "prepared"


class LeadingBasis(StrEnum):
    """The basis of a leading position in a legal person (Art. 35(1)(a)–(c))."""

    REPRESENTATION = "representation"
    DECISION = "decision"
    CONTROL = "control"


class Craft(StrEnum):
    """A vessel or an aircraft (Art. 40(1)(b))."""

    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class Tribunal(StrEnum):
    """A court whose judgment established international crimes (Art. 28)."""

    IMT_NUREMBERG = "imt_nuremberg"
    """The International Military Tribunal under the London Agreement of 8 August 1945."""
    IMT_FAR_EAST = "imt_far_east"
    ICTY = "icty"
    ICTR = "ictr"
    ICC = "icc"
    NATIONAL_COURT = "national_court"
    OTHER = "other"


PRINCIPAL_ROLES = frozenset({Role.PERPETRATOR, Role.CO_PERPETRATOR})
"""Roles whose acts are evaluated against the offence elements themselves."""


PURPOSE_TEXT: dict[Purpose, str] = {
    Purpose.OBTAIN_DATA: "to obtain computer data",
    Purpose.DISHONEST: "with a dishonest intent",
    Purpose.DEFRAUD: "to defraud",
    Purpose.COMMIT_CYBER_OFFENCE: "that the item be used to commit an offence of Arts. 6-9",
    Purpose.LEGAL_AUTHENTICITY: "that the data be taken as authentic for legal purposes",
    Purpose.ECONOMIC_BENEFIT: "to obtain an economic or financial benefit",
    Purpose.FACILITATE_CSAM: "so that others can access, produce or share child abuse material",
    Purpose.SEXUAL_ABUSE_OF_CHILD: "to bring about sexual conduct with, or before, a child",
    Purpose.MEET_CHILD_FOR_SEX: "to arrange a meeting with a child for sexual activity",
    Purpose.SUICIDE: "towards someone's suicide",
    Purpose.HARASS: "to harass",
    Purpose.COERCE: "to coerce",
    Purpose.INTIMIDATE: "to intimidate",
    Purpose.OBTAIN_BENEFIT: "to obtain money or another material benefit",
    Purpose.OBTAIN_SEXUAL_ACTIVITY: "to obtain unwanted sexual activity",
    Purpose.CAUSE_DISTRESS: "to cause serious emotional distress",
    Purpose.VIOLENT_OVERTHROW: "the violent overthrow of a State's government",
    Purpose.CONCEAL_ORIGIN: "to conceal the illicit origin of property",
    Purpose.EVADE_CONSEQUENCES: "to help an offender evade the consequences",
    Purpose.INTERFERE_WITH_EVIDENCE: "to obtain false testimony or interfere with evidence",
    Purpose.INTERFERE_WITH_OFFICIALS: "to interfere with justice or law enforcement officials",
}
"""Each purpose in words, for questions and reports."""
