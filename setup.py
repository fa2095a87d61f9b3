"""Build hook: ship the warehouse SQL and the Dagster instance settings inside the package.

In a checkout they live at warehouse/sql/ and dagster_home/dagster.yaml (where a reader of the
repo looks for them); an installed package has no checkout, so the build copies them to
pipelines/sql/ and pipelines/dagster.yaml, which `pipelines.settings` falls back to.
Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithSql(build_py):
    def run(self):
        super().run()
        package = Path(self.build_lib) / "pipelines"
        (package / "sql").mkdir(parents=True, exist_ok=True)
        for sql in sorted((ROOT / "warehouse" / "sql").glob("*.sql")):
            shutil.copyfile(sql, package / "sql" / sql.name)
        shutil.copyfile(ROOT / "dagster_home" / "dagster.yaml", package / "dagster.yaml")


setup(cmdclass={"build_py": BuildPyWithSql})
