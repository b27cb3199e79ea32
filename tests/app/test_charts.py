"""charts.py: pure functions from stored aggregates to Plotly figure dicts."""

from recoworld_app import charts
from recoworld_app.templatetags.numbers import compact, duration, percent

ROWS = [
    ("views", h, s, m, m * 0.8, m * 1.2)
    for h, base in (("6h", 100.0), ("24h", 300.0), ("1w", 500.0))
    for s, m in (("all", base), ("age_band:18-24", base / 2), ("country:US", base / 4))
]


def test_over_time_puts_the_band_under_the_mean_in_horizon_order():
    index = charts.cells(reversed(ROWS))
    [(metric, figure)] = charts.over_time_figures(index, metrics=("views", "likes"))
    lo, hi, mean = figure["data"]
    assert metric == "views" and mean["x"] == ["6h", "24h", "1w"]
    assert mean["y"] == [100.0, 300.0, 500.0] and lo["y"] == [80.0, 240.0, 400.0] and hi["fill"] == "tonexty"


def test_segments_figure_has_asymmetric_error_bars_and_readable_labels():
    figure = charts.segments_figure(charts.cells(ROWS), "views", "1w")
    bar = figure["data"][0]
    assert bar["y"] == ["age 18-24", "US"] and bar["x"] == [250.0, 125.0]
    assert bar["error_x"]["array"] == [50.0, 25.0] and bar["error_x"]["arrayminus"] == [50.0, 25.0]
    assert charts.segments_figure(charts.cells(ROWS), "views", "1w", only=["country:US"])["data"][0]["y"] == [
        "US"
    ]
    assert charts.segments_figure({}, "views", "1w") is None


def test_differences_say_when_the_intervals_separate():
    base = charts.cells(ROWS)
    better = {k: (m * 2, lo * 2, hi * 2) for k, (m, lo, hi) in base.items()}
    [views] = charts.differences(base, better, "1w")
    assert views["diff"] == 500.0 and views["verdict"] == "higher" and views["relative"] == 1.0
    [same] = charts.differences(base, base, "1w")
    assert same["verdict"] == "no clear difference" and same["lo"] < 0 < same["hi"]


def test_funnel_watch_time_and_makeup_figures_skip_missing_data():
    assert (
        charts.funnel_figure({}) is None and charts.watch_time_figure({"labels": ["a"], "counts": []}) is None
    )
    funnel = charts.funnel_figure({"Shown": 100, "Viewed": 40, "Liked": 4})
    assert funnel["data"][0]["x"] == [100, 40, 4]
    makeup = charts.makeup_figures(
        {"age_band": {"18-24": 0.6, "25-34": 0.4}, "country": {"US": 0.2, "BR": 0.8}}
    )
    assert [k for k, _ in makeup] == ["age_band", "country"]
    assert makeup[1][1]["data"][0]["x"] == ["BR", "US"], "countries sorted by share"


def test_numbers_read_like_a_person_says_them():
    assert [compact(v) for v in (7, 12.5, 999, 1234, 15_000, 1_500_000, -2500, 0.25)] == [
        "7",
        "12.5",
        "999",
        "1.2k",
        "15k",
        "1.5M",
        "-2.5k",
        "0.25",
    ]
    assert percent(0.634) == "63%" and duration(65) == "1 min 5 s" and duration(3700) == "1 h 1 min"
