"""The built-in surveys, written by the data migration `0002_builtin_surveys` (and put back by
tests that empty the database). A network uses them until its admin edits its own version.

Wellbeing is the four ONS personal wellbeing questions (ONS4, free to use under the Open
Government Licence); isolation is the three-item loneliness scale the ONS uses in its national
surveys (from the UCLA scale), scored 1–3 each; the rest are our own plain questions.
"""

from typing import Any

SCALE_5, SCALE_10, SINGLE, MULTIPLE, NUMBER, SHORT, LONG = (
    "scale5",
    "scale10",
    "single",
    "multiple",
    "number",
    "short",
    "long",
)
OFTEN = ["Hardly ever or never", "Some of the time", "Often"]
INCOME_BANDS = ["Under £100k", "£100k to £500k", "£500k to £1m", "£1m to £5m", "Over £5m"]


def _q(key: str, text: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "text": text, "kind": kind, **extra}


def _outcomes(last: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        _q(
            "confidence",
            "How confident do you feel as a leader?",
            SCALE_5,
            help_text="1 not at all, 5 very confident",
        ),
        _q(
            "lonely_companionship",
            "How often do you feel that you lack companionship in your role?",
            SINGLE,
            choices=OFTEN,
            scored=True,
            lower_is_better=True,
        ),
        _q(
            "lonely_left_out",
            "How often do you feel left out?",
            SINGLE,
            choices=OFTEN,
            scored=True,
            lower_is_better=True,
        ),
        _q(
            "lonely_isolated",
            "How often do you feel isolated from others?",
            SINGLE,
            choices=OFTEN,
            scored=True,
            lower_is_better=True,
        ),
        _q(
            "life_satisfaction",
            "Overall, how satisfied are you with your life nowadays?",
            SCALE_10,
            help_text="0 not at all, 10 completely",
        ),
        _q(
            "worthwhile",
            "Overall, to what extent do you feel the things you do in your life are worthwhile?",
            SCALE_10,
            help_text="0 not at all, 10 completely",
        ),
        _q(
            "happy",
            "Overall, how happy did you feel yesterday?",
            SCALE_10,
            help_text="0 not at all, 10 completely",
        ),
        _q(
            "anxious",
            "Overall, how anxious did you feel yesterday?",
            SCALE_10,
            help_text="0 not at all, 10 completely",
            lower_is_better=True,
        ),
        _q(
            "decisions",
            "How sure are you of the quality of the decisions you make in your role?",
            SCALE_5,
            help_text="1 not at all, 5 very sure",
        ),
        _q(
            "board",
            "How good is your working relationship with your board?",
            SCALE_5,
            help_text="1 poor, 5 very good",
        ),
        _q("income_band", "Your organisation's annual income", SINGLE, choices=INCOME_BANDS),
        _q("staff", "Paid staff (people, not full-time equivalents)", NUMBER, number_max=100000),
        _q("volunteers", "Volunteers", NUMBER, number_max=1000000, required=False),
        _q(
            "people_served",
            "People your organisation served last year (your best estimate)",
            NUMBER,
            number_max=100000000,
            required=False,
        ),
        last,
    ]


SURVEYS: list[dict[str, Any]] = [
    {
        "kind": "baseline",
        "title": "Where you are starting from",
        "intro": "Ten minutes, once, when you join. Only you see your own answers; others see "
        "figures about five or more members, never yours alone.",
        "open_days": 30,
        "questions": _outcomes(
            _q("hopes", "What do you hope will change because of the group?", LONG, required=False)
        ),
    },
    {
        "kind": "followup_6",
        "title": "Six months on",
        "intro": "The same questions as when you joined, so you and the network can see what "
        "changed.",
        "open_days": 30,
        "questions": _outcomes(
            _q("what_changed", "What changed because of the group?", LONG, required=False)
        ),
    },
    {
        "kind": "followup_12",
        "title": "A year on",
        "intro": "The same questions as when you joined, so you and the network can see what "
        "changed.",
        "open_days": 30,
        "questions": _outcomes(
            _q("what_changed", "What changed because of the group?", LONG, required=False)
        ),
    },
    {
        "kind": "after_meeting",
        "title": "After the meeting",
        "intro": "Two minutes. Your chair sees the group's figures once five or more answer.",
        "open_days": 7,
        "questions": [
            _q(
                "worth",
                "Was this worth the half day?",
                SCALE_10,
                help_text="0 not at all, 10 absolutely",
            ),
            _q(
                "most_useful",
                "The most useful part",
                SINGLE,
                choices=["The speaker", "The issues", "Networking", "Other"],
            ),
            _q("change", "One thing to change", SHORT, required=False),
        ],
    },
    {
        "kind": "group_health",
        "title": "How the group is doing",
        "intro": "Anonymous: nobody, not the chair, not the network, can tell which answer is "
        "yours. Answers are kept sealed until the survey closes and shown only as figures "
        "about five or more members.",
        "anonymous": True,
        "open_days": 21,
        "questions": [
            _q(
                "trust",
                "I trust the people in my group",
                SCALE_5,
                help_text="1 strongly disagree, 5 strongly agree",
            ),
            _q(
                "confidentiality",
                "What is said in the group stays in the group",
                SCALE_5,
                help_text="1 strongly disagree, 5 strongly agree",
            ),
            _q(
                "heard",
                "Everyone gets heard",
                SCALE_5,
                help_text="1 strongly disagree, 5 strongly agree",
            ),
            _q(
                "chair",
                "The chair runs the group well",
                SCALE_5,
                help_text="1 strongly disagree, 5 strongly agree",
            ),
            _q("comment", "Anything the chair should know?", LONG, required=False),
        ],
    },
    {
        "kind": "exit",
        "title": "Before you go",
        "intro": "Thank you for being part of the group. Three questions.",
        "open_days": 30,
        "questions": [
            _q(
                "why",
                "Why are you leaving?",
                SINGLE,
                choices=[
                    "My role changed",
                    "Time",
                    "Cost",
                    "The group was not right for me",
                    "Other",
                ],
            ),
            _q(
                "gained",
                "What did you gain?",
                MULTIPLE,
                choices=[
                    "Confidence",
                    "A network of peers",
                    "Better decisions",
                    "Less isolation",
                    "Practical ideas",
                ],
                required=False,
            ),
            _q("gained_more", "Anything else you gained?", LONG, required=False),
            _q(
                "recommend",
                "How likely are you to recommend the group to another leader?",
                SCALE_10,
                help_text="0 not at all, 10 extremely",
            ),
        ],
    },
]


def add_surveys(apps: Any, schema_editor: Any) -> None:
    """Write the built-in surveys (network None), version 1, if they are not there."""
    survey_model = apps.get_model("impact", "Survey")
    question_model = apps.get_model("impact", "Question")
    for spec in SURVEYS:
        if survey_model.objects.filter(network=None, kind=spec["kind"]).exists():
            continue
        survey = survey_model.objects.create(
            network=None,
            kind=spec["kind"],
            title=spec["title"],
            intro=spec["intro"],
            anonymous=spec.get("anonymous", False),
            open_days=spec["open_days"],
        )
        question_model.objects.bulk_create(
            question_model(survey=survey, position=i, **q)
            for i, q in enumerate(spec["questions"], start=1)
        )


def remove_surveys(apps: Any, schema_editor: Any) -> None:
    apps.get_model("impact", "Survey").objects.filter(network=None).delete()
