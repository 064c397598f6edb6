import io

import pytest

from treatments.catalog import demo
from treatments.catalog.models import Treatment

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_restores_the_catalog():
    Treatment.objects.all().delete()
    out = io.StringIO()
    demo.seed(out)
    demo.seed(out)
    assert Treatment.objects.count() == 3
    assert "Treatment catalog: ready" in out.getvalue()
