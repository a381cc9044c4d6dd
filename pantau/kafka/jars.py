"""Fetching the Kafka broker jars from Maven Central with the project's pom, once, into a cache."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from pantau.errors import KafkaLauncherError

_MARKER = ".pom-sha256"


def project_root() -> Path:
    """The repository root (where infra/ lives) for a source checkout or editable install."""
    return Path(__file__).resolve().parents[2]


def pom_path() -> Path:
    return project_root() / "infra" / "kafka" / "pom.xml"


def ensure_jars(libs_dir: Path) -> Path:
    """Return `libs_dir` holding the broker's runtime jars, running Maven first if they are missing.

    The directory is stamped with the pom's checksum so a version bump in the pom refetches.
    """
    pom = pom_path()
    if not pom.is_file():
        raise KafkaLauncherError(f"{pom} not found: the Kafka launcher runs from a Pantau source checkout")
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    marker = libs_dir / _MARKER
    if marker.is_file() and marker.read_text().strip() == digest and any(libs_dir.glob("kafka_2.13-*.jar")):
        return libs_dir
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaLauncherError(
            "Maven (mvn) is needed once to fetch the Kafka jars from Maven Central; install it "
            "(apt-get install maven) or set KAFKA_BOOTSTRAP to an existing cluster"
        )
    if libs_dir.exists():
        shutil.rmtree(libs_dir)
    libs_dir.mkdir(parents=True)
    command = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        f"-Dkafka.libs.dir={libs_dir.resolve()}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not any(libs_dir.glob("kafka_2.13-*.jar")):
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise KafkaLauncherError(f"fetching the Kafka jars with Maven failed (exit {result.returncode}):\n{tail}")
    marker.write_text(digest)
    return libs_dir
