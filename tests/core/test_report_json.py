"""The preview's JSON text is exactly what the standard encoder writes, only faster."""

from __future__ import annotations

import json
from datetime import date

import pytest

from autobill.core.billing import preview
from autobill.core.report import preview_json
from autobill.dataset import load_dataset
from autobill.demo import dataset_path
from fixtures.factories import contract, contract_line, customer, dataset, item


def _standard(text: str) -> str:
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_the_demo_company_renders_as_the_standard_encoder_would() -> None:
    """A whole year of the demo company renders byte for byte as json.dumps(indent=2)."""
    # given
    result = preview(load_dataset(dataset_path()), as_of=date(2026, 12, 31))
    # when
    text = preview_json(result)
    # then
    assert text == _standard(text)


@pytest.mark.parametrize("_case", ["empty preview", "non-ASCII and quotes"])
def test_edge_values_render_as_the_standard_encoder_would(_case: str) -> None:
    """Empty lists, non-ASCII text and characters JSON escapes render as json.dumps would."""
    # given
    records = dataset()
    if _case != "empty preview":
        records = dataset(
            customers=[customer(customerid="C-1", name='Café "Zoë"')],
            items=[item(itemid="I-1", name='Crème brûlée "XL"\t\\ plan')],
            contracts=[contract(contractid="CN-é", customerid="C-1")],
            contractlines=[contract_line(contractid="CN-é", lineno=1, itemid="I-1",
                                         flatamount="10.00")],
        )
    # when
    text = preview_json(preview(records, as_of=date(2026, 12, 31)))
    # then
    assert text == _standard(text)
