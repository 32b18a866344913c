"""Irrationality certificates (Legendre's and Tietze's criteria, Perron vol. II): proved for
Euler's 1/(e-1) and e, Lambert's cot(1) and coth(1); refused for rational fractions and for
fractions the criteria do not cover (Apery's, Brouncker's)."""

from __future__ import annotations

import dataclasses

import pytest

from engine.contfrac import PCF
from engine.errors import InvalidInputError, VerificationError
from solvers.pcf_irrationality import IrrationalityCertificate, irrationality_certificate


@pytest.mark.parametrize("a, b, method", [
    ("n", "n", "legendre"),          # 1/(e-1), Euler 1744
    ("n+3", "-n", "tietze"),         # e
    ("2n+1", "1", "legendre"),       # coth(1), Lambert 1768
    ("2n+1", "-1", "tietze"),        # cot(1), Lambert 1768
    ("n^2", "5n+7", "legendre"),     # holds from n = 7 on only
])
def test_certificates(a, b, method):
    c = irrationality_certificate(PCF(a, b))
    assert c is not None and c.method == method
    c.check()
    assert IrrationalityCertificate.from_json(c.to_json()) == c


@pytest.mark.parametrize("a, b", [
    ("2", "-1"),                     # 2 - 1/(2 - 1/(2 - ...)) = 1: Tietze's exception
    ("34n^3+51n^2+27n+5", "-n^6"),   # Apery: deg b > deg a
    ("2n+1", "n^2"),                 # 4/pi: a < b
    ("n+1", "n-2"),                  # terminates: rational
])
def test_no_certificate(a, b):
    assert irrationality_certificate(PCF(a, b)) is None


def test_start_is_least():
    c = irrationality_certificate(PCF("n^2", "5n+7"))
    assert c.start == 7                     # 6^2 = 36 < 37 = 5*6 + 7; 49 >= 42
    with pytest.raises(VerificationError):
        dataclasses.replace(c, start=6).check()


def test_tampered_and_hostile():
    with pytest.raises(VerificationError):
        IrrationalityCertificate.tampered().check()
    with pytest.raises(VerificationError):
        dataclasses.replace(IrrationalityCertificate.example(), method="magic").check()
    with pytest.raises(InvalidInputError, match="f="):
        irrationality_certificate("n")
    with pytest.raises(InvalidInputError, match="max_start"):
        irrationality_certificate(PCF("n", "n"), max_start=0)
