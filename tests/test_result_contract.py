"""One contract, run over every result class of disco (as python-flint's test_all.py runs one
body over every type).

Every subclass of :class:`engine.results.Result` in engine/, solvers/ and search/ must offer
``example()``: a small real instance computed by the library (a textbook balance, Strassen's
scheme, Apery's fraction, the Petersen graph ...). On it:

- ``check()`` passes and ``is_valid()`` is True;
- ``to_json()`` is JSON (no NaN, no objects) and ``from_json`` rebuilds a result whose
  ``check()`` passes and whose ``to_json()`` is the same document (a stored record can be
  rebuilt and re-verified);
- where the class offers ``tampered()`` (the example with one datum falsified), ``check()``
  raises :class:`engine.errors.VerificationError` and ``is_valid()`` is False.
"""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest

from engine.errors import VerificationError
from engine.results import Result

_PACKAGES = ("engine", "solvers", "search")


def _import_all() -> None:
    for name in _PACKAGES:
        pkg = importlib.import_module(name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=name + "."):
            if info.name.endswith("__main__"):
                continue
            importlib.import_module(info.name)


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        if sub.__module__.split(".")[0] in _PACKAGES:
            out.append(sub)
        out += _subclasses(sub)
    return out


_import_all()
RESULT_CLASSES = sorted(set(_subclasses(Result)), key=lambda c: (c.__module__, c.__qualname__))


def test_every_result_class_is_covered():
    missing = [f"{c.__module__}.{c.__qualname__}" for c in RESULT_CLASSES
               if not callable(getattr(c, "example", None))]
    assert not missing, f"result classes without example(): {missing}"
    assert len(RESULT_CLASSES) >= 10


@pytest.mark.parametrize("cls", RESULT_CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_contract(cls):
    ex = cls.example()
    assert isinstance(ex, cls)
    ex.check()
    assert ex.is_valid()
    doc = ex.to_json()
    text = json.dumps(doc, allow_nan=False, sort_keys=True)
    back = cls.from_json(json.loads(text))
    assert isinstance(back, cls)
    back.check()
    assert json.dumps(back.to_json(), allow_nan=False, sort_keys=True) == text
    tampered = getattr(cls, "tampered", None)
    if callable(tampered):
        bad = tampered()
        with pytest.raises(VerificationError):
            bad.check()
        assert not bad.is_valid()
