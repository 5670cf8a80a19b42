from tilstand import fmt

NB = "\u00a0"


def test_thousands_are_separated_by_space_and_decimals_by_comma():
    assert fmt.number(1234.5, 1) == f"1{NB}234,5"
    assert fmt.number(1234567, 0) == f"1{NB}234{NB}567"


def test_rounding_is_half_up_as_ssb_publishes():
    assert fmt.number(7.25, 1) == "7,3"
    assert fmt.number(0.125, 2) == "0,13"
    assert fmt.number(2.5, 0) == "3"


def test_percent_has_a_space_before_the_sign():
    assert fmt.value(87, "percent") == f"87,0{NB}%"


def test_money_in_thousands_reads_as_thousand_kroner():
    assert fmt.value(51234, "nok_1000") == f"51{NB}234{NB}000{NB}kr"


def test_negative_numbers_use_a_real_minus_sign():
    assert fmt.number(-1234, 0) == f"−1{NB}234"


def test_change_in_percent_is_in_percentage_points_with_sign():
    assert fmt.change(1.24, "percent") == f"+1,2{NB}%-poeng"
    assert fmt.change(-3, "count") == "−3"


def test_missing_value_is_a_dash():
    assert fmt.value(None, "percent") == "–"
