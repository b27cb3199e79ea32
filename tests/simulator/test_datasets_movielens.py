import sys

import numpy as np
import pytest

from simulator.datasets import DatasetMissing, parse_id_range
from simulator.datasets.movielens import (
    FIT_USERS,
    HELD_OUT_USERS,
    film_item,
    history_text,
    load_movielens,
    ml100k_dir,
    user_persona,
)


@pytest.fixture(scope="module")
def ml():
    try:
        return load_movielens()
    except DatasetMissing as exc:
        pytest.fail(str(exc))


def test_the_whole_data_set_is_read(ml):
    assert (ml.n_users, ml.n_items, len(ml.rating)) == (943, 1682, 100_000)
    assert set(np.unique(ml.rating)) == {1, 2, 3, 4, 5}
    assert ml.user.min() == 1 and ml.user.max() == 943


def test_fit_and_held_out_users_split_the_population():
    assert list(FIT_USERS)[-1] == 600 and list(HELD_OUT_USERS)[0] == 601
    assert set(FIT_USERS).isdisjoint(HELD_OUT_USERS) and len(FIT_USERS) + len(HELD_OUT_USERS) == 943


def test_user_one_becomes_a_persona_with_demographics_and_interests(ml):
    persona = user_persona(ml, 1)
    assert persona.demographics.age_band == "18-24"  # MovieLens: 24, M, technician, 85711
    assert persona.demographics.gender == "male"
    assert persona.demographics.utc_offset_h == -7.0  # ZIP 8xxxx: mountain time
    assert "technician" in persona.interest_text
    assert abs(sum(persona.interests.values()) - 1.0) < 1e-9


def test_a_film_becomes_an_item_with_title_genres_and_topics(ml):
    toy_story = film_item(ml, 1, views=452, likes=321)
    assert toy_story.caption == "Toy Story (1995)"
    assert toy_story.hashtags == ["animation", "children's", "comedy"]
    assert set(toy_story.topics) == {"film", "art", "family", "comedy"}
    assert abs(sum(toy_story.topics.values()) - 1.0) < 1e-9
    assert toy_story.engagement.views == 452


def test_histories_are_in_time_order_and_readable(ml):
    rows = ml.rows_of(1)
    assert len(rows) == 272
    assert np.all(np.diff(ml.time[rows]) >= 0)
    assert "rated" in history_text(ml, rows, limit=3)


def test_missing_recbole_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "recbole", None)  # what find_spec reports when it is not installed
    with pytest.raises(DatasetMissing, match=r"pip install --no-deps recbole==1\.2\.1"):
        ml100k_dir()


def test_id_ranges_parse_and_bad_ones_say_why():
    assert parse_id_range("601-603,7") == [601, 602, 603, 7]
    with pytest.raises(ValueError, match="backwards"):
        parse_id_range("9-3")
    with pytest.raises(ValueError, match="not an id"):
        parse_id_range("abc")
