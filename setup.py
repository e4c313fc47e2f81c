"""Packaging glue pyproject.toml cannot express: the top-level resources/ folder is installed
as the package data `shop_desk/resources` (icons, translations, demo data)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["shop_desk", "shop_desk.*"]), "shop_desk.resources"],
    package_dir={"shop_desk.resources": "resources"},
)
