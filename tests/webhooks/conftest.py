from tests.webhooks.receiver import receiver as receiver  # the fixture
