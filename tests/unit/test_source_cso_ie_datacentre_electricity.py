"""cso_ie_datacentre_electricity: CSO MEC02 (JSON-stat) metered data-centre electricity, on the fixture."""

import json
import shutil

import pytest

from conftest import FIXTURES
from datacenter_electricity_frames import parse
from pipelines.errors import SourceFormatError
from pipelines.sources import cso_ie_datacentre_electricity as cso
from pipelines.validation import validate


def test_cso_quarters_in_twh_with_share_of_all_metered():
    frame = parse(cso).set_index(["year", "quarter"])
    assert frame.loc[(2025, 4), "electricity_twh_central"] == pytest.approx(1.991)
    assert frame.loc[(2025, 4), "share_of_demand_pct_central"] == pytest.approx(100 * 1991 / 8420)
    assert frame.loc[(2015, 1), "electricity_twh_central"] == pytest.approx(0.291)
    assert set(frame["basis"]) == {"metered"} and set(frame["zone_id"]) == {"IRL"}
    assert len(validate("datacenter_electricity", parse(cso), source_id=cso.SOURCE_ID)) == 6


def edited_cso(tmp_path, change):
    shutil.copy(FIXTURES / cso.SOURCE_ID / cso.FILE, tmp_path / cso.FILE)
    dataset = json.loads((tmp_path / cso.FILE).read_text())
    change(dataset)
    (tmp_path / cso.FILE).write_text(json.dumps(dataset))
    return tmp_path


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["value"].pop(), "'value' must be an array of 18 cells"),
        (lambda d: d["value"].__setitem__(1, "n/a"), "non-numeric value 'n/a'"),
        (
            lambda d: d["dimension"]["C03907V04659"]["category"]["label"].__setitem__("10", "Hospitals"),
            "'Data centres' not both found",
        ),
        (lambda d: d["dimension"]["STATISTIC"]["category"]["unit"]["MEC02"].__setitem__("label", "MWh"), "unit 'MWh'"),
        (lambda d: d.__setitem__("class", "collection"), "not a JSON-stat 2.0 dataset"),
    ],
)
def test_cso_bad_responses_fail_with_a_message(tmp_path, change, message):
    with pytest.raises(SourceFormatError, match="MEC02.json") as error:
        parse(cso, edited_cso(tmp_path, change))
    assert message in str(error.value)
