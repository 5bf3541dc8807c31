"""Load the demo network: a fictional operator, its partner's venue, three groups of about ten
members with chairs, a year of meetings (the past ones with attendance), and one login per role.
Running it again changes nothing."""

import random
from datetime import time, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.coaching.demo import load_coaching
from peerpower.demo.speakers import load_speakers
from peerpower.fees.demo import load_fees
from peerpower.formation.demo import load_formation
from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests.demo import load_guests
from peerpower.impact.demo import load_impact
from peerpower.issues.models import (
    Backing,
    Commitment,
    Issue,
    MonthlyUpdate,
    Note,
    Protocol,
    ProtocolStep,
)
from peerpower.meetings.actions import series_generate
from peerpower.meetings.models import Meeting, Participation
from peerpower.meetings.queries import agenda_template
from peerpower.networking.demo import load_networking
from peerpower.networks.models import (
    DEFAULT_AGENDA,
    AgendaTemplateItem,
    Network,
    NetworkRole,
    Organisation,
    Partner,
    Venue,
)

PASSWORD = "peerpower-demo"  # noqa: S105 - a published demo password, printed for the reader
DOMAIN = "demo.peerpower.test"
# A fixed TOTP secret for the demo admin and chairs, so the demo can be tried without a phone:
# `manage.py demo_totp` prints the current code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

ORGANISATIONS = [
    ("Riverside Food Bank", "1187234", "community", "medium", "london"),
    ("Second Chance Bikes", "1192001", "employment", "small", "london"),
    ("Hackney Young Voices", "1160345", "youth", "medium", "london"),
    ("GreenRoots Growing", "1174490", "environment", "small", "south-east"),
    ("Open Door Housing Trust", "1088765", "housing", "large", "london"),
    ("The Listening Line", "1123456", "health", "medium", "london"),
    ("Stitch & Mend CIC", "11874532", "employment", "micro", "london"),
    ("Canal Arts Collective", "1179981", "arts", "small", "london"),
    ("Bright Futures Tutoring", "1165234", "education", "medium", "east"),
    ("Carers Together", "1099012", "health", "medium", "south-east"),
    ("Neighbourhood Tool Library", "1190876", "community", "micro", "london"),
    ("Refugee Welcome Kitchen", "1183321", "community", "small", "london"),
    ("Silver Threads", "1144567", "health", "small", "london"),
    ("Pathways to Work", "1111234", "employment", "large", "london"),
    ("Little Seeds Nursery CIC", "12233445", "education", "small", "east"),
    ("Wild Spaces Trust", "1177789", "environment", "medium", "south-east"),
    ("Brixton Boxing Project", "1188822", "youth", "small", "london"),
    ("Safe Harbour Women's Aid", "1077345", "housing", "medium", "london"),
    ("The Repair Café Network", "1191123", "environment", "micro", "london"),
    ("Music in Mind", "1156712", "arts", "small", "london"),
    ("Digital Inclusion Hub", "1185566", "education", "small", "london"),
    ("Men's Sheds London", "1170098", "health", "micro", "london"),
    ("Community Energy South", "1169870", "environment", "medium", "south-east"),
    ("Tenants Together", "1158899", "housing", "small", "london"),
    ("First Steps Parenting", "1133221", "youth", "medium", "east"),
    ("Access Ability", "1122119", "health", "medium", "london"),
    ("Feed the Future CIC", "11223344", "community", "small", "london"),
    ("Shelter from the Storm", "1101888", "housing", "medium", "london"),
    ("StreetSport Foundation", "1149876", "youth", "medium", "london"),
    ("Books for All", "1163345", "education", "micro", "london"),
]

FIRST = [
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Farid",
    "Grace",
    "Hamid",
    "Isla",
    "Jonah",
    "Kemi",
    "Liam",
    "Maya",
    "Nikhil",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zara",
    "Abdi",
    "Bea",
    "Caleb",
    "Dana",
    "Eli",
]
LAST = [
    "Okafor",
    "Hughes",
    "Patel",
    "Nowak",
    "Campbell",
    "Haddad",
    "Lewis",
    "Rahman",
    "Murray",
    "Cohen",
    "Adeyemi",
    "Walsh",
    "Singh",
    "Iyer",
    "Bello",
    "Shah",
    "Taylor",
    "Garcia",
    "Evans",
    "Aziz",
    "Kaur",
    "Mensah",
    "Li",
    "Ali",
    "Khan",
    "Farah",
    "Doyle",
    "Brown",
    "Osei",
    "Grant",
]

