"""The shared positive-integer check: one wording, bools never count as integers."""

import numpy as np
import pytest

from ganbook._checks import check_positive_int


@pytest.mark.parametrize("value", [0, -3, 2.0, True, "4", np.int64(4)])
def test_non_positive_or_non_int_values_are_rejected_with_their_name(value):
    with pytest.raises(ValueError, match=r"width must be a positive integer, got"):
        check_positive_int("width", value)


def test_numpy_integers_pass_only_where_allowed():
    check_positive_int("n", 3)
    check_positive_int("n", np.int64(3), (int, np.integer))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        check_positive_int("n", np.int64(0), (int, np.integer))
