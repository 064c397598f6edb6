"""treatments.appointments.charts: the server-drawn progress chart. No database."""

from decimal import Decimal as D

from treatments.appointments.charts import ChartPoint, progress_svg


def test_empty_series_draws_nothing():
    assert progress_svg({}) == ""
    assert progress_svg({"Upper back": []}) == ""


def test_one_line_per_area_and_a_point_per_visit():
    svg = progress_svg(
        {
            "Upper back": [
                ChartPoint("Assessment", D(32)),
                ChartPoint("Session 1", D(29)),
                ChartPoint("Session 2", D("24.5")),
            ],
            "Flanks": [ChartPoint("Session 1", D(20))],
        }
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 1  # a single point draws no line
    assert svg.count("<circle") == 4
    assert "Upper back, Session 2: 24.5 mm" in svg
    for label in ("Assessment", "Session 1", "Session 2", "Flanks"):
        assert f">{label}<" in svg


def test_labels_are_escaped():
    svg = progress_svg({"<script>x</script>": [ChartPoint("S & 1", D(10))]})
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "S &amp; 1" in svg


def test_predicted_lines_are_dashed_beside_the_measured_ones():
    measured = {"Flanks": [ChartPoint("Assessment", D(34)), ChartPoint("Session 2", D(33))]}
    predicted = {
        "Flanks": [
            ChartPoint("Assessment", D(34)),
            ChartPoint("Session 1", D(34)),
            ChartPoint("Session 2", D("27.2")),
            ChartPoint("After session 2", D("21.8")),
        ]
    }
    svg = progress_svg(measured, predicted=predicted)
    assert svg.count("<polyline") == 2
    assert svg.count('stroke-dasharray="6 4"') == 2  # the line and its legend key
    assert "Flanks (predicted), After session 2: 21.8 mm" in svg
    assert ">predicted<" in svg
    # The x axis follows the prediction's visits, measured ones in their place.
    labels = ["Assessment", "Session 1", "Session 2", "After session 2"]
    positions = [svg.index(f">{label}</text>") for label in labels]
    assert positions == sorted(positions)
    # Without measurements there is nothing to draw, prediction or not.
    assert progress_svg({}, predicted=predicted) == ""
