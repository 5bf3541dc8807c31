import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peerpower.groups.actions import group_update
from peerpower.issues.models import Protocol, ProtocolStep
from peerpower.issues.queries import issues_that_fit
from peerpower.issues.room import protocol_for
from tests import factories
from tests.conftest import ClientFor, World


def test_a_group_chooses_the_action_learning_protocol(world: World, client_for: ClientFor) -> None:
    protocol = Protocol.objects.get(name="Action learning set")
    page = client_for(world.chair).get(reverse("groups:edit", args=[world.group.pk]))
    assert b"Action learning set" in page.content
    group_update(group=world.group, by=world.chair, protocol=protocol)
    meeting = world.next_meeting()
    assert protocol_for(meeting) == protocol
    assert issues_that_fit(meeting, protocol) == 90 // 34
    assert [s.cue for s in protocol.steps.all()][1] == "Questions only — no advice"


def test_a_network_defines_its_own_protocol_and_others_cannot_use_it(world: World) -> None:
    own = Protocol.objects.create(network=world.network, name="Fishbowl")
    ProtocolStep.objects.create(
        protocol=own, position=0, name="Listen", minutes=20, cue="Listen only"
    )
    group_update(group=world.group, by=world.chair, protocol=own)
    elsewhere = factories.make_group(factories.make_network(), generate=False)
    with pytest.raises(ValidationError) as error:
        group_update(group=elsewhere, by=factories.make_admin(elsewhere.network), protocol=own)
    assert error.value.message_dict["protocol"] == ["Choose one of the network's protocols."]
