"""On the recorded archive, `legacy.<table>` serves every renamed table's rows under the old column names."""

import pytest

from conftest import query
from schemas import table
from schemas.renames import RENAMES

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("name", sorted(RENAMES))
def test_legacy_view_holds_the_published_rows_under_the_old_names(built_warehouse, name):
    old_name = {new: old for old, new in RENAMES[name].items()}
    as_before = ", ".join(f"{column} as {old_name.get(column, column)}" for column in table(name).columns)
    rows = query(built_warehouse, f"select count(*) from legacy.{name}")[0][0]
    assert rows == query(built_warehouse, f"select count(*) from {name}")[0][0] > 0
    for first, second in (
        (f"from legacy.{name}", f"select {as_before} from main.{name}"),
        (f"select {as_before} from main.{name}", f"from legacy.{name}"),
    ):
        assert query(built_warehouse, f"select count(*) from ({first} except all {second})") == [(0,)], name


def test_old_names_answer_the_old_questions(built_warehouse):
    [(kgco2e, url)] = query(
        built_warehouse,
        "select kgco2e, url from legacy.hardware_embodied_emissions where item like 'NVIDIA H100 SXM, per GPU%'",
    )
    assert kgco2e == pytest.approx(164.0) and url.startswith("https://")
    [(market_based,)] = query(
        built_warehouse,
        "select reported_tco2e_market_based from legacy.ai_training_runs "
        "where model = 'Llama 3.1 405B' and source_id = 'llama_model_cards'",
    )
    assert market_based == 0
