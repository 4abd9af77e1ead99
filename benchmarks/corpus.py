"""Build the benchmark corpus: pinned sdists of boto3, botocore, moto and chalice from PyPI, extracted.

Why: the figures in benchmarks/README.md are only comparable when everyone measures the same
files, so the sources are pinned by version and sha256, and the copies for the scaling
measurement are made the same way everywhere. Run it with the project's virtual environment:

    python benchmarks/corpus.py [--corpus DIR] [--sdist-dir DIR] [--packages NAME ...]

compare.py --suite builds it too. Layout, each part made only if it is missing:

    DIR/downloads/NAME-VERSION.tar.gz    the sdists, sha256 checked against SDISTS
    DIR/copy1/NAME-VERSION/              the sdists extracted
    DIR/copy2/ ... DIR/copy4/            copies of copy1, hard-linked: same bytes, other paths

The corpus measured is each sdist's import package (boto3/boto3, botocore/botocore, moto/moto,
chalice/chalice; tests, docs and setup scripts left out): about 1,600 .py files. The sdists are
found through PyPI's JSON simple index (PEP 691); --sdist-dir names a folder of archives already
downloaded, used when a file there has the pinned hash. Extraction uses tarfile's "data" filter
(Python 3.9.17, 3.10.12, 3.11.4 and later).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

DEFAULT_CORPUS = Path.home() / ".cache" / "credlint-bench" / "corpus"
SIMPLE_INDEX = "https://pypi.org/simple"
# The largest number of copies the scaling measurement asks for.
MAX_COPIES = 4


@dataclass(frozen=True)
class Sdist:
    name: str
    version: str
    sha256: str  # ref. PyPI's simple index, https://pypi.org/simple/NAME/

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}.tar.gz"

    @property
    def folder(self) -> str:
        return f"{self.name}-{self.version}"


# The newest releases when the benchmark was written (2026-12); boto3 and botocore released together.
SDISTS = (
    Sdist("boto3", "1.44.18", "232b51762ec4dc19e3d309f06494b5107101fd487aac9a976f7dfab2a2277304"),
    Sdist("botocore", "1.44.18", "c78f0a2346b4700d77702530d04c1fed525ef0bb9723218eb8a7cfeae07b6b28"),
    Sdist("moto", "5.2.6", "247351594cfa4917ec74834a0be62915804d568ad3b667988194668ad39c44a7"),
    Sdist("chalice", "1.34.0", "38a96338e6592c5605e3da2ebd29c8d402ad5cbcbac635d2ef3ad4024bbc8041"),
)


class CorpusError(Exception):
    """An sdist could not be found, downloaded or verified."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sdist_url(sdist: Sdist) -> str:
    """The sdist's download address, from the package's page of the JSON simple index."""
    request = urllib.request.Request(
        f"{SIMPLE_INDEX}/{sdist.name}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        page: dict[str, Any] = json.load(response)
    for entry in page["files"]:
        if entry["filename"] == sdist.filename:
            return str(entry["url"])
    raise CorpusError(f"{sdist.filename} is not on {SIMPLE_INDEX}/{sdist.name}/")


def fetch_sdist(sdist: Sdist, downloads: Path, sdist_dir: Optional[Path]) -> Path:
    """The verified archive in downloads: kept from an earlier run, copied from sdist_dir, or downloaded."""
    target = downloads / sdist.filename
    if target.is_file() and sha256_of(target) == sdist.sha256:
        return target
    local = sdist_dir / sdist.filename if sdist_dir else None
    partial = target.with_suffix(".part")
    if local is not None and local.is_file() and sha256_of(local) == sdist.sha256:
        shutil.copyfile(local, partial)
    else:
        url = sdist_url(sdist)
        print(f"downloading {url}", flush=True)
        with urllib.request.urlopen(url, timeout=300) as response, partial.open("wb") as stream:
            shutil.copyfileobj(response, stream)
    found = sha256_of(partial)
    if found != sdist.sha256:
        partial.unlink()
        raise CorpusError(f"{sdist.filename}: sha256 {found}, pinned {sdist.sha256}")
    partial.replace(target)
    return target


def extract(archive: Path, sdist: Sdist, destination: Path) -> None:
    """The archive's top folder, NAME-VERSION, as destination/NAME-VERSION; written whole or not at all."""
    # In the corpus folder, not in a copy: an interrupted run must leave no half tree among the sources.
    with tempfile.TemporaryDirectory(dir=destination.parent) as scratch:
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(scratch, filter="data")
        except tarfile.TarError as error:
            raise CorpusError(f"{archive.name}: {error}") from None
        extracted = Path(scratch, sdist.folder)
        if not extracted.is_dir():
            raise CorpusError(f"{archive.name} holds no folder {sdist.folder}")
        extracted.rename(destination / sdist.folder)


def copy_path(corpus: Path, number: int) -> Path:
    return corpus / f"copy{number}"


def link_tree(source: Path, destination: Path) -> None:
    """source copied to destination as hard links: the tools read the same bytes under other paths, at no
    cost in disk space. Made in the corpus folder and moved, so that no half copy sits among the sources."""
    with tempfile.TemporaryDirectory(dir=destination.parent.parent) as scratch:
        partial = Path(scratch, destination.name)
        shutil.copytree(source, partial, copy_function=os.link, symlinks=True)
        partial.rename(destination)


def build(
    corpus: Path, sdists: Sequence[Sdist] = SDISTS, copies: int = MAX_COPIES, sdist_dir: Optional[Path] = None
) -> None:
    """Download, verify and extract the sdists into corpus/copy1, and link them into copy2 .. copy{copies}."""
    downloads = corpus / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    for number in range(1, copies + 1):
        copy_path(corpus, number).mkdir(exist_ok=True)
    first = copy_path(corpus, 1)
    for sdist in sdists:
        if not (first / sdist.folder).is_dir():
            extract(fetch_sdist(sdist, downloads, sdist_dir), sdist, first)
        for number in range(2, copies + 1):
            copy = copy_path(corpus, number) / sdist.folder
            if not copy.is_dir():
                link_tree(first / sdist.folder, copy)


def package_sources(corpus: Path, sdists: Sequence[Sdist] = SDISTS, copies: int = 1) -> list[Path]:
    """The import package of each sdist in copy1 .. copy{copies}: the folders the benchmark scans."""
    # Each of the four sdists holds its import package under its own name.
    return [
        copy_path(corpus, number) / sdist.folder / sdist.name for number in range(1, copies + 1) for sdist in sdists
    ]


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help=f"where the corpus is built (default {DEFAULT_CORPUS})"
    )
    parser.add_argument(
        "--sdist-dir", type=Path, help="a folder of sdists already downloaded, used if the hash matches"
    )
    parser.add_argument(
        "--packages",
        nargs="+",
        choices=[sdist.name for sdist in SDISTS],
        default=[sdist.name for sdist in SDISTS],
        metavar="NAME",
        help="only these of the pinned sdists, for a quick check (default: all four)",
    )


def chosen_sdists(names: Sequence[str]) -> tuple[Sdist, ...]:
    return tuple(sdist for sdist in SDISTS if sdist.name in names)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Build the benchmark corpus; see the docstring.")
    add_corpus_arguments(parser)
    args = parser.parse_args(argv)
    corpus, sdists = args.corpus.absolute(), chosen_sdists(args.packages)
    try:
        build(corpus, sdists, sdist_dir=args.sdist_dir)
    except (CorpusError, OSError) as error:
        print(f"corpus not built: {error}", file=sys.stderr)
        return 1
    for folder in package_sources(corpus, sdists):
        print(f"{folder}: {sum(1 for path in folder.rglob('*.py') if path.is_file())} .py files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
