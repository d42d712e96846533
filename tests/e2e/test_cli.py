"""The ``uncc`` command end to end, in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def uncc(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = None
    if data_dir is not None:
        env = {**os.environ, "UNCC_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "uncc", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )


def test_list_json_has_56_articles_with_the_stable_shape() -> None:
    result = uncc("convention", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    articles = json.loads(result.stdout)
    assert len(articles) == 56
    assert articles[42] | {"kind": "procedural_power"} == {
        "number": 43,
        "id": "art_43",
        "heading": "Expedited preservation of stored computer data",
        "chapter": "III",
        "kind": "procedural_power",
    }


def test_list_by_chapter_and_table() -> None:
    result = uncc("convention", "list", "--chapter", "1", "--format", "json")
    assert [a["number"] for a in json.loads(result.stdout)] == [1, 2, 3, 4, 5]
    table = uncc("convention", "list")
    assert table.returncode == 0
    assert "Illegal access" in table.stdout


def test_show_43_json_exposes_the_ninety_day_maximum() -> None:
    result = uncc("convention", "show", "43", "--format", "json")
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    power = article["powers"][0]
    assert power["parameters"]["max_duration_days"] == 90
    assert power["parameters"]["renewable"] is True
    assert article["budapest"][0]["counterpart"] == "16"
    assert "art_44__para_1" in article["cited_by"]


def test_show_text_and_unknown_article() -> None:
    assert "Power preservation" in uncc("convention", "show", "art_43").stdout
    result = uncc("convention", "show", "99")
    assert result.returncode == 2
    assert "articles run from 1 to 56" in result.stderr
    assert "Traceback" not in result.stderr


def test_export_is_the_whole_model() -> None:
    document = json.loads(uncc("convention", "export", "--format", "json").stdout)
    assert len(document["articles"]) == 56
    assert {t["id"] for t in document["terms"]} >= {"computer_system", "subscriber_information"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03", "binary"),
        (b"caf\xe9", "UTF-8"),
        (b"Notes", "no article"),
    ],
)
def test_bad_files_get_one_line_and_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    for command in ("parse", "lint", "import"):
        result = uncc("convention", command, str(path), data_dir=tmp_path / "data")
        assert result.returncode == 2
        assert str(path) in result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()


def test_missing_file_exit_2(tmp_path: Path) -> None:
    result = uncc("convention", "lint", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_lint_exit_codes_on_synthetic_texts(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("Article 1. Duty\nEach State Party shall act.\n", encoding="utf-8")
    assert uncc("convention", "lint", str(clean)).returncode == 0
    dirty = tmp_path / "dirty.txt"
    dirty.write_text("Article 1. Duty\nEach State Party shall apply article 7.\n", encoding="utf-8")
    result = uncc("convention", "lint", str(dirty), "--format", "json")
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)
    assert set(finding) >= {"code", "severity", "article", "id", "message"}
    assert finding["code"] == "ref-unresolved"


def test_parse_json_shape(tmp_path: Path) -> None:
    text = tmp_path / "t.txt"
    text.write_text("Article 1. A\n1. One:\n(a) x;\n(b) y.\n", encoding="utf-8")
    document = json.loads(uncc("convention", "parse", str(text), "--format", "json").stdout)
    paragraph = document["articles"][0]["paragraphs"][0]
    assert paragraph["id"] == "art_1__para_1"
    assert [p["id"] for p in paragraph["points"]] == [
        "art_1__para_1__point_a",
        "art_1__para_1__point_b",
    ]


@pytest.mark.seed
def test_seed_lint_import_and_verbatim_show(seed_path: Path, tmp_path: Path) -> None:
    lint = uncc("convention", "lint", str(seed_path), "--format", "json")
    assert lint.returncode == 1
    assert any(f["code"] == "ref-unresolved" for f in json.loads(lint.stdout))
    data = tmp_path / "data"
    imported = uncc("convention", "import", str(seed_path), data_dir=data)
    assert imported.returncode == 0, imported.stderr
    shown = uncc("convention", "show", "43", "--format", "json", data_dir=data)
    verbatim = json.loads(shown.stdout)["verbatim"]
    assert "ninety days" in verbatim["art_43__para_2"]


def test_import_refuses_another_treaty(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Article 1. A\nEach State Party shall act.\n", encoding="utf-8")
    result = uncc("convention", "import", str(other), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert "does not look like this Convention" in result.stderr
