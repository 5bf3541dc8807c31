"""A network admin forms groups from the demo's pool of 40 applicants, as a new user would:
starts a run with three new groups, watches the progress bar while the task queue works,
moves one person by hand, is refused a move that puts possible competitors together (the
reason beside the control), and accepts: the new groups' chairs are invited and everyone is
proposed. Every page is checked with axe (which narrows to 360 px too)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from django.core import mail
from django.db import connections
from huey.contrib.djhuey import HUEY
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from tests import factories
from tests.e2e.axe import assert_no_axe_violations
from tests.e2e.helpers import log_in, screenshot

from peerpower.formation import demo, mix
from peerpower.formation.models import Run
from peerpower.formation.queries import instance_for
from peerpower.groups.models import Membership, PeerGroup
from peerpower.networks.models import Organisation


@pytest.fixture
def queue() -> Iterator[list[threading.Thread]]:
    """A task queue that waits for a worker, as in production (tests run tasks at once
    otherwise): tasks wait in memory until `work` runs the next one in its own thread."""
    HUEY.immediate = False
    HUEY.storage = HUEY.get_immediate_storage()  # a memory queue: nothing written to var/
    workers: list[threading.Thread] = []
    yield workers
    for worker in workers:
        worker.join(timeout=60)
    HUEY.immediate = True


def work(workers: list[threading.Thread]) -> None:
    def run_next() -> None:
        try:
            task = HUEY.dequeue()
            assert task is not None
            HUEY.execute(task)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run_next)
    worker.start()
    workers.append(worker)


def test_admin_forms_groups_from_the_demo_pool(
    live_server: LiveServer, page: Page, queue: list[threading.Thread]
) -> None:
    network = factories.make_network("Northbridge")
    venue = factories.make_venue(network, "The Common Room")
    venue.region = Organisation.Region.LONDON
    venue.save()
    admin = factories.make_admin(network, "Alex Admin")
    people = demo.pool(network)

    log_in(page, live_server.url, admin.email)
    page.goto(f"{live_server.url}/network/{network.slug}/formation/")
    expect(page.get_by_role("heading", name="Possible competitors")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Start a run").click()
    expect(page.get_by_role("heading", name="Start a run")).to_be_visible()
    assert_no_axe_violations(page)

    # Three new groups: one in person at the London venue, two online.
    for row, (name, chair, venue_label) in enumerate(
        [
            ("Canal Street Circle", "canal@example.org", "The Common Room"),
            ("Online North", "north@example.org", "Online"),
            ("Online South", "south@example.org", "Online"),
        ]
    ):
        page.locator(f"#id_new-{row}-name").fill(name)
        page.locator(f"#id_new-{row}-venue").select_option(label=venue_label)
        page.locator(f"#id_new-{row}-chair_email").fill(chair)
    page.get_by_label("Smallest new group").fill("10")
    page.get_by_label("Seconds to spend").fill("4")
    page.get_by_role("button", name="Start the run").click()

    # The progress bar, while the worker searches.
    bar = page.get_by_role("progressbar")
    expect(bar).to_be_visible()
    expect(page.get_by_text("You can leave this page: the run goes on.")).to_be_visible()
    assert_no_axe_violations(page)
    work(queue)
    expect(page.get_by_text(re.compile(r"[1-9]\d? % done"))).to_be_visible(timeout=15_000)
    screenshot(page, "formation-progress")
    expect(page.get_by_text("Score:")).to_be_visible(timeout=30_000)
    expect(bar).to_have_count(0)
    HUEY.immediate = True  # from here the emails go out at once, as tests expect
    assert_no_axe_violations(page)
    screenshot(page, "formation-proposal")

    run = Run.objects.get()
    instance = instance_for(run)
    groups = run.groups_by_candidate()
    names = [s.name for s in instance.slots]
    sizes = [list(groups.values()).count(g) for g in range(3)]

    # Move one person by hand: from the largest online group to the smallest group that
    # takes them, breaking nothing.
    target = min(range(3), key=lambda g: sizes[g])
    source = max((g for g in range(3) if g != target), key=lambda g: sizes[g])
    mover = next(
        p
        for p in instance.people
        if groups[p.key] == source and not mix.move_refusal(instance, groups, p.key, target)
    )
    page.get_by_label(f"Move {mover.name} to").select_option(label=names[target])
    page.get_by_role("button", name=f"Move {mover.name}", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Moved. The score went from")
    assert_no_axe_violations(page)
    run.refresh_from_db()
    groups = run.groups_by_candidate()
    assert groups[mover.key] == target

    # A move that puts two possible competitors together is refused, beside the control.
    a, b = demo.PAIRS[0]
    first, second = people[a], people[b]
    assert groups[first.pk] != groups[second.pk]
    page.get_by_label(f"Move {second.name} to").select_option(label=names[groups[first.pk]])
    page.get_by_role("button", name=f"Move {second.name}", exact=True).click()
    refusal = page.locator(f"#move-{second.pk}-to_error")
    expect(refusal).to_have_text(
        f"{first.name} and {second.name} may be competitors (same sector, region and size "
        "band), so they cannot be in one group."
    )
    expect(page.locator(f"#move-{second.pk}-to")).to_have_attribute(
        "aria-describedby", f"move-{second.pk}-to_error"
    )
    assert_no_axe_violations(page)
    screenshot(page, "formation-refused")
    run.refresh_from_db()
    assert run.groups_by_candidate() == groups

    # Accept: the new groups are made, their chairs invited, everyone proposed to their group.
    mail.outbox.clear()
    page.get_by_role("button", name="Accept and propose 40 people").click()
    expect(page.get_by_role("status")).to_contain_text("Accepted. 40 people are proposed")
    assert_no_axe_violations(page)
    made = PeerGroup.objects.filter(network=network)
    assert sorted(made.values_list("name", flat=True)) == sorted(names)
    assert Membership.objects.filter(group__in=made, status="proposed").count() == 40
    invited = {m.to[0] for m in mail.outbox}
    assert {"canal@example.org", "north@example.org", "south@example.org"} <= invited
    assert not invited & {p.email for p in people}  # the chairs approve before anyone is asked
