from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from autobill.dataset import load_dataset
from autobill.demo import DATA_DIR, DATASET_FILE, build, dataset_path, generate, write

if TYPE_CHECKING:
    from autobill.demo import Demo


def test_the_same_seed_gives_identical_bytes(demo: Demo) -> None:
    """Generating twice from the same seed gives the same files, byte for byte."""
    # given
    first = demo.files
    # when
    second = build().files
    # then
    assert first == second


def test_another_seed_gives_another_company(demo: Demo) -> None:
    """A different seed changes the generated data."""
    # given / when
    other = build(7).dataset
    # then
    assert other != demo.dataset


def test_the_checked_in_data_equals_a_fresh_generation(demo: Demo) -> None:
    """The files under demo/data are exactly what the default seed generates, and nothing else."""
    # given
    expected = demo.files
    # when
    on_disk = {
        p.relative_to(DATA_DIR).as_posix(): p.read_bytes()
        for p in sorted(DATA_DIR.rglob("*"))
        if p.is_file()
    }
    # then
    assert sorted(on_disk) == sorted(expected)
    assert all(on_disk[name] == content for name, content in expected.items())


def test_generate_is_the_dataset_of_build(demo: Demo) -> None:
    """generate() returns the same mapping build() holds."""
    # given / when
    raw = generate()
    # then
    assert raw == demo.dataset


def test_dataset_path_names_the_checked_in_file() -> None:
    """dataset_path() returns the checked-in YAML beside its documents folder."""
    # given / when
    path = dataset_path()
    # then
    assert path.name == DATASET_FILE
    assert path.is_file()
    assert (path.parent / "documents").is_dir()


def test_write_creates_a_loadable_dataset_in_a_folder(tmp_path: Path) -> None:
    """write() puts the YAML and its documents in a folder, and the loader accepts them."""
    # given
    folder = tmp_path / "out"
    # when
    written = write(folder, seed=7)
    data = load_dataset(written)
    # then
    assert written == folder / DATASET_FILE
    assert len(data.documents) >= 20
    assert all(Path(d.path or "").is_file() for d in data.documents)
    assert all(Path(d.path or "").is_relative_to(folder) for d in data.documents)


def test_generate_returns_the_raw_mapping_with_every_object(demo: Demo) -> None:
    """generate() returns the dataset mapping, its format and every object as a list."""
    # given / when
    raw = demo.dataset
    # then
    assert raw["format"] == "autobill-dataset/1"
    assert raw["COMPANY"]["BASECURR"] == "USD"
    assert all(
        isinstance(raw[name], list) and raw[name]
        for name in raw
        if name.isupper() and name != "COMPANY"
    )


def test_no_value_is_a_float(demo: Demo) -> None:
    """Every money, rate and quantity is a decimal string, never a float."""
    # given
    raw = demo.dataset
    found: list[object] = []

    def walk(value: object) -> None:
        if isinstance(value, float):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    # when
    walk(raw)
    # then
    assert found == []
