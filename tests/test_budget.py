"""Tests of ganbook.budget: profiles from GANBOOK_PROFILE and budget(full=, smoke=)."""

import pytest

from ganbook import PROFILES, active_profile, budget, checking_claims


def test_default_profile_is_full(profile):
    profile(None)
    assert active_profile() == "full"
    assert budget(full=1000, smoke=10) == 1000


def test_smoke_profile_selects_smoke_value(profile):
    profile("smoke")
    assert active_profile() == "smoke"
    assert budget(full=1000, smoke=10) == 10
    assert budget(full="mnist", smoke="tiny") == "tiny"


def test_profile_name_is_case_and_space_insensitive(profile):
    profile(" Smoke ")
    assert active_profile() == "smoke"


def test_unknown_profile_names_valid_ones(profile):
    profile("fast")
    with pytest.raises(ValueError, match="'fast'.*full, smoke"):
        active_profile()
    with pytest.raises(ValueError, match="full, smoke"):
        budget(full=1, smoke=1)


@pytest.mark.parametrize("bad", [0, -5, 0.0, float("nan")])
def test_non_positive_numeric_budget_is_rejected(profile, bad):
    profile("full")
    with pytest.raises(ValueError, match="must be positive"):
        budget(full=10, smoke=bad)
    with pytest.raises(ValueError, match="must be positive"):
        budget(full=bad, smoke=10)


def test_profiles_constant():
    assert PROFILES == ("full", "smoke")


def test_claim_checks_only_when_the_build_sets_the_variable(monkeypatch, profile):
    profile("full")
    monkeypatch.delenv("GANBOOK_CHECK_CLAIMS", raising=False)
    assert not checking_claims() and not checking_claims("full")
    monkeypatch.setenv("GANBOOK_CHECK_CLAIMS", "0")
    assert not checking_claims()
    monkeypatch.setenv("GANBOOK_CHECK_CLAIMS", "1")
    assert checking_claims() and checking_claims("full") and not checking_claims("smoke")
    profile("smoke")
    assert checking_claims("smoke") and not checking_claims("full")


def test_claim_checks_reject_unclear_settings(monkeypatch):
    monkeypatch.setenv("GANBOOK_CHECK_CLAIMS", "yes")
    with pytest.raises(ValueError, match="expected 1"):
        checking_claims()
    monkeypatch.setenv("GANBOOK_CHECK_CLAIMS", "1")
    with pytest.raises(ValueError, match="expected one of full, smoke"):
        checking_claims("ful")