GROUPS = [
    ("Tuesday Leaders", 2, 1, time(9, 30), time(13, 30), "venue"),
    ("Thursday Circle", 3, 3, time(9, 30), time(13, 30), "venue"),
    ("Online Leaders", 1, 2, time(13, 0), time(17, 0), "online"),
]


class Command(BaseCommand):
    help = (
        "Load the demo network (idempotent) into the configured database "
        "and print one login per role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            default=settings.SITE_URL,
            help="The address the demo is served at, printed for the reader (default: SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Network.objects.filter(slug="northbridge").exists():
            self.stdout.write("The demo network is already loaded.")
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("Loaded the demo network."))
        self._print_logins(str(options["url"]).rstrip("/"))

    def _user(self, email: str, name: str, *, mfa: bool = False) -> User:
        if not hasattr(self, "_password_hash"):
            self._password_hash = make_password(PASSWORD)  # hashing once saves seconds per person
        user = User.objects.create_user(email=email, name=name)
        user.password = self._password_hash
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if mfa:
            TOTP.activate(user, DEMO_TOTP_SECRET)
        return user

    def _load(self) -> None:
        rng = random.Random(2026)  # the same demo every time
        network = Network.objects.create(
            name="Northbridge Social Leaders", slug="northbridge", contact_email=f"hello@{DOMAIN}"
        )
        AgendaTemplateItem.objects.bulk_create(
            AgendaTemplateItem(network=network, position=i, title=t, kind=k, minutes=m)
            for i, (t, k, m) in enumerate(DEFAULT_AGENDA)
        )
        partner = Partner.objects.create(
            network=network,
            name="The Common Room",
            website="https://example.org/common-room",
            notes="Shared office space for charities; lends its meeting rooms to the network.",
        )
        venue = Venue.objects.create(
            network=network,
            partner=partner,
            name="The Common Room, Meeting Room 2",
            address="14 Canal Street\nLondon\nN1 7AB",
            access_notes=(
                "Step-free entrance on Wharf Road. Ring 'Meeting rooms'. Wi-Fi: CommonRoom-Guest."
            ),
        )
        orgs = [
            Organisation.objects.create(
                network=network, name=n, registered_number=r, sector=s, size_band=b, region=g
            )
            for n, r, s, b, g in ORGANISATIONS
        ]
        admin = self._user(f"admin@{DOMAIN}", "Alex Morgan", mfa=True)
        NetworkRole.objects.create(network=network, user=admin, role=NetworkRole.Role.ADMIN)
        coach = self._user(f"coach@{DOMAIN}", "Jo Whitfield")
        NetworkRole.objects.create(network=network, user=coach, role=NetworkRole.Role.COACH)
        speaker = self._user(f"speaker@{DOMAIN}", "Dr Sunita Rao")
        NetworkRole.objects.create(network=network, user=speaker, role=NetworkRole.Role.SPEAKER)

        today = timezone.localdate()
        series_start = (today - relativedelta(months=6)).replace(day=1)
        people = iter(zip(FIRST, LAST, orgs, strict=True))
        for index, (name, week, weekday, start, end, place) in enumerate(GROUPS):
            group = PeerGroup.objects.create(
                network=network,
                name=name,
                week_of_month=week,
                weekday=weekday,
                start_time=start,
                end_time=end,
                series_start=series_start,
                default_venue=venue if place == "venue" else None,
                online_link="https://meet.example.org/northbridge-online"
                if place == "online"
                else "",
                description="A peer group of charity and social-enterprise leaders.",
            )
            chair_email = f"chair@{DOMAIN}" if index == 0 else f"chair{index + 1}@{DOMAIN}"
            chair = self._user(
                chair_email,
                ["Helen Carter", "Marcus Bell", "Nadia Rossi"][index],
                mfa=True,
            )
            Membership.objects.create(
                group=group,
                user=chair,
                role=Membership.Role.CHAIR,
                status=Membership.Status.ACTIVE,
                joined_on=series_start,
                announced_at=timezone.now(),  # the pledge needs the group to have been told
                pledge_accepted_at=timezone.now(),
            )
            for n in range(10):
                first, last, org = next(people)
                email = (
                    f"member@{DOMAIN}"
                    if (index, n) == (0, 0)
                    else f"{first.lower()}.{last.lower()}@{DOMAIN}"
                )
                user = self._user(email, f"{first} {last}")
                Membership.objects.create(
                    group=group,
                    user=user,
                    organisation=org,
                    status=Membership.Status.ACTIVE,
                    joined_on=series_start,
                    announced_at=timezone.now(),
                    pledge_accepted_at=timezone.now() if n != 0 else None,
                )
            self._past_meetings(group, series_start, today, rng)
            series_generate(group=group, today=today, notify=False)
            self._issues(group)
            if index == 0:
                self._chairs_to_do(group)
        self._network_set_up(network, today)
        load_speakers(
            network,
            speaker,
            list(
                PeerGroup.objects.filter(network=network)
                .exclude(name="Harbour Leaders")
                .order_by("pk")
            ),
            rng,
        )
        load_guests(network, admin, self._user)
        load_coaching(network, coach, self._user)
        load_fees(network, admin, self._user)
        load_impact(network, random.Random(14))
        load_formation(network, admin, venue)
        load_networking(network, rng)

    def _chairs_to_do(self, group: PeerGroup) -> None:
        """What the chair's home shows: some replies in for the next meeting (others still
        missing), and the last meeting's attendance not yet recorded."""
        upcoming = (
            Meeting.objects.filter(group=group, starts_at__gt=timezone.now())
            .order_by("starts_at")
            .first()
        )
        last = (
            Meeting.objects.filter(group=group, starts_at__lt=timezone.now())
            .order_by("-starts_at")
            .first()
        )
        members = list(
            Membership.objects.filter(group=group).order_by("pk").values_list("user_id", flat=True)
        )
        if upcoming is not None:
            Participation.objects.bulk_create(
                [Participation(meeting=upcoming, user_id=u, rsvp="attending") for u in members[:6]]
                + [
                    Participation(
                        meeting=upcoming,
                        user_id=members[6],
                        rsvp="apologies",
                        apology_reason="Away at a conference",
                    )
                ]
            )
        if last is not None:
            Participation.objects.filter(meeting=last).update(attendance="")

    def _network_set_up(self, network: Network, today: Any) -> None:
        """The admin's pages with something on each: a second venue nobody uses yet, a protocol
        of the network's own, and a group still forming (no chair, below its size)."""
        Venue.objects.create(
            network=network,
            name="Riverside Community Hall",
            address="2 Mill Lane\nLondon\nE3 4PL",
            access_notes="Ramp at the side door. Hearing loop in the main hall.",
        )
        clinic = Protocol.objects.create(
            network=network,
            name="Quick clinic",
            description="A shorter round for a full agenda: one question, one piece of help.",
        )
        ProtocolStep.objects.bulk_create(
            ProtocolStep(protocol=clinic, position=i, name=n, minutes=m, cue=c)
            for i, (n, m, c) in enumerate(
                [
                    ("Present", 3, "The presenter speaks; nobody else"),
                    ("Questions", 7, "Questions only — no advice yet"),
                    ("Offers", 8, "Offers of experience, not instructions"),
                    ("Close", 2, "The presenter says what they will do"),
                ]
            )
        )
        forming = PeerGroup.objects.create(
            network=network,
            name="Harbour Leaders",
            week_of_month=4,
            weekday=3,
            start_time=time(9, 30),
            end_time=time(13, 30),
            series_start=(today + relativedelta(months=1)).replace(day=1),
            description="A new group, forming: three leaders so far, and no chair yet.",
        )
        for first, last in [("Ines", "Moreau"), ("Kofi", "Boateng"), ("Lena", "Fischer")]:
            Membership.objects.create(
                group=forming,
                user=self._user(f"{first.lower()}.{last.lower()}@{DOMAIN}", f"{first} {last}"),
                status=Membership.Status.ACTIVE,
                joined_on=today,
                announced_at=timezone.now(),
            )
        series_generate(group=forming, today=today, notify=False)

    def _past_meetings(self, group: PeerGroup, start: Any, today: Any, rng: random.Random) -> None:
        """Six months of meetings already held, with replies and attendance recorded."""
        member_ids = list(Membership.objects.filter(group=group).values_list("user_id", flat=True))
        month = start
        while month <= today.replace(day=1):
            starts_at, ends_at = group.meeting_times_in(month)
            if starts_at < timezone.now() - timedelta(hours=6):
                meeting = Meeting.objects.create(
                    group=group,
                    slot=month,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    venue=group.default_venue,
                    online_link=group.online_link,
                )
                for i, (title, kind, minutes) in enumerate(agenda_template(group)):
                    meeting.agenda_items.create(position=i, title=title, kind=kind, minutes=minutes)
                rows = []
                for user_id in member_ids:
                    roll = rng.random()
                    if roll < 0.8:
                        rows.append(
                            Participation(
                                meeting=meeting,
                                user_id=user_id,
                                rsvp="attending",
                                attendance="present",
                            )
                        )
                    elif roll < 0.93:
                        rows.append(
                            Participation(
                                meeting=meeting,
                                user_id=user_id,
                                rsvp="apologies",
                                apology_reason="Trustee board meeting",
                                attendance="excused",
                            )
                        )
                    else:
                        rows.append(
                            Participation(meeting=meeting, user_id=user_id, attendance="absent")
                        )
                Participation.objects.bulk_create(rows)
            month += relativedelta(months=1)

    def _issues(self, group: PeerGroup) -> None:
        """Last month's worked issue with its notes and commitment, and this month's queue."""
        pledged = list(
            Membership.objects.filter(group=group, pledge_accepted_at__isnull=False)
            .select_related("user")
            .order_by("pk")
        )
        members = [m.user for m in pledged if m.role == Membership.Role.MEMBER]
        last = (
            Meeting.objects.filter(group=group, starts_at__lt=timezone.now())
            .order_by("-starts_at")
            .first()
        )
        upcoming = (
            Meeting.objects.filter(group=group, starts_at__gt=timezone.now())
            .order_by("starts_at")
            .first()
        )
        if last is None or upcoming is None or len(members) < 4:
            return
        worked = Issue.objects.create(
            group=group,
            meeting=last,
            presenter=members[0],
            status=Issue.Status.WORKED,
            urgency=3,
            question="How do I tell my board that our biggest contract is not worth renewing?",
            why_now="The renewal decision is due in six weeks and the contract loses us money.",
            tried="Modelled the numbers with our treasurer; raised it informally with the chair.",
            help_wanted="How others have framed a hard financial message to trustees.",
        )
        Note.objects.create(
            issue=worked, author=members[1], text="Lead with the mission cost, not the deficit."
        )
        Note.objects.create(
            issue=worked, author=members[1], text="Two members offered their board papers."
        )
        Commitment.objects.create(
            issue=worked,
            member=members[0],
            text="Take a one-page options paper to the board",
            due_on=timezone.localdate() + timedelta(days=10),
        )
        questions = [
            ("How do I keep good staff when we cannot match local pay?", 2),
            ("How do I get a funder to pay for core costs, not just projects?", 3),
            ("How do I step back from delivery without the team feeling abandoned?", 1),
        ]
        for presenter, (question, urgency) in zip(members[1:4], questions, strict=True):
            issue = Issue.objects.create(
                group=group,
                meeting=upcoming,
                presenter=presenter,
                question=question,
                urgency=urgency,
            )
            for backer in members[4 : 4 + urgency]:
                Backing.objects.create(issue=issue, user=backer)
        for member in members[:5]:
            MonthlyUpdate.objects.create(
                meeting=upcoming, user=member, work=6, personal=7, comment="A steady month."
            )

    def _print_logins(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"Open {url}/ and log in (password for everyone: {PASSWORD}):")
        for role, email in [
            ("network admin", f"admin@{DOMAIN}"),
            ("chair", f"chair@{DOMAIN}"),
            ("member", f"member@{DOMAIN}"),
            ("coach", f"coach@{DOMAIN}"),
            ("speaker", f"speaker@{DOMAIN}"),
            ("guest", f"guest@{DOMAIN}"),
            ("sponsor", f"sponsor@{DOMAIN}"),
        ]:
            self.stdout.write(f"  {role:<14} {email}")
        self.stdout.write(
            "The admin and chairs use two-factor authentication; for their current code run:"
        )
        self.stdout.write("  .venv/bin/python manage.py demo_totp")
        self.stdout.write(
            "For the Django admin at /admin/, create a superuser: "
            ".venv/bin/python manage.py createsuperuser"
        )
        self.stdout.write(f"The network's public page for guests: {url}/n/northbridge/")
        self.stdout.write("Emails are written to var/mail/.")
